//! Recursive feature elimination with an L2 logistic model (Guyon et al. 2002; scikit-learn
//! `RFE(LogisticRegression(C))`): fit on the remaining features, drop the `step` features with
//! the smallest |coefficient|, repeat until k remain. Features are z-scored once (sd ddof = 0)
//! on the rows given, unless told they already are. Training rows only; no final model here.
use crate::model::logistic::{fit_logistic, LogisticOptions, Penalty};
use crate::model::standardize::Scaler;
use crate::model::ModelError;
use ndarray::{Array1, Array2, Axis};

/// How many features one RFE round removes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RfeStep {
    /// A fixed number per round (≥ 1).
    Count(usize),
    /// A fraction in (0, 1) of the original feature count, at least 1 (sklearn's float `step`).
    Fraction(f64),
}

/// RFE settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RfeOptions {
    /// Inverse L2 strength in scikit-learn's parameterisation (loss + ‖w‖²/(2C)).
    pub c: f64,
    pub step: RfeStep,
    /// z-score the columns on the given rows first (ddof = 0); `false` if already scaled.
    pub standardize: bool,
}

impl Default for RfeOptions {
    fn default() -> Self {
        RfeOptions { c: 1.0, step: RfeStep::Count(1), standardize: true }
    }
}

/// RFE outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct RfeResult {
    /// Kept columns, ascending.
    pub selected: Vec<usize>,
    /// scikit-learn's `ranking_`: 1 for kept columns, larger for columns removed earlier.
    pub ranking: Vec<usize>,
}

/// Eliminate down to `k` columns of `x` (patients × features) against the 0/1 outcome `y`:
/// each round fits the L2 logistic on the survivors and removes the min(step, remaining − k)
/// smallest |w_j| (ties: lower column index first). Errors from the logistic fit are returned.
pub fn rfe_logistic(x: &Array2<f64>, y: &Array1<f64>, k: usize, opts: &RfeOptions) -> Result<RfeResult, ModelError> {
    let p = x.ncols();
    if k == 0 || k > p {
        return Err(ModelError::InvalidParameter(format!("RFE needs 1 ≤ k ≤ {p}, got k = {k}")));
    }
    let step = match opts.step {
        RfeStep::Count(s) if s >= 1 => s,
        RfeStep::Fraction(f) if f > 0.0 && f < 1.0 => ((f * p as f64) as usize).max(1),
        other => return Err(ModelError::InvalidParameter(format!("invalid RFE step {other:?}"))),
    };
    let z = if opts.standardize { Scaler::fit(x)?.transform(x)? } else { x.clone() };
    let fit_opts = LogisticOptions { penalty: Penalty::L2 { c: opts.c }, ..Default::default() };
    let mut alive: Vec<usize> = (0..p).collect();
    let mut ranking = vec![1usize; p];
    while alive.len() > k {
        let fit = fit_logistic(&z.select(Axis(1), &alive), y, &fit_opts)?;
        let mut order: Vec<usize> = (0..alive.len()).collect();
        order.sort_by(|&a, &b| fit.coef[a].abs().total_cmp(&fit.coef[b].abs()).then(alive[a].cmp(&alive[b])));
        let drop = step.min(alive.len() - k);
        let removed: Vec<usize> = order[..drop].iter().map(|&i| alive[i]).collect();
        alive.retain(|j| !removed.contains(j));
        for (j, r) in ranking.iter_mut().enumerate() {
            if !alive.contains(&j) {
                *r += 1;
            }
        }
    }
    Ok(RfeResult { selected: alive, ranking })
}
