//! Seeded segmentation perturbations for feature-stability (ICC) studies: erosion, dilation,
//! smooth random contour changes and random translation. Must not compute features, and
//! never returns an empty mask: when a perturbation would remove every voxel the input mask
//! is returned unchanged instead.

use ndarray::Array3;
use rand::Rng;
use rand_distr::StandardNormal;

use super::edt::distance_to;
use super::roi::{bounding_box_padded, crop, dilate_mm, erode_mm};
use super::volume::Volume;

/// One way of perturbing a mask. Negative or non-finite sizes act as 0 (no change).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Perturbation {
    /// `erode_mm` by `mm`.
    Erode { mm: f64 },
    /// `dilate_mm` by `mm`.
    Dilate { mm: f64 },
    /// Add Gaussian noise of standard deviation `magnitude_mm`, spatially smoothed with a
    /// Gaussian of σ = `smoothness_mm`, to the signed distance field and re-threshold
    /// (voxels farther than 6·magnitude from the boundary are left as they are).
    Contour { magnitude_mm: f64, smoothness_mm: f64 },
    /// Shift by a random offset, uniform in [-max_mm, max_mm] along each index axis
    /// (nearest-neighbour resampling, so sub-voxel shifts round to whole voxels).
    Translate { max_mm: f64 },
}

/// Apply `p` to `mask` using `rng` (same seed, same result). Falls back to a copy of `mask`
/// (as 0/1) if the perturbed mask would be empty.
pub fn perturb(mask: &Volume<u8>, p: &Perturbation, rng: &mut impl Rng) -> Volume<u8> {
    let out = match *p {
        Perturbation::Erode { mm } => erode_mm(mask, mm),
        Perturbation::Dilate { mm } => dilate_mm(mask, mm),
        Perturbation::Contour { magnitude_mm, smoothness_mm } => contour(mask, magnitude_mm, smoothness_mm, rng),
        Perturbation::Translate { max_mm } => translate(mask, max_mm, rng),
    };
    if out.data.iter().any(|&v| v > 0) {
        out
    } else {
        mask.with_data(mask.data.mapv(|v| u8::from(v > 0)))
    }
}

fn size(v: f64) -> f64 {
    if v.is_finite() {
        v.max(0.0)
    } else {
        0.0
    }
}

/// New mask = { signed distance + smooth noise < 0 }, with signed distance = d(ROI) − d(background)
/// (negative inside). Only a box around the ROI padded by 6σ of noise can change.
fn contour(mask: &Volume<u8>, magnitude_mm: f64, smoothness_mm: f64, rng: &mut impl Rng) -> Volume<u8> {
    let (mag, smooth) = (size(magnitude_mm), size(smoothness_mm));
    let binary = mask.with_data(mask.data.mapv(|v| u8::from(v > 0)));
    if mag == 0.0 {
        return binary;
    }
    let pad: [usize; 3] = std::array::from_fn(|a| (6.0 * mag / mask.spacing[a]).ceil() as usize + 1);
    let Some(bbox) = bounding_box_padded(&binary, pad) else {
        return binary;
    };
    let sub = crop(&binary, bbox);
    let d_roi = distance_to(&sub.data.mapv(|v| v > 0), sub.spacing);
    let d_bg = distance_to(&sub.data.mapv(|v| v == 0), sub.spacing);
    let noise = smooth_noise(sub.shape(), sub.spacing, smooth, rng);
    let mut out = binary.clone();
    let (start, _) = bbox;
    for ((i, j, k), n) in noise.indexed_iter() {
        let sdf = d_roi[[i, j, k]] - d_bg[[i, j, k]];
        out.data[[start[0] + i, start[1] + j, start[2] + k]] = u8::from(sdf + mag * n < 0.0);
    }
    out
}

/// Unit-variance Gaussian noise of `shape`, smoothed by a Gaussian of σ = `sigma_mm` (each 1D
/// kernel normalised to unit L2 norm, so the result keeps variance 1; truncated at 3σ).
fn smooth_noise(shape: [usize; 3], spacing: [f64; 3], sigma_mm: f64, rng: &mut impl Rng) -> Array3<f64> {
    let kernels: Vec<Vec<f64>> = (0..3).map(|a| gaussian_kernel(sigma_mm / spacing[a])).collect();
    let big = [0, 1, 2].map(|a| shape[a] + kernels[a].len() - 1);
    let mut field = Array3::from_shape_simple_fn((big[0], big[1], big[2]), || rng.sample::<f64, _>(StandardNormal));
    for (axis, k) in kernels.iter().enumerate() {
        field = convolve_valid(&field, axis, k);
    }
    field
}

/// Gaussian weights on −r..=r (r = ⌈3σ⌉ voxels), unit L2 norm; `[1.0]` for σ = 0.
fn gaussian_kernel(sigma_vox: f64) -> Vec<f64> {
    if sigma_vox <= 0.0 || !sigma_vox.is_finite() {
        return vec![1.0];
    }
    let r = (3.0 * sigma_vox).ceil() as i64;
    let w: Vec<f64> = (-r..=r).map(|x| (-(x * x) as f64 / (2.0 * sigma_vox * sigma_vox)).exp()).collect();
    let norm = w.iter().map(|v| v * v).sum::<f64>().sqrt();
    w.into_iter().map(|v| v / norm).collect()
}

/// Correlate along `axis` keeping only fully covered positions (length shrinks by len(k) − 1).
fn convolve_valid(a: &Array3<f64>, axis: usize, k: &[f64]) -> Array3<f64> {
    let mut sh = [a.shape()[0], a.shape()[1], a.shape()[2]];
    sh[axis] -= k.len() - 1;
    Array3::from_shape_fn((sh[0], sh[1], sh[2]), |(i, j, l)| {
        let mut idx = [i, j, l];
        let base = idx[axis];
        k.iter()
            .enumerate()
            .map(|(t, w)| {
                idx[axis] = base + t;
                w * a[idx]
            })
            .sum()
    })
}

/// out[i] = in[round(i − t/spacing)] with t uniform in [−max, max] mm per axis; 0 outside.
fn translate(mask: &Volume<u8>, max_mm: f64, rng: &mut impl Rng) -> Volume<u8> {
    let m = size(max_mm);
    let shift: [f64; 3] =
        std::array::from_fn(|a| if m > 0.0 { rng.random_range(-m..=m) / mask.spacing[a] } else { 0.0 });
    let shape = mask.shape();
    let src = |i: usize, a: usize| -> Option<usize> {
        let x = (i as f64 - shift[a]).round();
        (x >= 0.0 && x < shape[a] as f64).then_some(x as usize)
    };
    let data =
        Array3::from_shape_fn((shape[0], shape[1], shape[2]), |(i, j, k)| match (src(i, 0), src(j, 1), src(k, 2)) {
            (Some(x), Some(y), Some(z)) => u8::from(mask.data[[x, y, z]] > 0),
            _ => 0,
        });
    mask.with_data(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_has_unit_l2_norm() {
        let k = gaussian_kernel(1.7);
        assert_eq!(k.len(), 2 * 6 + 1);
        assert!((k.iter().map(|v| v * v).sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn smoothed_noise_keeps_unit_variance() {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let n = smooth_noise([40, 40, 40], [1.0, 1.0, 2.0], 1.5, &mut rng);
        let var = n.iter().map(|v| v * v).sum::<f64>() / n.len() as f64;
        assert!((var - 1.0).abs() < 0.15, "variance {var}");
    }
}
