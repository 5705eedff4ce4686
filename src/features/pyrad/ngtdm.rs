//! PyRadiomics NGTDM (`ngtdm.py` + `cmatrices.c`): for each ROI voxel, |level − mean level of
//! its ROI neighbours| (bidirectional offsets of every `distances` entry; 0 without
//! neighbours), summed per grey level. This module must not exclude neighbour-less voxels.

use super::angles::angles;
use super::binning::discretised;
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
    let nx = pd.size[2];
    let (mut nb_count, mut nb_sum) = (vec![0i32; nx], vec![0i64; nx]);
    // Row by row: each offset's neighbours are a contiguous slice, so the neighbour counts and
    // level sums vectorise. They are integers, exact in f64 in any order, so the per-level
    // sums (raster order, as before) round identically.
    for (at, n) in pd.roi_rows() {
        let (nb_count, nb_sum) = (&mut nb_count[..n], &mut nb_sum[..n]);
        nb_count.fill(0);
        nb_sum.fill(0);
        for &o in &disp {
            for ((c, sum), &h) in nb_count.iter_mut().zip(nb_sum.iter_mut()).zip(pd.shifted(at, o, n)) {
                *c += i32::from(h != 0);
                *sum += i64::from(h);
            }
        }
        for ((&g, &c), &sum) in pd.shifted(at, 0, n).iter().zip(nb_count.iter()).zip(nb_sum.iter()) {
            if g != 0 {
                let (c, sum) = (f64::from(c), sum as f64);
                let diff = if c == 0.0 { 0.0 } else { (g as f64 - sum / c).abs() };
                count[g as usize - 1] += 1.0;
                s[g as usize - 1] += diff;
            }
        }
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
