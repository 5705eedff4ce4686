//! Intensity-volume histogram features (IBSI 1 manual, family P88C): V10, V90, I10, I90,
//! V10 − V90 and I10 − I90 from the cumulative IVH ν_i = 1 − (1/N_v)Σ[X_d,gl < i] over the
//! grid G of discretised intensities (see `image::preprocess::ivh_discretise`).
//! The area under the IVH curve has no IBSI reference value and is not computed.
//! This module does not discretise.

use crate::features::Feature;
use crate::image::preprocess::IvhGrid;

fn f(name: &'static str, ibsi_code: &'static str, value: f64) -> Feature {
    Feature { family: "ivh", aggregation: "", name, ibsi_code, value }
}

/// Fraction of voxels with intensity ≥ i (values within 1e-9·step of i count as equal).
fn volume_fraction(sorted: &[f64], i: f64, tol: f64) -> f64 {
    let below = sorted.partition_point(|&v| v < i - tol);
    1.0 - below as f64 / sorted.len() as f64
}

/// V_x: the largest volume fraction ν with intensity fraction γ = (i − min G)/(max G − min G)
/// of at least x (0–1), i.e. ν at the first grid intensity with γ ≥ x. NaN when |G| < 2.
pub fn volume_at_intensity_fraction(sorted: &[f64], grid: IvhGrid, x: f64) -> f64 {
    if grid.n < 2 || sorted.is_empty() {
        return f64::NAN;
    }
    let span = (grid.n - 1) as f64;
    let k = (0..grid.n).find(|&k| k as f64 / span >= x - 1e-12).unwrap_or(grid.n - 1);
    volume_fraction(sorted, grid.at(k), 1e-9 * grid.step)
}

/// I_x: the smallest grid intensity i present in at most a fraction x of the volume
/// (ν_i ≤ x); the grid is continued past max G when needed. NaN for an empty ROI.
pub fn intensity_at_volume_fraction(sorted: &[f64], grid: IvhGrid, x: f64) -> f64 {
    let Some(&top) = sorted.last() else {
        return f64::NAN;
    };
    let tol = 1e-9 * grid.step;
    let last = grid.n.max(((top - grid.start) / grid.step).ceil().max(0.0) as usize + 1);
    (0..=last).map(|k| grid.at(k)).find(|&i| volume_fraction(sorted, i, tol) <= x + 1e-12).unwrap_or(f64::NAN)
}

/// The six IBSI IVH features from discretised intensities `values` and grid `grid`.
pub fn compute(values: &[f64], grid: IvhGrid) -> Vec<Feature> {
    let mut s = values.to_vec();
    s.sort_by(f64::total_cmp);
    let v10 = volume_at_intensity_fraction(&s, grid, 0.10);
    let v90 = volume_at_intensity_fraction(&s, grid, 0.90);
    let i10 = intensity_at_volume_fraction(&s, grid, 0.10);
    let i90 = intensity_at_volume_fraction(&s, grid, 0.90);
    vec![
        f("volume_fraction_at_10_intensity", "BC2M", v10),
        f("volume_fraction_at_90_intensity", "BC2M", v90),
        f("intensity_at_10_volume", "GBPN", i10),
        f("intensity_at_90_volume", "GBPN", i90),
        f("volume_fraction_difference_between_10_and_90_intensity", "DDTU", v10 - v90),
        f("intensity_difference_between_10_and_90_volume", "CNV2", i10 - i90),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibsi_manual_ivh_table() {
        // IBSI manual IVH example (digital phantom): 50 voxels of 1, 1 of 3, 16 of 4, 7 of 6
        // give ν = 1, 0.324, 0.324, 0.311, 0.095, 0.095 for i = 1..6.
        let mut v = vec![1.0; 50];
        v.push(3.0);
        v.extend(vec![4.0; 16]);
        v.extend(vec![6.0; 7]);
        let g = IvhGrid { start: 1.0, step: 1.0, n: 6 };
        let expected = [1.000, 0.324, 0.324, 0.311, 0.095, 0.095];
        for (k, e) in expected.iter().enumerate() {
            assert!((volume_fraction(&v, g.at(k), 1e-9) - e).abs() < 5e-4);
        }
        let fs = compute(&v, g);
        assert!(fs.iter().all(|x| x.value.is_finite()));
    }

    #[test]
    fn degenerate_grid_gives_nan_not_panic() {
        let g = IvhGrid { start: 5.0, step: 1.0, n: 1 };
        let fs = compute(&[5.0, 5.0], g);
        assert!(fs[0].value.is_nan());
        assert_eq!(fs[2].value, 6.0); // I10: first intensity with ν <= 0.1 lies past the ROI
        assert!(compute(&[], g).iter().all(|x| x.value.is_nan()));
    }
}
