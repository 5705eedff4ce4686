//! LOWESS smoother (Cleveland 1979) as in statsmodels `lowess(y, x, frac, it=0, delta=0)` and
//! R `lowess(iter = 0)`: for each sorted x, a tricube-weighted local linear fit over the
//! ⌊frac·n⌋ nearest neighbours. Used for smoothed calibration curves (rms::val.prob style).
//! Smooths given numbers only; no robustness iterations.

use super::error::{check_finite, check_len, Result, StatsError};

/// Smoothed values at the sorted x: returns (x sorted, fitted y).
pub fn lowess(x: &[f64], y: &[f64], frac: f64) -> Result<Vec<(f64, f64)>> {
    check_len("y", y.len(), x.len())?;
    check_finite("x", x)?;
    check_finite("y", y)?;
    let n = x.len();
    if n < 2 {
        return Err(StatsError::InvalidArgument(format!("lowess needs at least 2 points, got {n}")));
    }
    if !(frac > 0.0 && frac <= 1.0) {
        return Err(StatsError::InvalidArgument(format!("lowess frac {frac} not in (0, 1]")));
    }
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(a.cmp(&b)));
    let xs: Vec<f64> = idx.iter().map(|&i| x[i]).collect();
    let ys: Vec<f64> = idx.iter().map(|&i| y[i]).collect();
    let k = ((frac * n as f64 + 1e-10) as usize).clamp(2, n);
    let (mut left, mut right) = (0usize, k);
    let mut fit = vec![0.0; n];
    for i in 0..n {
        while right < n && xs[i] > (xs[left] + xs[right]) / 2.0 {
            left += 1;
            right += 1;
        }
        let radius = (xs[i] - xs[left]).max(xs[right - 1] - xs[i]);
        fit[i] = local_linear(&xs, &ys, i, left, right, radius);
    }
    Ok(xs.into_iter().zip(fit).collect())
}

/// Tricube-weighted linear fit at xs[i] over xs[left..right]; y[i] when no weight is positive.
fn local_linear(xs: &[f64], ys: &[f64], i: usize, left: usize, right: usize, radius: f64) -> f64 {
    let w: Vec<f64> = (left..right)
        .map(|j| {
            let d = if radius > 0.0 { (xs[j] - xs[i]).abs() / radius } else { 0.0 };
            if d < 1.0 {
                (1.0 - d * d * d).powi(3)
            } else {
                0.0
            }
        })
        .collect();
    let total: f64 = w.iter().sum();
    if total <= 0.0 {
        return ys[i];
    }
    let w: Vec<f64> = w.iter().map(|v| v / total).collect();
    let xm: f64 = (left..right).zip(&w).map(|(j, wj)| wj * xs[j]).sum();
    let sxx: f64 = (left..right).zip(&w).map(|(j, wj)| wj * (xs[j] - xm).powi(2)).sum();
    let range = xs[xs.len() - 1] - xs[0];
    (left..right)
        .zip(&w)
        .map(|(j, wj)| {
            let p = if sxx.sqrt() > 0.001 * range { wj * (1.0 + (xs[i] - xm) * (xs[j] - xm) / sxx) } else { *wj };
            p * ys[j]
        })
        .sum()
}
