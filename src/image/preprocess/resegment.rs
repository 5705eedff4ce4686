//! ROI re-segmentation (IBSI 1 manual, IF9H): range re-segmentation [a, b] with either bound
//! optional (USB3) and intensity outlier filtering μ ± 3σ (7ACA); when both are used the
//! intersection of their ranges applies. Only the intensity mask changes — the morphological
//! mask (G5KJ) stays the segmented ROI. This module does not interpolate or discretise.

use ndarray::Array3;
use serde::{Deserialize, Serialize};

/// Re-segmentation settings. All fields optional; the default keeps the ROI unchanged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Resegmentation {
    /// Lower bound a of the range [a, b] (inclusive).
    #[serde(default)]
    pub min: Option<f64>,
    /// Upper bound b of the range [a, b] (inclusive).
    #[serde(default)]
    pub max: Option<f64>,
    /// Outlier filtering: keep μ ± k·σ of the ROI intensities (IBSI uses k = 3).
    #[serde(default)]
    pub outlier_sigma: Option<f64>,
}

/// The intensity range [lo, hi] kept by re-segmentation: the intersection of the user range
/// and, with outlier filtering, μ ± kσ (population σ) of the intensities inside `roi`.
pub fn resegmentation_range(image: &Array3<f32>, roi: &Array3<bool>, r: &Resegmentation) -> (f64, f64) {
    let mut lo = r.min.unwrap_or(f64::NEG_INFINITY);
    let mut hi = r.max.unwrap_or(f64::INFINITY);
    if let Some(k) = r.outlier_sigma {
        let vals: Vec<f64> = image.iter().zip(roi).filter(|(_, &m)| m).map(|(&v, _)| v as f64).collect();
        if !vals.is_empty() {
            let n = vals.len() as f64;
            let mu = vals.iter().sum::<f64>() / n;
            let sd = (vals.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / n).sqrt();
            lo = lo.max(mu - k * sd);
            hi = hi.min(mu + k * sd);
        }
    }
    (lo, hi)
}

/// Intensity mask: voxels of `roi` whose intensity lies in the re-segmentation range.
pub fn intensity_mask(image: &Array3<f32>, roi: &Array3<bool>, r: &Resegmentation) -> Array3<bool> {
    let (lo, hi) = resegmentation_range(image, roi, r);
    let mut out = roi.clone();
    ndarray::Zip::from(&mut out).and(image).for_each(|m, &v| {
        let v = v as f64;
        *m = *m && v >= lo && v <= hi;
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_and_outliers_intersect() {
        // 20 voxels of 0 and one of 100: μ = 4.76, σ = 21.3, μ + 3σ = 68.7 removes 100.
        let mut v = vec![0.0f32; 20];
        v.push(100.0);
        let img = Array3::from_shape_vec((21, 1, 1), v).unwrap();
        let roi = Array3::from_elem((21, 1, 1), true);
        let only_outlier = Resegmentation { outlier_sigma: Some(3.0), ..Default::default() };
        let m = intensity_mask(&img, &roi, &only_outlier);
        assert_eq!(m.iter().filter(|&&x| x).count(), 20);
        let (lo, hi) = resegmentation_range(&img, &roi, &only_outlier);
        let mu = 100.0 / 21.0;
        let sd = ((20.0 * mu * mu + (100.0 - mu) * (100.0 - mu)) / 21.0f64).sqrt();
        assert!((lo - (mu - 3.0 * sd)).abs() < 1e-9 && (hi - (mu + 3.0 * sd)).abs() < 1e-9);
        let both = Resegmentation { min: Some(-10.0), max: Some(200.0), outlier_sigma: Some(3.0) };
        assert_eq!(resegmentation_range(&img, &roi, &both).0, -10.0);
        let only_min = Resegmentation { min: Some(50.0), ..Default::default() };
        assert_eq!(intensity_mask(&img, &roi, &only_min).iter().filter(|&&x| x).count(), 1);
    }
}
