//! Intensity-based statistical features (IBSI 1 manual, family UHIW, 18 features) of the
//! intensities X_gl inside the ROI intensity mask, computed in 3D. Also the shared
//! percentile helper. This module does not discretise or look at voxel positions.

use crate::features::Feature;

/// Percentile `p` (0–100) of ascending-sorted data with linear interpolation between order
/// statistics (numpy's default: position p/100·(n − 1)); NaN for empty data.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = (p / 100.0).clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (pos - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Mean, population variance, skewness and excess kurtosis (0 when the variance is 0).
pub fn moments(x: &[f64]) -> (f64, f64, f64, f64) {
    let n = x.len() as f64;
    let mu = x.iter().sum::<f64>() / n;
    let m2 = x.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / n;
    let m3 = x.iter().map(|v| (v - mu).powi(3)).sum::<f64>() / n;
    let m4 = x.iter().map(|v| (v - mu).powi(4)).sum::<f64>() / n;
    if m2 > 0.0 {
        (mu, m2, m3 / m2.powf(1.5), m4 / (m2 * m2) - 3.0)
    } else {
        (mu, m2, 0.0, 0.0)
    }
}

/// Mean absolute deviation of `x` from `centre`.
pub fn mean_abs_dev(x: &[f64], centre: f64) -> f64 {
    x.iter().map(|v| (v - centre).abs()).sum::<f64>() / x.len() as f64
}

/// Robust mean absolute deviation: MAD around their own mean of the values in [P10, P90].
pub fn robust_mean_abs_dev(sorted: &[f64]) -> f64 {
    let (p10, p90) = (percentile(sorted, 10.0), percentile(sorted, 90.0));
    let sub: Vec<f64> = sorted.iter().cloned().filter(|&v| v >= p10 && v <= p90).collect();
    if sub.is_empty() {
        return f64::NAN;
    }
    let m = sub.iter().sum::<f64>() / sub.len() as f64;
    mean_abs_dev(&sub, m)
}

fn f(name: &'static str, ibsi_code: &'static str, value: f64) -> Feature {
    Feature { family: "stats", aggregation: "", name, ibsi_code, value }
}

/// The 18 IBSI intensity-based statistical features of the ROI intensities `x`.
/// An empty ROI gives NaN for every feature.
pub fn compute(x: &[f64]) -> Vec<Feature> {
    let mut s = x.to_vec();
    s.sort_by(f64::total_cmp);
    let nan = s.is_empty();
    let g = |v: f64| if nan { f64::NAN } else { v };
    let (mu, var, skew, kurt) = if nan { (f64::NAN, f64::NAN, f64::NAN, f64::NAN) } else { moments(&s) };
    let median = percentile(&s, 50.0);
    let (p10, p25, p75, p90) = (percentile(&s, 10.0), percentile(&s, 25.0), percentile(&s, 75.0), percentile(&s, 90.0));
    let (min, max) = (s.first().cloned().unwrap_or(f64::NAN), s.last().cloned().unwrap_or(f64::NAN));
    let energy: f64 = s.iter().map(|v| v * v).sum();
    vec![
        f("mean", "Q4LE", mu),
        f("variance", "ECT3", var),
        f("skewness", "KE2A", skew),
        f("kurtosis", "IPH6", kurt),
        f("median", "Y12H", median),
        f("minimum", "1GSF", min),
        f("p10", "QG58", p10),
        f("p90", "8DWT", p90),
        f("maximum", "84IY", max),
        f("interquartile_range", "SALO", p75 - p25),
        f("range", "2OJQ", max - min),
        f("mean_absolute_deviation", "4FUA", g(mean_abs_dev(&s, mu))),
        f("robust_mean_absolute_deviation", "1128", g(robust_mean_abs_dev(&s))),
        f("median_absolute_deviation", "N72L", g(mean_abs_dev(&s, median))),
        f("coefficient_of_variation", "7TET", var.sqrt() / mu),
        f("quartile_coefficient_of_dispersion", "9S40", (p75 - p25) / (p75 + p25)),
        f("energy", "N8CA", g(energy)),
        f("root_mean_square", "5ZWQ", g((energy / s.len() as f64).sqrt())),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_matches_numpy_linear() {
        // numpy.percentile([1, 2, 3, 4, 10], [10, 50, 90]) = [1.4, 3.0, 7.6]
        let s = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert!((percentile(&s, 10.0) - 1.4).abs() < 1e-12);
        assert_eq!(percentile(&s, 50.0), 3.0);
        assert!((percentile(&s, 90.0) - 7.6).abs() < 1e-12);
        assert!(percentile(&[], 50.0).is_nan());
    }

    #[test]
    fn degenerate_rois_do_not_panic() {
        let one = compute(&[5.0]);
        assert_eq!(one.len(), 18);
        let by = |fs: &[Feature], n: &str| fs.iter().find(|x| x.name == n).unwrap().value;
        assert_eq!(by(&one, "skewness"), 0.0); // IBSI: variance 0 -> skewness 0
        assert_eq!(by(&one, "kurtosis"), 0.0);
        assert_eq!(by(&one, "range"), 0.0);
        assert!(compute(&[]).iter().all(|x| x.value.is_nan()));
    }
}
