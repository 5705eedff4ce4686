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
///
/// Each line is walked without a data-dependent branch: a run end writes its matrix index to
/// `ends` and advances the write position only when a run really ended, and the counts are
/// tallied afterwards as integers (any order gives the same exact counts).
fn run_matrices(
    levels: &ndarray::Array3<i32>,
    mask: &ndarray::Array3<bool>,
    offsets: &[[i64; 3]],
    pos: &[usize],
    ngp: usize,
    nr: usize,
) -> Result<Vec<Vec<f64>>, PyradError> {
    let sh = levels.shape();
    let size = [sh[0] as i64, sh[1] as i64, sh[2] as i64];
    let cells = ngp * nr;
    let too_big =
        || PyradError::Feature { class: "glrlm", msg: format!("run-length matrix of {cells} cells is too large") };
    u32::try_from(cells + 1).map_err(|_| too_big())?;
    // Flat (z, y, x) codes: level_pos · nr + 1 inside the ROI (the mask is exactly the non-zero
    // levels), 0 outside; a run of length rl ending on code c counts in cell c − 1 + rl − 1.
    let flat: Vec<u32> = levels
        .iter()
        .zip(mask.iter())
        .map(|(&l, &m)| if m && l != 0 { (pos[l as usize] * nr + 1) as u32 } else { 0 })
        .collect();
    let strides = [size[1] * size[2], size[2], 1];
    // Run ends of one direction (at most one per voxel) plus one slot for the last unused write.
    let mut ends = vec![0u32; flat.len() + 1];
    let mut counts = vec![0u32; cells];
    let mut out = Vec::with_capacity(offsets.len());
    for off in offsets {
        let mut n_ends = 0usize;
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
        // The x of line starts in a row that starts no line by its z or y.
        let x_starts = match off[2] {
            o if o > 0 => 0..o.min(size[2]),
            o if o < 0 => (size[2] + o).max(0)..size[2],
            _ => 0..0,
        };
        for z in 0..size[0] {
            let (sz, lz) = (starts_at(0, z), left(0, z));
            for y in 0..size[1] {
                let (sy, ly) = (sz || starts_at(1, y), lz.min(left(1, y)));
                let xs = if sy { 0..size[2] } else { x_starts.clone() };
                for x in xs {
                    // Voxels on the line from (z, y, x) inside the box.
                    let steps = ly.min(left(2, x)) + 1;
                    let at = (z * strides[0] + y * strides[1] + x) as usize;
                    let elements;
                    (n_ends, elements) = walk_line(&flat, at, step, steps as usize, &mut ends, n_ends);
                    multi |= elements > 1;
                }
            }
        }
        for &e in &ends[..n_ends] {
            counts[e as usize] += 1;
        }
        let mut p: Vec<f64> = counts.iter().map(|&c| f64::from(c)).collect();
        counts.fill(0);
        if !multi {
            for g in 0..ngp {
                p[g * nr] = 0.0;
            }
        }
        out.push(p);
    }
    Ok(out)
}

/// Walk the line of `steps` voxels from flat index `at` by `step`, writing the matrix cell of
/// each run end to `ends` from position `n`. Returns the new `n` and the line's ROI voxels.
#[inline(never)]
fn walk_line(flat: &[u32], mut at: usize, step: isize, steps: usize, ends: &mut [u32], mut n: usize) -> (usize, usize) {
    // Code of the previous voxel (0: none) and the cell its run counts in if it ends there.
    let (mut prev, mut cell) = (0u32, 0u32);
    let mut elements = 0usize;
    for _ in 0..steps {
        let g = flat[at];
        at = at.wrapping_add_signed(step);
        elements += usize::from(g != 0);
        let changed = g != prev;
        ends[n] = cell;
        n += usize::from(changed & (prev != 0));
        cell = if changed { g.wrapping_sub(1) } else { cell.wrapping_add(1) };
        prev = g;
    }
    ends[n] = cell;
    n += usize::from(prev != 0);
    (n, elements)
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
    let mut mats = run_matrices(&d.levels, &d.mask, &offsets, &pos, ngp, nr)?;
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
    // Column sums, each still added in level order (rows outer for contiguous reads).
    let mut pr = vec![0.0; nr];
    for row in p.chunks_exact(nr) {
        for (s, &v) in pr.iter_mut().zip(row) {
            *s += v;
        }
    }
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
            // A zero cell adds ±0.0 to sums started at +0.0 (levels are ≥ 1: no 0/0).
            if v == 0.0 {
                continue;
            }
            let j2 = jv(j) * jv(j);
            let pn = v / n;
            re -= pn * (pn + f64::EPSILON).log2();
            srlg += v / (i2 * j2);
            srhg += v * i2 / j2;
            lrlg += v * j2 / i2;
            lrhg += v * j2 * i2;
        }
    }
    if total == 0.0 {
        re = f64::NAN; // every skipped cell would have added 0 · log2(ε) / NaN
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
