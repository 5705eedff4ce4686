//! Smooth random fields for the synthetic images: separable Gaussian blurring of a voxel
//! grid (in mm, so fields look alike at every spacing) and unit-variance smoothed noise.
//! This module must not know about tissues, sequences or files.

use ndarray::{Array3, Axis};
use rand::Rng;
use rand_distr::StandardNormal;

/// Blur `a` in place with a Gaussian of SD `sigma_vox[axis]` voxels per axis (kernel cut at
/// 3 SD, edges replicated). An SD below 0.05 voxel leaves that axis untouched.
pub fn gaussian_blur(a: &mut Array3<f32>, sigma_vox: [f64; 3]) {
    for (axis, &sigma) in sigma_vox.iter().enumerate() {
        if sigma < 0.05 {
            continue;
        }
        let radius = (3.0 * sigma).ceil() as usize;
        let mut kernel: Vec<f32> = (0..=2 * radius)
            .map(|t| (-((t as f64 - radius as f64).powi(2)) / (2.0 * sigma * sigma)).exp() as f32)
            .collect();
        let sum: f32 = kernel.iter().sum();
        kernel.iter_mut().for_each(|w| *w /= sum);
        let n = a.len_of(Axis(axis));
        // Lane copied into a contiguous, edge-padded buffer: fast for every axis.
        let mut padded = vec![0f32; n + 2 * radius];
        for mut lane in a.lanes_mut(Axis(axis)) {
            for (t, p) in padded.iter_mut().enumerate() {
                *p = lane[t.saturating_sub(radius).min(n - 1)];
            }
            for (t, dst) in lane.iter_mut().enumerate() {
                *dst = kernel.iter().zip(&padded[t..t + 2 * radius + 1]).map(|(w, v)| w * v).sum();
            }
        }
    }
}

/// Smooth Gaussian random field with correlation scale `sigma_mm` on a grid of `shape` at
/// `spacing`: white noise on a coarser grid (spacing max(spacing, sigma/2)), Gaussian-blurred
/// with SD `sigma_mm`, trilinearly interpolated to the grid, then rescaled to mean 0 and SD 1
/// (a constant zero field if degenerate).
pub fn smooth_noise<R: Rng>(rng: &mut R, shape: [usize; 3], spacing: [f64; 3], sigma_mm: f64) -> Array3<f32> {
    let mut cs = [0.0; 3];
    let mut cn = [0usize; 3];
    for a in 0..3 {
        cs[a] = spacing[a].max(sigma_mm / 2.0);
        cn[a] = ((shape[a].max(1) - 1) as f64 * spacing[a] / cs[a]).ceil() as usize + 2;
    }
    let mut coarse = Array3::from_shape_simple_fn((cn[0], cn[1], cn[2]), || rng.sample::<f32, _>(StandardNormal));
    gaussian_blur(&mut coarse, [sigma_mm / cs[0], sigma_mm / cs[1], sigma_mm / cs[2]]);
    // Per-axis interpolation positions: (lower index, weight of the upper one).
    let pos: Vec<Vec<(usize, f32)>> = (0..3)
        .map(|a| {
            (0..shape[a])
                .map(|i| {
                    let x = i as f64 * spacing[a] / cs[a];
                    let lo = (x.floor() as usize).min(cn[a] - 2);
                    (lo, (x - lo as f64) as f32)
                })
                .collect()
        })
        .collect();
    let mut a = Array3::from_shape_fn((shape[0], shape[1], shape[2]), |(i, j, k)| {
        let ((i0, wi), (j0, wj), (k0, wk)) = (pos[0][i], pos[1][j], pos[2][k]);
        let mut v = 0f32;
        for (di, fi) in [(0, 1.0 - wi), (1, wi)] {
            for (dj, fj) in [(0, 1.0 - wj), (1, wj)] {
                for (dk, fk) in [(0, 1.0 - wk), (1, wk)] {
                    v += fi * fj * fk * coarse[[i0 + di, j0 + dj, k0 + dk]];
                }
            }
        }
        v
    });
    let n = a.len().max(1) as f64;
    let mean = a.iter().map(|&v| v as f64).sum::<f64>() / n;
    let var = a.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n;
    let sd = var.sqrt();
    if sd > 0.0 && sd.is_finite() {
        a.mapv_inplace(|v| ((v as f64 - mean) / sd) as f32);
    } else {
        a.fill(0.0);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn blur_preserves_constant_and_total_of_an_impulse_away_from_edges() {
        let mut c = Array3::<f32>::from_elem((9, 9, 9), 3.0);
        gaussian_blur(&mut c, [1.0, 2.0, 0.5]);
        assert!(c.iter().all(|v| (v - 3.0).abs() < 1e-5));
        let mut d = Array3::<f32>::zeros((21, 21, 21));
        d[[10, 10, 10]] = 1.0;
        gaussian_blur(&mut d, [1.5, 1.5, 1.5]);
        assert!((d.sum() - 1.0).abs() < 1e-5);
        // Variance along x of the blurred impulse equals sigma² (3-SD cut loses ~0.3 %).
        let var: f32 = d.indexed_iter().map(|((i, _, _), v)| v * (i as f32 - 10.0).powi(2)).sum();
        assert!((var - 2.25).abs() < 0.03, "{var}");
    }

    #[test]
    fn smooth_noise_is_standardised_and_smooth() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let f = smooth_noise(&mut rng, [30, 30, 10], [1.0, 1.0, 3.0], 4.0);
        let n = f.len() as f64;
        let mean = f.iter().map(|&v| v as f64).sum::<f64>() / n;
        let sd = (f.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n).sqrt();
        assert!(mean.abs() < 1e-6 && (sd - 1.0).abs() < 1e-4);
        // Neighbours 1 mm apart are strongly correlated for a 4 mm field.
        let mut num = 0.0;
        for ((i, j, k), v) in f.indexed_iter() {
            if i + 1 < 30 {
                num += (*v as f64) * (f[[i + 1, j, k]] as f64);
            }
        }
        assert!(num / (29.0 * 300.0) > 0.8);
    }
}
