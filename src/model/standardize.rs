//! Column z-scoring as the references do it: z = (x − mean) / sd with sd using ddof = 0
//! (scikit-learn `StandardScaler`). Fitted on training rows only and applied unchanged to
//! other rows. A zero-variance column keeps scale 1 (as scikit-learn). No model fitting here.
use super::ModelError;
use ndarray::{Array1, Array2, Axis};

/// Per-column mean and population standard deviation (ddof = 0).
#[derive(Debug, Clone, PartialEq)]
pub struct Scaler {
    pub mean: Array1<f64>,
    pub sd: Array1<f64>,
}

impl Scaler {
    /// Fit mean_j = Σ x_ij / n and sd_j = sqrt(Σ (x_ij − mean_j)² / n); sd 0 → 1.
    pub fn fit(x: &Array2<f64>) -> Result<Scaler, ModelError> {
        let n = x.nrows();
        if n == 0 {
            return Err(ModelError::Degenerate("scaler needs at least one row".into()));
        }
        if x.iter().any(|v| !v.is_finite()) {
            return Err(ModelError::NonFinite("X".into()));
        }
        let mean = x.sum_axis(Axis(0)) / n as f64;
        let mut sd = Array1::<f64>::zeros(x.ncols());
        for (j, col) in x.columns().into_iter().enumerate() {
            let ss: f64 = col.iter().map(|v| (v - mean[j]) * (v - mean[j])).sum();
            let s = (ss / n as f64).sqrt();
            sd[j] = if s > 0.0 { s } else { 1.0 };
        }
        Ok(Scaler { mean, sd })
    }

    /// z_ij = (x_ij − mean_j) / sd_j.
    pub fn transform(&self, x: &Array2<f64>) -> Result<Array2<f64>, ModelError> {
        if x.ncols() != self.mean.len() {
            return Err(ModelError::DimensionMismatch(format!(
                "scaler has {} columns, X has {}",
                self.mean.len(),
                x.ncols()
            )));
        }
        let mut z = x.clone();
        for (j, mut col) in z.columns_mut().into_iter().enumerate() {
            col.mapv_inplace(|v| (v - self.mean[j]) / self.sd[j]);
        }
        Ok(z)
    }
}
