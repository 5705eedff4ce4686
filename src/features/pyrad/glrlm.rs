//! PyRadiomics GLRLM (`glrlm.py` + `cmatrices.c`): runs along each of the 13 (3D) or 4
//! (force2D) mono-directional offsets inside the ROI box, per-direction matrices (a
//! direction where no line holds two ROI voxels is emptied, as PyRadiomics does), optional
//! `weightingNorm` sum, features averaged over non-empty directions.
//! This module must not merge directions unless `weightingNorm` asks for it.

use super::angles::angles;
use super::binning::discretised;
use super::roi::RoiArrays;
use super::settings::PyradSettings;
use super::{nanmean, PyradError};

/// Run-length matrices `[level_pos · nr + (length − 1)]`, one per offset in order, each given
/// to `each(offset index, matrix)` (one buffer, reused: a matrix is valid during its call).
///
/// The ROI codes sit in a box padded with code 0 (non-ROI) on every side, so a line's ends
/// look like non-ROI voxels. Per direction, voxels are visited in raster order, which visits
/// v − step before v (mono-directional offsets: step > 0). `cell[v]` is the matrix cell v's
/// run counts in if it ends at v (code − 1 + run length − 1); every run end (an ROI voxel
/// whose next voxel differs) appends its cell to `ends` without a data-dependent branch, and
/// the counts are tallied afterwards as integers (exact in any order). Rows of a direction
/// moving along z or y depend only on earlier rows, so their cells vectorise.
fn run_matrices(
    levels: &ndarray::Array3<i32>,
    mask: &ndarray::Array3<bool>,
    offsets: &[[i64; 3]],
    pos: &[usize],
    ngp: usize,
    nr: usize,
    mut each: impl FnMut(usize, &[f64]),
) -> Result<(), PyradError> {
    let sh = levels.shape();
    let [nz, ny, nx] = [sh[0], sh[1], sh[2]];
    let cells = ngp * nr;
    if u32::try_from(cells + 1).is_err() {
        return Err(PyradError::Feature {
            class: "glrlm",
            msg: format!("run-length matrix of {cells} cells is too large"),
        });
    }
    let pad = offsets.iter().flatten().map(|c| c.unsigned_abs() as usize).max().unwrap_or(1);
    let (py, px) = (ny + 2 * pad, nx + 2 * pad);
    let len = (nz + 2 * pad) * py * px;
    // Padded flat index of the first voxel of each (z, y) row.
    let rows: Vec<usize> = (0..nz * ny).map(|r| ((r / ny + pad) * py + r % ny + pad) * px + pad).collect();
    // Codes: level_pos · nr + 1 inside the ROI (the mask is exactly the non-zero levels), 0
    // outside; a run of length rl ending on code c counts in cell c − 1 + rl − 1.
    let mut code = vec![0u32; len];
    for ((&r, lrow), mrow) in rows.iter().zip(levels.rows()).zip(mask.rows()) {
        for ((c, &l), &m) in code[r..r + nx].iter_mut().zip(lrow).zip(mrow) {
            *c = if m && l != 0 { (pos[l as usize] * nr + 1) as u32 } else { 0 };
        }
    }
    // Each row's part from its first to its last ROI voxel (first voxel, length). Cells are
    // only computed there: a cell outside is only read after a voxel of code 0 (not ROI),
    // which never continues an ROI run.
    let spans: Vec<(usize, usize)> = rows
        .iter()
        .filter_map(|&r| {
            let row = &code[r..r + nx];
            let lo = row.iter().position(|&g| g != 0)?;
            let hi = row.iter().rposition(|&g| g != 0)? + 1;
            Some((r + lo, hi - lo))
        })
        .collect();
    let mut cell = vec![0u32; len];
    // Run ends of one row (at most one per voxel) plus one slot for the unused write.
    let mut ends = vec![0u32; nx + 1];
    let mut counts = vec![0u32; cells];
    let mut p = vec![0.0f64; cells];
    for (a, off) in offsets.iter().enumerate() {
        let step = off[0] as isize * (py * px) as isize + off[1] as isize * px as isize + off[2] as isize;
        let step = usize::try_from(step).expect("mono-directional offsets step forward");
        let mut pairs = 0u32;
        for &(r, nx) in &spans {
            pairs |= if off[0] == 0 && off[1] == 0 {
                row_cells_serial(&code, &mut cell, r, nx, step)
            } else {
                row_cells(&code, &mut cell, r, nx, step)
            };
            let n = run_ends(&cell[r..r + nx], &code[r..r + nx], &code[r + step..r + step + nx], &mut ends);
            for &e in &ends[..n] {
                counts[e as usize] += 1;
            }
        }
        for (v, &c) in p.iter_mut().zip(&counts) {
            *v = f64::from(c);
        }
        counts.fill(0);
        // A run of length ≥ 2 means some line holds two ROI voxels; else look for any two.
        if pairs == 0 && !line_holds_two(&code, &rows, nx, step) {
            for g in 0..ngp {
                p[g * nr] = 0.0;
            }
        }
        each(a, &p);
    }
    Ok(())
}

/// The cells of the run ends among `cell` (voxels of `code`, each followed by `next`): ROI
/// voxels whose next voxel differs, written to `ends` in order; returns how many.
/// `ends` must be at least as long as `cell`.
fn run_ends(cell: &[u32], code: &[u32], next: &[u32], ends: &mut [u32]) -> usize {
    assert!(code.len() == cell.len() && next.len() == cell.len() && ends.len() >= cell.len());
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU supports AVX-512F (checked just above); the lengths are checked above.
        return unsafe { run_ends_avx512(cell, code, next, ends) };
    }
    run_ends_portable(cell, code, next, ends, 0, 0)
}

/// `run_ends` from voxel `from` on, `n` ends already written: each cell is written at the
/// next free slot and kept (the slot advances) only at a run end, without a branch.
fn run_ends_portable(cell: &[u32], code: &[u32], next: &[u32], ends: &mut [u32], from: usize, mut n: usize) -> usize {
    for ((&c, &g), &gn) in cell[from..].iter().zip(&code[from..]).zip(&next[from..]) {
        ends[n] = c;
        n += usize::from((g != 0) & (gn != g));
    }
    n
}

/// `run_ends` sixteen voxels at a time: the run-end mask of a block compresses its cells
/// (in order) into the next slots. A block's 16-lane store stays within `ends`: at most
/// one slot per voxel is kept, so the store starts at or before the block's first voxel.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn run_ends_avx512(cell: &[u32], code: &[u32], next: &[u32], ends: &mut [u32]) -> usize {
    use std::arch::x86_64::*;
    let body = cell.len() / 16 * 16;
    let mut n = 0usize;
    let zero = _mm512_setzero_si512();
    for k in (0..body).step_by(16) {
        // SAFETY: k + 16 <= body <= the length of cell, code and next; n <= k, so the
        // store's n + 16 <= body <= the length of ends.
        let c = _mm512_loadu_epi32(cell.as_ptr().add(k) as *const i32);
        let g = _mm512_loadu_epi32(code.as_ptr().add(k) as *const i32);
        let gn = _mm512_loadu_epi32(next.as_ptr().add(k) as *const i32);
        let end = _mm512_mask_cmpneq_epu32_mask(_mm512_cmpneq_epu32_mask(g, zero), g, gn);
        _mm512_storeu_epi32(ends.as_mut_ptr().add(n) as *mut i32, _mm512_maskz_compress_epi32(end, c));
        n += end.count_ones() as usize;
    }
    run_ends_portable(cell, code, next, ends, body, n)
}

/// Cells of the row at `r` (`nx` voxels) whose previous voxels (`step` back) are in earlier
/// rows. Returns non-zero when some ROI voxel continues a run.
fn row_cells(code: &[u32], cell: &mut [u32], r: usize, nx: usize, step: usize) -> u32 {
    let (done, rest) = cell.split_at_mut(r);
    let prev_cell = &done[r - step..r - step + nx];
    let prev = &code[r - step..r - step + nx];
    let mut pairs = 0u32;
    for ((c, &g), (&gp, &cp)) in rest[..nx].iter_mut().zip(&code[r..r + nx]).zip(prev.iter().zip(prev_cell)) {
        *c = next_cell(g, gp, cp);
        pairs |= u32::from((g == gp) & (g != 0));
    }
    pairs
}

/// Cells of the row at `r` for a direction along the row (`step` voxels back in the same row
/// or its padding). Returns non-zero when some ROI voxel continues a run.
fn row_cells_serial(code: &[u32], cell: &mut [u32], r: usize, nx: usize, step: usize) -> u32 {
    let mut pairs = 0u32;
    if step == 1 {
        let (mut gp, mut cp) = (code[r - 1], cell[r - 1]);
        for (c, &g) in cell[r..r + nx].iter_mut().zip(&code[r..r + nx]) {
            cp = next_cell(g, gp, cp);
            *c = cp;
            pairs |= u32::from((g == gp) & (g != 0));
            gp = g;
        }
    } else {
        for v in r..r + nx {
            cell[v] = next_cell(code[v], code[v - step], cell[v - step]);
            pairs |= u32::from((code[v] == code[v - step]) & (code[v] != 0));
        }
    }
    pairs
}

/// The cell of a voxel of code `g` whose previous voxel has code `gp` and cell `cp`: the run
/// goes on (one longer) or a new one starts (length 1). Bit masks, not a branch: run ends are
/// unpredictable.
#[inline(always)]
fn next_cell(g: u32, gp: u32, cp: u32) -> u32 {
    let same = u32::from(g == gp).wrapping_neg();
    (same & cp.wrapping_add(1)) | (!same & g.wrapping_sub(1))
}

/// Whether some line along `step` holds two ROI voxels: in raster order, `seen[v]` = an ROI
/// voxel at or before v on its line (padding: none).
fn line_holds_two(code: &[u32], rows: &[usize], nx: usize, step: usize) -> bool {
    let mut seen = vec![false; code.len()];
    for &r in rows {
        for v in r..r + nx {
            let before = seen[v - step];
            if code[v] != 0 && before {
                return true;
            }
            seen[v] = before || code[v] != 0;
        }
    }
    false
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
    let d = discretised(roi, settings)?;
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
    let iv: Vec<f64> = d.gray_levels.iter().map(|&g| g as f64).collect();
    // Features per direction as each matrix is made, skipping empty directions when there
    // are several; with `weightingNorm`, of the weighted sum of all directions instead.
    let mut weighted = settings.weightingNorm.as_ref().map(|norm| (norm, vec![0.0; ngp * nr]));
    let mut per_angle: Vec<[f64; 16]> = Vec::with_capacity(offsets.len());
    run_matrices(&d.levels, &d.mask, &offsets, &pos, ngp, nr, |a, p| match &mut weighted {
        Some((norm, sum)) => {
            let w = weight(norm, &offsets[a], roi.spacing);
            for (s, v) in sum.iter_mut().zip(p) {
                *s += v * w;
            }
        }
        None if offsets.len() > 1 && p.iter().sum::<f64>() == 0.0 => {}
        None => per_angle.push(angle_features(p, &iv, nr)),
    })?;
    if let Some((_, sum)) = &weighted {
        per_angle.push(angle_features(sum, &iv, nr));
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array3;

    #[test]
    fn run_ends_keep_the_cells_of_roi_voxels_whose_next_voxel_differs() {
        let mut next = crate::features::pyrad::test_rng(8642);
        for len in 0..70 {
            let code: Vec<u32> = (0..len).map(|_| next(3) as u32).collect();
            let after: Vec<u32> = (0..len).map(|_| next(3) as u32).collect();
            let cell: Vec<u32> = (0..len).map(|_| next(1000) as u32).collect();
            let want: Vec<u32> = (0..len).filter(|&k| code[k] != 0 && after[k] != code[k]).map(|k| cell[k]).collect();
            let mut ends = vec![0u32; len + 1];
            let n = run_ends(&cell, &code, &after, &mut ends);
            assert_eq!(&ends[..n], &want[..], "length {len}");
            let n = run_ends_portable(&cell, &code, &after, &mut ends, 0, 0);
            assert_eq!(&ends[..n], &want[..], "length {len}, portable");
        }
    }

    /// Straightforward line walk (the former implementation): every line from its first voxel
    /// in the box, runs counted as they end.
    fn reference(levels: &Array3<i32>, offsets: &[[i64; 3]], pos: &[usize], ngp: usize, nr: usize) -> Vec<Vec<f64>> {
        let sh = levels.shape();
        let size = [sh[0] as i64, sh[1] as i64, sh[2] as i64];
        let inside = |c: [i64; 3]| (0..3).all(|k| c[k] >= 0 && c[k] < size[k]);
        let mut out = Vec::new();
        for off in offsets {
            let mut p = vec![0.0; ngp * nr];
            let mut multi = false;
            for (z, y, x) in levels.indexed_iter().map(|(i, _)| i) {
                let start = [z as i64, y as i64, x as i64];
                if inside([start[0] - off[0], start[1] - off[1], start[2] - off[2]]) {
                    continue;
                }
                let (mut c, mut cur, mut rl, mut elements) = (start, 0usize, 0usize, 0usize);
                while inside(c) {
                    let l = levels[[c[0] as usize, c[1] as usize, c[2] as usize]];
                    let g = if l != 0 { pos[l as usize] + 1 } else { 0 };
                    elements += usize::from(g != 0);
                    if g == cur {
                        rl += 1;
                    } else {
                        if cur != 0 {
                            p[(cur - 1) * nr + rl - 1] += 1.0;
                        }
                        (cur, rl) = (g, 1);
                    }
                    c = [c[0] + off[0], c[1] + off[1], c[2] + off[2]];
                }
                if cur != 0 {
                    p[(cur - 1) * nr + rl - 1] += 1.0;
                }
                multi |= elements > 1;
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

    fn check(levels: Array3<i32>) {
        let mask = levels.mapv(|l| l != 0);
        let sh = levels.shape();
        let nr = *sh.iter().max().unwrap();
        let ng = *levels.iter().max().unwrap() as usize;
        let mut present: Vec<i32> = levels.iter().copied().filter(|&l| l != 0).collect();
        present.sort_unstable();
        present.dedup();
        let mut pos = vec![0usize; ng + 1];
        for (k, &g) in present.iter().enumerate() {
            pos[g as usize] = k;
        }
        for force in [None, Some(0), Some(1), Some(2)] {
            let offsets = angles([sh[0], sh[1], sh[2]], &[1], false, force);
            let mut got = Vec::new();
            run_matrices(&levels, &mask, &offsets, &pos, present.len(), nr, |a, p| {
                assert_eq!(a, got.len());
                got.push(p.to_vec());
            })
            .unwrap();
            assert_eq!(got, reference(&levels, &offsets, &pos, present.len(), nr), "{sh:?} force {force:?}");
        }
    }

    #[test]
    fn run_matrices_match_a_plain_line_walk() {
        let mut next = crate::features::pyrad::test_rng(12345);
        for shape in [[4, 5, 6], [1, 6, 7], [5, 1, 4], [3, 4, 1], [2, 2, 2], [7, 3, 9]] {
            for levels_n in [1, 2, 5] {
                let levels =
                    Array3::from_shape_fn(shape, |_| if next(5) == 0 { 0 } else { 1 + next(levels_n) as i32 * 2 });
                check(levels);
            }
        }
        // No two ROI voxels adjacent along a direction, yet two on one line (gap) or none.
        check(Array3::from_shape_vec((1, 1, 3), vec![2, 0, 2]).unwrap());
        check(Array3::from_shape_vec((1, 2, 2), vec![1, 0, 0, 1]).unwrap());
        check(Array3::from_shape_vec((2, 2, 2), vec![1, 0, 0, 3, 0, 3, 1, 0]).unwrap());
    }
}
