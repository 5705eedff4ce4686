//! Local intensity features (IBSI 1 manual, family 9ST6): local intensity peak (VJGA) and
//! global intensity peak (0F91), the mean intensity of all image voxels whose centres lie
//! within r = (3/(4π))^{1/3} cm ≈ 6.2 mm (a 1 cm³ sphere, world coordinates) of a centre
//! voxel of the ROI intensity mask. Neighbours are taken from the whole image, not only the
//! ROI. This module does not resample or re-segment.

use crate::features::Feature;
use crate::image::Volume;
use ndarray::Array3;

/// Radius in mm of a sphere of 1 cm³: 10·(3/(4π))^{1/3}.
pub fn peak_radius_mm() -> f64 {
    10.0 * (3.0 / (4.0 * std::f64::consts::PI)).powf(1.0 / 3.0)
}

/// Index offsets of voxels whose centre lies within `radius` mm of the centre voxel.
pub fn sphere_offsets(spacing: [f64; 3], radius: f64) -> Vec<[i64; 3]> {
    let reach = spacing.map(|s| (radius / s).floor() as i64);
    let mut out = Vec::new();
    for di in -reach[0]..=reach[0] {
        for dj in -reach[1]..=reach[1] {
            for dk in -reach[2]..=reach[2] {
                let d2 = (di as f64 * spacing[0]).powi(2)
                    + (dj as f64 * spacing[1]).powi(2)
                    + (dk as f64 * spacing[2]).powi(2);
                if d2 <= radius * radius {
                    out.push([di, dj, dk]);
                }
            }
        }
    }
    out
}

/// Mean image intensity over the sphere offsets around `c` (voxels outside the image skipped).
fn sphere_mean(image: &Array3<f32>, c: [usize; 3], offsets: &[[i64; 3]]) -> f64 {
    let sh = image.shape();
    let (mut sum, mut n) = (0.0, 0usize);
    for o in offsets {
        let (i, j, k) = (c[0] as i64 + o[0], c[1] as i64 + o[1], c[2] as i64 + o[2]);
        if i >= 0 && j >= 0 && k >= 0 && (i as usize) < sh[0] && (j as usize) < sh[1] && (k as usize) < sh[2] {
            sum += image[[i as usize, j as usize, k as usize]] as f64;
            n += 1;
        }
    }
    sum / n as f64
}

/// Local and global intensity peak of `image` for centre voxels in `intensity_mask`
/// (same grid). Local: highest sphere mean among the voxels holding the ROI maximum;
/// global: highest sphere mean over all ROI voxels. NaN for an empty mask.
pub fn compute(image: &Volume<f32>, intensity_mask: &Array3<bool>) -> Vec<Feature> {
    let offsets = sphere_offsets(image.spacing, peak_radius_mm());
    let roi_max =
        image.data.iter().zip(intensity_mask).filter(|(_, &m)| m).map(|(&v, _)| v).fold(f32::NEG_INFINITY, f32::max);
    let (mut local, mut global) = (f64::NAN, f64::NAN);
    for ((i, j, k), &m) in intensity_mask.indexed_iter() {
        if !m {
            continue;
        }
        let mean = sphere_mean(&image.data, [i, j, k], &offsets);
        if global.is_nan() || mean > global {
            global = mean;
        }
        if image.data[[i, j, k]] == roi_max && (local.is_nan() || mean > local) {
            local = mean;
        }
    }
    vec![
        Feature { family: "li", aggregation: "", name: "local_intensity_peak", ibsi_code: "VJGA", value: local },
        Feature { family: "li", aggregation: "", name: "global_intensity_peak", ibsi_code: "0F91", value: global },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sphere_of_2mm_voxels_has_the_expected_members() {
        // r = 6.2035 mm, 2 mm voxels: |d|² ≤ 9.62 in voxel units -> offsets up to (3,0,0),
        // (2,2,1) but not (2,2,2). Count of integer points with x²+y²+z² ≤ 9 is 123.
        let o = sphere_offsets([2.0; 3], peak_radius_mm());
        assert_eq!(o.len(), 123);
        assert!((peak_radius_mm() - 6.2035).abs() < 1e-4);
    }

    #[test]
    fn single_voxel_and_empty_roi() {
        let img = Volume::new(Array3::from_elem((3, 3, 3), 2.0f32), [1.0; 3]);
        let mut m = Array3::from_elem((3, 3, 3), false);
        m[[1, 1, 1]] = true;
        let fs = compute(&img, &m);
        assert_eq!(fs[0].value, 2.0);
        assert_eq!(fs[1].value, 2.0);
        let empty = compute(&img, &Array3::from_elem((3, 3, 3), false));
        assert!(empty.iter().all(|x| x.value.is_nan()));
    }
}
