//! PyRadiomics first-order features (`firstorder.py`): raw ROI intensities, except Entropy
//! and Uniformity on the discretised ones; Energy/TotalEnergy/RootMeanSquared add
//! `voxelArrayShift`; Pearson kurtosis; numpy linear-interpolation percentiles.
//! This module must not implement IBSI's intensity-histogram variants.

use super::binning::discretise;
use super::roi::RoiArrays;
use super::settings::PyradSettings;
use super::PyradError;

/// numpy `percentile(x, p)` (linear method) of sorted data, numpy's lerp rounding included.
pub fn numpy_percentile(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let idx = p / 100.0 * (n - 1) as f64;
    let lo = idx.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    let t = idx - lo as f64;
    let (a, b) = (sorted[lo], sorted[hi]);
    let d = b - a;
    if t >= 0.5 {
        b - d * (1.0 - t)
    } else {
        a + d * t
    }
}

/// All first-order features (PyRadiomics names) of the ROI.
pub fn compute(roi: &RoiArrays, settings: &PyradSettings) -> Result<Vec<(&'static str, f64)>, PyradError> {
    let x = roi.values();
    if x.is_empty() {
        return Err(PyradError::Mask("empty ROI".into()));
    }
    let n = x.len() as f64;
    let shift = settings.voxelArrayShift;
    let mut sorted = x.clone();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let mean = x.iter().sum::<f64>() / n;
    let moment = |k: i32| x.iter().map(|v| (v - mean).powi(k)).sum::<f64>() / n;
    let (m2, m3, m4) = (moment(2), moment(3), moment(4));
    let energy: f64 = x.iter().map(|v| (v + shift).powi(2)).sum();
    let voxel_volume: f64 = roi.spacing.iter().product();
    let p10 = numpy_percentile(&sorted, 10.0);
    let p90 = numpy_percentile(&sorted, 90.0);
    let median = if sorted.len() % 2 == 1 {
        sorted[sorted.len() / 2]
    } else {
        (sorted[sorted.len() / 2 - 1] + sorted[sorted.len() / 2]) / 2.0
    };
    let mad = x.iter().map(|v| (v - mean).abs()).sum::<f64>() / n;
    let robust: Vec<f64> = x.iter().copied().filter(|&v| v >= p10 && v <= p90).collect();
    let rmean = robust.iter().sum::<f64>() / robust.len() as f64;
    let rmad = robust.iter().map(|v| (v - rmean).abs()).sum::<f64>() / robust.len() as f64;
    let (m2d, m3z, m4z) = if m2 == 0.0 { (1.0, 0.0, 0.0) } else { (m2, m3, m4) };
    let variance = m2.sqrt().powi(2);

    // Entropy / Uniformity on the discretised ROI.
    let disc = discretise(roi, settings)?;
    let mut counts = vec![0usize; disc.ng as usize + 1];
    for (&l, &m) in disc.levels.iter().zip(disc.mask.iter()) {
        if m {
            counts[l as usize] += 1;
        }
    }
    let eps = f64::EPSILON;
    let p: Vec<f64> = counts.iter().filter(|&&c| c > 0).map(|&c| c as f64 / n).collect();
    let entropy = -p.iter().map(|pi| pi * (pi + eps).log2()).sum::<f64>();
    let uniformity = p.iter().map(|pi| pi * pi).sum::<f64>();

    Ok(vec![
        ("10Percentile", p10),
        ("90Percentile", p90),
        ("Energy", energy),
        ("Entropy", entropy),
        ("InterquartileRange", numpy_percentile(&sorted, 75.0) - numpy_percentile(&sorted, 25.0)),
        ("Kurtosis", m4z / (m2d * m2d)),
        ("Maximum", sorted[sorted.len() - 1]),
        ("MeanAbsoluteDeviation", mad),
        ("Mean", mean),
        ("Median", median),
        ("Minimum", sorted[0]),
        ("Range", sorted[sorted.len() - 1] - sorted[0]),
        ("RobustMeanAbsoluteDeviation", rmad),
        ("RootMeanSquared", (energy / n).sqrt()),
        ("Skewness", m3z / m2d.powf(1.5)),
        ("StandardDeviation", m2.sqrt()),
        ("TotalEnergy", energy * voxel_volume),
        ("Uniformity", uniformity),
        ("Variance", variance),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_matches_numpy_linear() {
        // numpy.percentile([1, 2, 3, 4], [10, 50, 90]) = [1.3, 2.5, 3.7]
        let s = [1.0, 2.0, 3.0, 4.0];
        assert!((numpy_percentile(&s, 10.0) - 1.3).abs() < 1e-12);
        assert!((numpy_percentile(&s, 50.0) - 2.5).abs() < 1e-12);
        assert!((numpy_percentile(&s, 90.0) - 3.7).abs() < 1e-12);
    }
}
