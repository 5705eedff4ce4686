//! MRI intensity normalisation over a region (the ROI, a reference-tissue mask or the whole
//! image): z-score, range [0, 1] and percentile scaling. Statistics come from the region;
//! the mapping is applied to every voxel of the image. This module does not resample,
//! re-segment or discretise.

use crate::features::stats::percentile;
use ndarray::Array3;
use serde::{Deserialize, Serialize};

/// Normalisation method.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Normalisation {
    /// (x − μ)/σ with μ, σ (population) of the region.
    ZScore,
    /// (x − min)/(max − min) of the region.
    Range,
    /// (x − P_low)/(P_high − P_low) with percentiles of the region (e.g. 1 and 99);
    /// `clip` limits the result to [0, 1].
    Percentile { low: f64, high: f64, clip: bool },
}

/// Which voxels supply the normalisation statistics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NormalisationRegion {
    /// The segmented ROI (before re-segmentation).
    #[default]
    Roi,
    /// A separate reference-tissue mask supplied by the caller.
    Reference,
    /// Every voxel of the image.
    Image,
}

/// Normalise `image` with statistics from the voxels where `region` is true.
/// Errors when the region is empty or has zero spread (σ = 0, max = min, P_high = P_low).
pub fn normalise(image: &Array3<f32>, region: &Array3<bool>, method: Normalisation) -> Result<Array3<f32>, String> {
    let mut vals: Vec<f64> = image.iter().zip(region).filter(|(_, &m)| m).map(|(&v, _)| v as f64).collect();
    if vals.is_empty() {
        return Err("normalisation region is empty".into());
    }
    let n = vals.len() as f64;
    let (offset, scale, clip) = match method {
        Normalisation::ZScore => {
            let mu = vals.iter().sum::<f64>() / n;
            let sd = (vals.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / n).sqrt();
            (mu, sd, false)
        }
        Normalisation::Range => {
            let lo = vals.iter().cloned().fold(f64::INFINITY, f64::min);
            let hi = vals.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            (lo, hi - lo, false)
        }
        Normalisation::Percentile { low, high, clip } => {
            if !(0.0..=100.0).contains(&low) || !(0.0..=100.0).contains(&high) || low >= high {
                return Err(format!("percentiles must satisfy 0 <= low < high <= 100, got {low}, {high}"));
            }
            vals.sort_by(f64::total_cmp);
            let (pl, ph) = (percentile(&vals, low), percentile(&vals, high));
            (pl, ph - pl, clip)
        }
    };
    if !(scale > 0.0 && scale.is_finite()) {
        return Err(format!("intensities are constant in the normalisation region ({method:?} normalisation needs a spread); check the image and the mask"));
    }
    Ok(image.mapv(|v| {
        let z = (v as f64 - offset) / scale;
        (if clip { z.clamp(0.0, 1.0) } else { z }) as f32
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zscore_range_percentile() {
        let img = Array3::from_shape_vec((5, 1, 1), vec![1.0f32, 2.0, 3.0, 4.0, 100.0]).unwrap();
        let mut region = Array3::from_elem((5, 1, 1), true);
        region[[4, 0, 0]] = false;
        // region {1,2,3,4}: μ = 2.5, σ = √1.25
        let z = normalise(&img, &region, Normalisation::ZScore).unwrap();
        assert!((z[[0, 0, 0]] as f64 - (-1.5 / 1.25f64.sqrt())).abs() < 1e-6);
        let r = normalise(&img, &region, Normalisation::Range).unwrap();
        assert_eq!(r.iter().cloned().collect::<Vec<_>>(), vec![0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0, 33.0]);
        // numpy.percentile([1,2,3,4], [25, 75]) = 1.75, 3.25
        let p = normalise(&img, &region, Normalisation::Percentile { low: 25.0, high: 75.0, clip: true }).unwrap();
        assert_eq!(p.iter().cloned().collect::<Vec<_>>(), vec![0.0, 1.0 / 6.0, 5.0 / 6.0, 1.0, 1.0]);
        let flat = Array3::from_elem((3, 1, 1), 2.0f32);
        assert!(normalise(&flat, &Array3::from_elem((3, 1, 1), true), Normalisation::ZScore).is_err());
        assert!(normalise(&img, &Array3::from_elem((5, 1, 1), false), Normalisation::Range).is_err());
    }
}
