//! PyRadiomics NGTDM (`ngtdm.py` + `cmatrices.c`): for each ROI voxel, |level − mean level of
//! its ROI neighbours| (bidirectional offsets of every `distances` entry; 0 without
//! neighbours), summed per grey level. This module must not exclude neighbour-less voxels.

use super::angles::angles;
use super::binning::{discretised, Padded};
use super::roi::RoiArrays;
use super::settings::PyradSettings;
use super::PyradError;

/// All NGTDM features (PyRadiomics names) of the ROI.
pub fn compute(roi: &RoiArrays, settings: &PyradSettings) -> Result<Vec<(&'static str, f64)>, PyradError> {
    let d = discretised(roi, settings)?;
    let sh = d.levels.shape();
    let force = settings.force2D.then_some(settings.force2Ddimension);
    let offsets = angles([sh[0], sh[1], sh[2]], &settings.distances, true, force);
    let ng = d.ng as usize;
    let mut count = vec![0.0f64; ng];
    let mut s = vec![0.0f64; ng];
    let (pd, disp) = d.padded_for(&offsets);
    // A neighbour sum is at most (number of offsets) · ng: i32 lanes (twice as many per
    // instruction as i64) when that fits, else f64 (integers exact up to 2^53).
    if (disp.len() as u64).saturating_mul(ng as u64) <= i32::MAX as u64 {
        level_sums::<i32>(&pd, &disp, &mut count, &mut s);
    } else {
        level_sums::<f64>(&pd, &disp, &mut count, &mut s);
    }
    let keep: Vec<usize> = (0..ng).filter(|&k| count[k] > 0.0).collect();
    let iv: Vec<f64> = keep.iter().map(|&k| (k + 1) as f64).collect();
    let n: Vec<f64> = keep.iter().map(|&k| count[k]).collect();
    let si: Vec<f64> = keep.iter().map(|&k| s[k]).collect();
    let nvp: f64 = n.iter().sum();
    let p: Vec<f64> = n.iter().map(|v| v / nvp).collect();
    let ngp = keep.len() as f64;
    let m = keep.len();

    let sum_ps: f64 = (0..m).map(|i| p[i] * si[i]).sum();
    let coarseness = if sum_ps != 0.0 { 1.0 / sum_ps } else { 1e6 };
    let sum_s: f64 = si.iter().sum();
    let (mut c1, mut absdiff, mut complexity, mut strength) = (0.0, 0.0, 0.0, 0.0);
    for i in 0..m {
        for j in 0..m {
            let dij = iv[i] - iv[j];
            c1 += p[i] * p[j] * dij * dij;
            absdiff += (iv[i] * p[i] - iv[j] * p[j]).abs();
            let div = p[i] + p[j];
            let div = if div == 0.0 { 1.0 } else { div };
            complexity += dij.abs() * (p[i] * si[i] + p[j] * si[j]) / div;
            strength += (p[i] + p[j]) * dij * dij;
        }
    }
    let div = ngp * (ngp - 1.0);
    let contrast = if div != 0.0 { c1 * sum_s / nvp / div } else { 0.0 };
    let busyness = if absdiff != 0.0 { sum_ps / absdiff } else { 0.0 };
    let strength = if sum_s != 0.0 { strength / sum_s } else { 0.0 };
    Ok(vec![
        ("Busyness", busyness),
        ("Coarseness", coarseness),
        ("Complexity", complexity / nvp),
        ("Contrast", contrast),
        ("Strength", strength),
    ])
}

/// Per grey level g (index g − 1): the number of ROI voxels of level g (`count`) and the sum
/// of |g − mean level of the voxel's ROI neighbours| (`s`; 0 for a voxel without neighbours).
/// Row by row: each offset's neighbours are a contiguous slice, so the neighbour counts and
/// level sums vectorise. They are integers, exact in `T` (the caller checks the range), so
/// the per-level sums (raster order) round the same whatever `T` is.
fn level_sums<T>(pd: &Padded, disp: &[isize], count: &mut [f64], s: &mut [f64])
where
    T: Copy + Default + std::ops::AddAssign + From<i32> + Into<f64>,
{
    let nx = pd.size[2];
    let (mut nb_count, mut nb_sum) = (vec![0i32; nx], vec![T::default(); nx]);
    for (at, n) in pd.roi_rows() {
        let (nb_count, nb_sum) = (&mut nb_count[..n], &mut nb_sum[..n]);
        nb_count.fill(0);
        nb_sum.fill(T::default());
        for &o in disp {
            for ((c, sum), &h) in nb_count.iter_mut().zip(nb_sum.iter_mut()).zip(pd.shifted(at, o, n)) {
                *c += i32::from(h != 0);
                *sum += T::from(h);
            }
        }
        for ((&g, &c), &sum) in pd.shifted(at, 0, n).iter().zip(nb_count.iter()).zip(nb_sum.iter()) {
            if g != 0 {
                let (c, sum): (f64, f64) = (f64::from(c), sum.into());
                let diff = if c == 0.0 { 0.0 } else { (g as f64 - sum / c).abs() };
                count[g as usize - 1] += 1.0;
                s[g as usize - 1] += diff;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::pyrad::binning::Discretised;
    use ndarray::Array3;

    /// Per-voxel neighbour walk with bounds checks, raster order.
    fn reference(levels: &Array3<i32>, offsets: &[[i64; 3]], ng: usize) -> (Vec<f64>, Vec<f64>) {
        let (mut count, mut s) = (vec![0.0; ng], vec![0.0; ng]);
        let sh = levels.shape();
        for ((z, y, x), &g) in levels.indexed_iter() {
            if g == 0 {
                continue;
            }
            let (mut c, mut sum) = (0i64, 0i64);
            for o in offsets {
                let (z2, y2, x2) = (z as i64 + o[0], y as i64 + o[1], x as i64 + o[2]);
                if (0..3).any(|k| [z2, y2, x2][k] < 0 || [z2, y2, x2][k] >= sh[k] as i64) {
                    continue;
                }
                let h = levels[[z2 as usize, y2 as usize, x2 as usize]];
                if h != 0 {
                    c += 1;
                    sum += i64::from(h);
                }
            }
            count[g as usize - 1] += 1.0;
            s[g as usize - 1] += if c == 0 { 0.0 } else { (g as f64 - sum as f64 / c as f64).abs() };
        }
        (count, s)
    }

    #[test]
    fn integer_and_float_neighbour_sums_match_a_plain_walk() {
        let mut next = crate::features::pyrad::test_rng(24681357);
        for shape in [[4, 5, 6], [1, 6, 7], [5, 1, 4], [6, 7, 9]] {
            for ng in [1usize, 3, 40] {
                let levels =
                    Array3::from_shape_fn(shape, |_| if next(3) == 0 { 0 } else { 1 + next(ng as u64) as i32 });
                let d = Discretised::from_levels(levels.clone(), ng as i32);
                for distances in [vec![1], vec![1, 2]] {
                    let offsets = angles(shape, &distances, true, None);
                    let (pd, disp) = d.padded_for(&offsets);
                    let want = reference(&levels, &offsets, ng);
                    let (mut c32, mut s32) = (vec![0.0; ng], vec![0.0; ng]);
                    level_sums::<i32>(&pd, &disp, &mut c32, &mut s32);
                    let (mut c64, mut s64) = (vec![0.0; ng], vec![0.0; ng]);
                    level_sums::<f64>(&pd, &disp, &mut c64, &mut s64);
                    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                    assert_eq!(bits(&c32), bits(&want.0), "{shape:?} ng {ng} {distances:?}");
                    assert_eq!(bits(&s32), bits(&want.1), "{shape:?} ng {ng} {distances:?}");
                    assert_eq!(bits(&c64), bits(&want.0));
                    assert_eq!(bits(&s64), bits(&want.1));
                }
            }
        }
    }
}
