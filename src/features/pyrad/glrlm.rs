//! PyRadiomics GLRLM (`glrlm.py` + `cmatrices.c`): runs along each of the 13 (3D) or 4
//! (force2D) mono-directional offsets inside the ROI box, per-direction matrices (a
//! direction where no line holds two ROI voxels is emptied, as PyRadiomics does), optional
//! `weightingNorm` sum, features averaged over non-empty directions.
//! This module must not merge directions unless `weightingNorm` asks for it.

use super::angles::angles;
use super::binning::discretise;
use super::roi::RoiArrays;
use super::settings::PyradSettings;
use super::{nanmean, PyradError};

/// Run-length matrices `[angle][level_pos · nr + (length − 1)]`.
fn run_matrices(
    levels: &ndarray::Array3<i32>,
    mask: &ndarray::Array3<bool>,
    offsets: &[[i64; 3]],
    pos: &[usize],
    ngp: usize,
    nr: usize,
) -> Vec<Vec<f64>> {
    let sh = levels.shape();
    let size = [sh[0] as i64, sh[1] as i64, sh[2] as i64];
    // Flat (z, y, x) grey-level positions + 1, 0 outside the ROI (the mask is exactly the
    // non-zero levels).
    let flat: Vec<usize> =
        levels.iter().zip(mask.iter()).map(|(&l, &m)| if m && l != 0 { pos[l as usize] + 1 } else { 0 }).collect();
    let strides = [size[1] * size[2], size[2], 1];
    let mut out = Vec::with_capacity(offsets.len());
    for off in offsets {
        let mut p = vec![0.0; ngp * nr];
        let mut multi = false;
        let step = (0..3).map(|k| off[k] * strides[k]).sum::<i64>() as isize;
        // A voxel starts a line when stepping back by `off` leaves the box along some axis.
        let starts_at = |k: usize, c: i64| (off[k] > 0 && c < off[k]) || (off[k] < 0 && c >= size[k] + off[k]);
        // Voxels left on the line along axis k (no limit when the offset does not move along it).
        let left = |k: usize, c: i64| match off[k] {
            0 => i64::MAX,
            o if o > 0 => (size[k] - 1 - c) / o,
            o => c / -o,
        };
        for z in 0..size[0] {
            let (sz, lz) = (starts_at(0, z), left(0, z));
            for y in 0..size[1] {
                let (sy, ly) = (sz || starts_at(1, y), lz.min(left(1, y)));
                for x in 0..size[2] {
                    if !(sy || starts_at(2, x)) {
                        continue; // not the first voxel of its line
                    }
                    let start = [z, y, x];
                    // Voxels on the line from `start` inside the box.
                    let steps = ly.min(left(2, x)) + 1;
                    let mut at = (0..3).map(|k| start[k] * strides[k]).sum::<i64>() as usize;
                    // Current run: grey-level position + 1 (0: none) and its length.
                    let (mut cur, mut rl) = (0usize, 0usize);
                    let mut elements = 0usize;
                    for t in 0..steps {
                        if t > 0 {
                            at = at.wrapping_add_signed(step);
                        }
                        let g = flat[at];
                        elements += usize::from(g != 0);
                        if g == cur {
                            rl += 1;
                        } else {
                            if cur != 0 {
                                p[(cur - 1) * nr + rl - 1] += 1.0;
                            }
                            cur = g;
                            rl = 1;
                        }
                    }
                    if cur != 0 {
                        p[(cur - 1) * nr + rl - 1] += 1.0;
                    }
                    multi |= elements > 1;
                }
            }
        }
        if !multi {
            for g in 0..ngp {
                p[g * nr] = 0.0;
            }
        }
        out.push(p);
    }
    out
}

fn weight(norm: &str, off: &[i64; 3], spacing: [f64; 3]) -> f64 {
    let v: Vec<f64> = (0..3).map(|k| off[k].abs() as f64 * spacing[k]).collect();
    match norm {
        "infinity" => v.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
        "euclidean" => v.iter().map(|x| x * x).sum::<f64>().sqrt(),
        "manhattan" => v.iter().sum(),
        _ => 1.0,
    }
}

/// All GLRLM features (PyRadiomics names) of the ROI.
pub fn compute(roi: &RoiArrays, settings: &PyradSettings) -> Result<Vec<(&'static str, f64)>, PyradError> {
    let d = discretise(roi, settings)?;
    let sh = d.levels.shape();
    let nr = *sh.iter().max().expect("3D");
    let force = settings.force2D.then_some(settings.force2Ddimension);
    let offsets = angles([sh[0], sh[1], sh[2]], &[1], false, force);
    if offsets.is_empty() {
        return Err(PyradError::Feature { class: "glrlm", msg: "no valid offsets for this ROI".into() });
    }
    let mut pos = vec![0usize; d.ng as usize + 1];
    for (k, &g) in d.gray_levels.iter().enumerate() {
        pos[g as usize] = k;
    }
    let ngp = d.gray_levels.len();
    let mut mats = run_matrices(&d.levels, &d.mask, &offsets, &pos, ngp, nr);
    if let Some(norm) = &settings.weightingNorm {
        let mut sum = vec![0.0; ngp * nr];
        for (p, off) in mats.iter().zip(&offsets) {
            let w = weight(norm, off, roi.spacing);
            for (s, v) in sum.iter_mut().zip(p) {
                *s += v * w;
            }
        }
        mats = vec![sum];
    }
    if mats.len() > 1 {
        mats.retain(|p| p.iter().sum::<f64>() != 0.0);
    }
    let iv: Vec<f64> = d.gray_levels.iter().map(|&g| g as f64).collect();
    let per_angle: Vec<[f64; 16]> = mats.iter().map(|p| angle_features(p, &iv, nr)).collect();
    Ok(NAMES
        .iter()
        .enumerate()
        .map(|(k, n)| (*n, nanmean(&per_angle.iter().map(|f| f[k]).collect::<Vec<_>>())))
        .collect())
}

const NAMES: [&str; 16] = [
    "GrayLevelNonUniformity",
    "GrayLevelNonUniformityNormalized",
    "GrayLevelVariance",
    "HighGrayLevelRunEmphasis",
    "LongRunEmphasis",
    "LongRunHighGrayLevelEmphasis",
    "LongRunLowGrayLevelEmphasis",
    "LowGrayLevelRunEmphasis",
    "RunEntropy",
    "RunLengthNonUniformity",
    "RunLengthNonUniformityNormalized",
    "RunPercentage",
    "RunVariance",
    "ShortRunEmphasis",
    "ShortRunHighGrayLevelEmphasis",
    "ShortRunLowGrayLevelEmphasis",
];

fn angle_features(p: &[f64], iv: &[f64], nr: usize) -> [f64; 16] {
    let ng = iv.len();
    let total: f64 = p.iter().sum();
    let n = if total == 0.0 { f64::NAN } else { total };
    let pg: Vec<f64> = (0..ng).map(|g| p[g * nr..(g + 1) * nr].iter().sum()).collect();
    let pr: Vec<f64> = (0..nr).map(|j| (0..ng).map(|g| p[g * nr + j]).sum()).collect();
    let jv = |j: usize| (j + 1) as f64;
    let np: f64 = pr.iter().enumerate().map(|(j, v)| v * jv(j)).sum();
    let ui: f64 = (0..ng).map(|g| pg[g] / n * iv[g]).sum();
    let uj: f64 = (0..nr).map(|j| pr[j] / n * jv(j)).sum();
    let glv: f64 = (0..ng).map(|g| pg[g] / n * (iv[g] - ui).powi(2)).sum();
    let rv: f64 = (0..nr).map(|j| pr[j] / n * (jv(j) - uj).powi(2)).sum();
    let (mut re, mut srlg, mut srhg, mut lrlg, mut lrhg) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for g in 0..ng {
        let i2 = iv[g] * iv[g];
        for j in 0..nr {
            let v = p[g * nr + j];
            let j2 = jv(j) * jv(j);
            let pn = v / n;
            re -= pn * (pn + f64::EPSILON).log2();
            srlg += v / (i2 * j2);
            srhg += v * i2 / j2;
            lrlg += v * j2 / i2;
            lrhg += v * j2 * i2;
        }
    }
    [
        pg.iter().map(|v| v * v).sum::<f64>() / n,
        pg.iter().map(|v| v * v).sum::<f64>() / (n * n),
        glv,
        (0..ng).map(|g| pg[g] * iv[g] * iv[g]).sum::<f64>() / n,
        (0..nr).map(|j| pr[j] * jv(j) * jv(j)).sum::<f64>() / n,
        lrhg / n,
        lrlg / n,
        (0..ng).map(|g| pg[g] / (iv[g] * iv[g])).sum::<f64>() / n,
        re,
        pr.iter().map(|v| v * v).sum::<f64>() / n,
        pr.iter().map(|v| v * v).sum::<f64>() / (n * n),
        n / np,
        rv,
        (0..nr).map(|j| pr[j] / (jv(j) * jv(j))).sum::<f64>() / n,
        srhg / n,
        srlg / n,
    ]
}
