//! Intensity histogram features (IBSI 1 manual, family ZVCW, 23 features) of the discretised
//! intensities X_d inside the ROI intensity mask, computed in 3D. The histogram runs over
//! grey levels 1..=N_g, empty bins included. This module does not discretise.

use crate::features::stats::{mean_abs_dev, moments, percentile, robust_mean_abs_dev};
use crate::features::Feature;

fn f(name: &'static str, ibsi_code: &'static str, value: f64) -> Feature {
    Feature { family: "ih", aggregation: "", name, ibsi_code, value }
}

/// Histogram gradient H'_i: n_2 − n_1 at i = 1, (n_{i+1} − n_{i−1})/2 inside,
/// n_Ng − n_{Ng−1} at i = N_g. Empty for fewer than 2 bins.
pub fn histogram_gradient(counts: &[f64]) -> Vec<f64> {
    let n = counts.len();
    if n < 2 {
        return vec![];
    }
    (0..n)
        .map(|i| match i {
            0 => counts[1] - counts[0],
            i if i == n - 1 => counts[n - 1] - counts[n - 2],
            i => (counts[i + 1] - counts[i - 1]) / 2.0,
        })
        .collect()
}

/// The 23 IBSI intensity histogram features of grey levels `levels` (each ≥ 1) with the
/// histogram over 1..=max(n_bins, largest level). Empty input gives NaN everywhere;
/// the gradient features are NaN when there is a single bin.
pub fn compute(levels: &[u32], n_bins: u32) -> Vec<Feature> {
    let n_g = levels.iter().cloned().max().unwrap_or(0).max(n_bins) as usize;
    let nv = levels.len() as f64;
    let mut counts = vec![0.0; n_g];
    for &l in levels {
        counts[l as usize - 1] += 1.0;
    }
    let mut x: Vec<f64> = levels.iter().map(|&l| l as f64).collect();
    x.sort_by(f64::total_cmp);
    let empty = x.is_empty();
    let nan_if_empty = |v: f64| if empty { f64::NAN } else { v };
    let (mu, var, skew, kurt) = if empty { (f64::NAN, f64::NAN, f64::NAN, f64::NAN) } else { moments(&x) };
    let median = percentile(&x, 50.0);
    let (p10, p25, p75, p90) = (percentile(&x, 10.0), percentile(&x, 25.0), percentile(&x, 75.0), percentile(&x, 90.0));
    let (min, max) = (x.first().cloned().unwrap_or(f64::NAN), x.last().cloned().unwrap_or(f64::NAN));
    // Mode: most frequent level; ties -> closest to the mean; equidistant -> lower level.
    let top = counts.iter().cloned().fold(0.0, f64::max);
    let mode = (1..=n_g).filter(|&i| counts[i - 1] == top && top > 0.0).map(|i| i as f64).fold(f64::NAN, |best, i| {
        if best.is_nan() || (i - mu).abs() < (best - mu).abs() {
            i
        } else {
            best
        }
    });
    let p: Vec<f64> = counts.iter().map(|c| c / nv).collect();
    let entropy = -p.iter().filter(|&&q| q > 0.0).map(|q| q * q.log2()).sum::<f64>();
    let uniformity = p.iter().map(|q| q * q).sum::<f64>();
    let grad = histogram_gradient(&counts);
    let (mut gmax, mut gmax_i, mut gmin, mut gmin_i) = (f64::NAN, f64::NAN, f64::NAN, f64::NAN);
    if !empty {
        for (i, &g) in grad.iter().enumerate() {
            if gmax.is_nan() || g > gmax {
                (gmax, gmax_i) = (g, (i + 1) as f64);
            }
            if gmin.is_nan() || g < gmin {
                (gmin, gmin_i) = (g, (i + 1) as f64);
            }
        }
    }
    vec![
        f("mean", "X6K6", mu),
        f("variance", "CH89", var),
        f("skewness", "88K1", skew),
        f("kurtosis", "C3I7", kurt),
        f("median", "WIFQ", median),
        f("minimum", "1PR8", min),
        f("p10", "GPMT", p10),
        f("p90", "OZ0C", p90),
        f("maximum", "3NCY", max),
        f("mode", "AMMC", mode),
        f("interquartile_range", "WR0O", p75 - p25),
        f("range", "5Z3W", max - min),
        f("mean_absolute_deviation", "D2ZX", nan_if_empty(mean_abs_dev(&x, mu))),
        f("robust_mean_absolute_deviation", "WRZB", nan_if_empty(robust_mean_abs_dev(&x))),
        f("median_absolute_deviation", "4RNL", nan_if_empty(mean_abs_dev(&x, median))),
        f("coefficient_of_variation", "CWYJ", var.sqrt() / mu),
        f("quartile_coefficient_of_dispersion", "SLWD", (p75 - p25) / (p75 + p25)),
        f("entropy", "TLU2", nan_if_empty(entropy)),
        f("uniformity", "BJ5W", nan_if_empty(uniformity)),
        f("max_histogram_gradient", "12CE", gmax),
        f("max_histogram_gradient_intensity", "8E6O", gmax_i),
        f("min_histogram_gradient", "VQB3", gmin),
        f("min_histogram_gradient_intensity", "RHQZ", gmin_i),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by(fs: &[Feature], n: &str) -> f64 {
        fs.iter().find(|x| x.name == n).unwrap().value
    }

    #[test]
    fn gradient_and_mode_rules() {
        assert_eq!(histogram_gradient(&[50.0, 0.0, 1.0, 16.0]), vec![-50.0, -24.5, 8.0, 15.0]);
        // levels {1, 1, 3, 3}: two modes equidistant from the mean 2 -> the lower one
        let fs = compute(&[1, 1, 3, 3], 3);
        assert_eq!(by(&fs, "mode"), 1.0);
        // {1, 3, 3, 4, 4}: modes 3 and 4, mean 3 -> 3
        assert_eq!(by(&compute(&[1, 3, 3, 4, 4], 4), "mode"), 3.0);
    }

    #[test]
    fn degenerate_inputs() {
        let one = compute(&[1], 1);
        assert_eq!(by(&one, "entropy"), 0.0);
        assert_eq!(by(&one, "uniformity"), 1.0);
        assert!(by(&one, "max_histogram_gradient").is_nan());
        assert!(compute(&[], 4).iter().all(|x| x.value.is_nan()));
    }
}
