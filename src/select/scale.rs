//! Z-score scaling fitted on a training set and applied to any rows. Must not see held-out
//! rows while fitting (it takes a `TrainSet`).

use crate::validate::TrainSet;
use ndarray::{Array1, Array2, Axis};

/// Per-column mean and SD (n−1) of the training rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Scaler {
    pub mean: Array1<f64>,
    pub sd: Array1<f64>,
}

impl Scaler {
    /// Fit on the training rows. Constant columns get SD 1 (they stay constant, at 0).
    pub fn fit(train: &TrainSet) -> Scaler {
        let x = train.x();
        let n = x.nrows() as f64;
        let mean = x.mean_axis(Axis(0)).unwrap_or_else(|| Array1::zeros(x.ncols()));
        let mut sd = Array1::zeros(x.ncols());
        for j in 0..x.ncols() {
            let m = mean[j];
            let ss: f64 = x.column(j).iter().map(|v| (v - m) * (v - m)).sum();
            let s = if n > 1.0 { (ss / (n - 1.0)).sqrt() } else { 0.0 };
            sd[j] = if s > 0.0 && s.is_finite() { s } else { 1.0 };
        }
        Scaler { mean, sd }
    }

    /// (x − mean) / sd, column-wise.
    pub fn apply(&self, x: &Array2<f64>) -> Array2<f64> {
        let mut out = x.clone();
        for (j, mut col) in out.axis_iter_mut(Axis(1)).enumerate() {
            col.mapv_inplace(|v| (v - self.mean[j]) / self.sd[j]);
        }
        out
    }
}
