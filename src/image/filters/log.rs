//! Laplacian of Gaussian as PyRadiomics computes it: SimpleITK
//! `LaplacianRecursiveGaussianImageFilter` (normalised across scale, sigma in mm), i.e. ITK's
//! Deriche 4th-order recursive Gaussian (`itkRecursiveGaussianImageFilter.hxx`,
//! `itkRecursiveSeparableImageFilter.hxx`, `itkLaplacianRecursiveGaussianImageFilter.hxx`).
//! Like ITK, each 1D pass runs in f64 and stores its result as f32. Must not pad, nor crop
//! except to the box `laplacian_of_gaussian_box` is asked for.

use std::ops::Range;

use ndarray::{Array3, ArrayView3, Zip};

use super::FilterError;
use crate::image::volume::Volume;

/// Which Gaussian the recursive filter approximates.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Order {
    Zero,
    Second,
}

/// Coefficients of one causal + anti-causal 4th-order recursive pass (ITK's m_N*, m_D*,
/// m_M*, m_BN*, m_BM*).
#[derive(Debug, Clone, Copy)]
struct Recursive {
    n: [f64; 4],
    d: [f64; 4],
    m: [f64; 4],
    bn: [f64; 4],
    bm: [f64; 4],
}

/// Deriche exponential-series constants (ITK RecursiveGaussianImageFilter::SetUp).
const W1: f64 = 0.6681;
const L1: f64 = -1.3932;
const W2: f64 = 2.0787;
const L2: f64 = -1.3732;
/// (A1, B1, A2, B2) for the Gaussian (row 0) and its second derivative (row 1).
const AB0: [f64; 4] = [1.3530, 1.8151, -0.3531, 0.0902];
const AB2: [f64; 4] = [-1.3563, 5.2318, 0.3446, -2.2355];

/// Denominator coefficients D1..D4 and their sums SD, DD, ED.
fn d_coefficients(sigmad: f64) -> ([f64; 4], f64, f64, f64) {
    let (cos1, cos2) = ((W1 / sigmad).cos(), (W2 / sigmad).cos());
    let (exp1, exp2) = ((L1 / sigmad).exp(), (L2 / sigmad).exp());
    let d4 = exp1 * exp1 * exp2 * exp2;
    let mut d3 = -2.0 * cos1 * exp1 * exp2 * exp2;
    d3 += -2.0 * cos2 * exp2 * exp1 * exp1;
    let mut d2 = 4.0 * cos2 * cos1 * exp1 * exp2;
    d2 += exp1 * exp1 + exp2 * exp2;
    let d1 = -2.0 * (exp2 * cos2 + exp1 * cos1);
    let sd = 1.0 + d1 + d2 + d3 + d4;
    let dd = d1 + 2.0 * d2 + 3.0 * d3 + 4.0 * d4;
    let ed = d1 + 4.0 * d2 + 9.0 * d3 + 16.0 * d4;
    ([d1, d2, d3, d4], sd, dd, ed)
}

/// Numerator coefficients N0..N3 and their sums SN, DN, EN for one (A1, B1, A2, B2) row.
fn n_coefficients(sigmad: f64, ab: [f64; 4]) -> ([f64; 4], f64, f64, f64) {
    let [a1, b1, a2, b2] = ab;
    let (sin1, sin2) = ((W1 / sigmad).sin(), (W2 / sigmad).sin());
    let (cos1, cos2) = ((W1 / sigmad).cos(), (W2 / sigmad).cos());
    let (exp1, exp2) = ((L1 / sigmad).exp(), (L2 / sigmad).exp());
    let n0 = a1 + a2;
    let mut n1 = exp2 * (b2 * sin2 - (a2 + 2.0 * a1) * cos2);
    n1 += exp1 * (b1 * sin1 - (a1 + 2.0 * a2) * cos1);
    let mut n2 = (a1 + a2) * cos2 * cos1;
    n2 -= b1 * cos2 * sin1 + b2 * cos1 * sin2;
    n2 *= 2.0 * exp1 * exp2;
    n2 += a2 * exp1 * exp1 + a1 * exp2 * exp2;
    let mut n3 = exp2 * exp1 * exp1 * (b2 * sin2 - a2 * cos2);
    n3 += exp1 * exp2 * exp2 * (b1 * sin1 - a1 * cos1);
    let sn = n0 + n1 + n2 + n3;
    let dn = n1 + 2.0 * n2 + 3.0 * n3;
    let en = n1 + 4.0 * n2 + 9.0 * n3;
    ([n0, n1, n2, n3], sn, dn, en)
}

/// ITK's recursive Gaussian coefficients for `sigma_mm` on a grid of `spacing` mm (symmetric
/// kernels only: zero and second order); the second order is scaled by sigma² when
/// `normalize_across_scale`.
fn coefficients(sigma_mm: f64, spacing: f64, order: Order, normalize_across_scale: bool) -> Recursive {
    let sigmad = sigma_mm / spacing;
    let (d, sd, dd, ed) = d_coefficients(sigmad);
    let n = match order {
        Order::Zero => {
            let (n, sn, _, _) = n_coefficients(sigmad, AB0);
            let alpha0 = 2.0 * sn / sd - n[0];
            n.map(|x| x * (1.0 / alpha0))
        }
        Order::Second => {
            let scale = if normalize_across_scale { sigma_mm * sigma_mm } else { 1.0 };
            let (n_0, sn0, dn0, en0) = n_coefficients(sigmad, AB0);
            let (n_2, sn2, dn2, en2) = n_coefficients(sigmad, AB2);
            let beta = -(2.0 * sn2 - sd * n_2[0]) / (2.0 * sn0 - sd * n_0[0]);
            let n: [f64; 4] = std::array::from_fn(|i| n_2[i] + beta * n_0[i]);
            let sn = sn2 + beta * sn0;
            let dn = dn2 + beta * dn0;
            let en = en2 + beta * en0;
            let mut alpha2 = en * sd * sd - ed * sn * sd - 2.0 * dn * dd * sd + 2.0 * dd * dd * sn;
            alpha2 /= sd * sd * sd;
            n.map(|x| x * (scale / alpha2))
        }
    };
    let m = [n[1] - d[0] * n[0], n[2] - d[1] * n[0], n[3] - d[2] * n[0], -d[3] * n[0]];
    let sn = n[0] + n[1] + n[2] + n[3];
    let sm = m[0] + m[1] + m[2] + m[3];
    let sdd = 1.0 + d[0] + d[1] + d[2] + d[3];
    Recursive { n, d, m, bn: d.map(|x| x * sn / sdd), bm: d.map(|x| x * sm / sdd) }
}

/// Lines filtered together (independent recursions interleave; results are identical to
/// filtering them one by one): `NARROW` along axis 2 (each line contiguous, neighbouring lines
/// apart), `WIDE` along axes 0 and 1, where neighbouring lines are neighbouring voxels: each
/// step along the lines then reads runs of contiguous voxels (whole cache lines).
const NARROW: usize = 8;
const WIDE: usize = 32;

#[inline]
fn dot4(a: [f64; 4], b: [f64; 4]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3]
}

/// One causal + anti-causal pass over `B` lines of length >= 4 at once (ITK
/// FilterDataArray per line): each line is assumed to extend with its edge values to infinity.
/// Only `out[keep]` is valid afterwards: the causal recursion stops at `keep.end`, the
/// anti-causal one at `keep.start` (each value depends only on the values before / after it,
/// so the kept ones are those of the whole-line pass).
#[inline(always)]
fn filter_lines<const B: usize>(
    c: &Recursive,
    x: &[[f64; B]],
    out: &mut [[f64; B]],
    back: &mut [[f64; B]],
    keep: Range<usize>,
) {
    let ln = x.len();
    let (n, d, m, bn, bm) = (c.n, c.d, c.m, c.bn, c.bm);
    for w in 0..B {
        let v1 = x[0][w];
        out[0][w] = dot4([v1, v1, v1, v1], n);
        out[1][w] = dot4([x[1][w], v1, v1, v1], n);
        out[2][w] = dot4([x[2][w], x[1][w], v1, v1], n);
        out[3][w] = dot4([x[3][w], x[2][w], x[1][w], v1], n);
        out[0][w] -= dot4([v1, v1, v1, v1], bn);
        out[1][w] -= dot4([out[0][w], v1, v1, v1], [d[0], bn[1], bn[2], bn[3]]);
        out[2][w] -= dot4([out[1][w], out[0][w], v1, v1], [d[0], d[1], bn[2], bn[3]]);
        out[3][w] -= dot4([out[2][w], out[1][w], out[0][w], v1], [d[0], d[1], d[2], bn[3]]);
    }
    for i in 4..keep.end.max(4) {
        for w in 0..B {
            let v = dot4([x[i][w], x[i - 1][w], x[i - 2][w], x[i - 3][w]], n);
            out[i][w] = v - dot4([out[i - 1][w], out[i - 2][w], out[i - 3][w], out[i - 4][w]], d);
        }
    }
    for w in 0..B {
        let v2 = x[ln - 1][w];
        let (x1, x2, x3) = (x[ln - 1][w], x[ln - 2][w], x[ln - 3][w]);
        back[ln - 1][w] = dot4([v2, v2, v2, v2], m);
        back[ln - 2][w] = dot4([x1, v2, v2, v2], m);
        back[ln - 3][w] = dot4([x2, x1, v2, v2], m);
        back[ln - 4][w] = dot4([x3, x2, x1, v2], m);
        back[ln - 1][w] -= dot4([v2, v2, v2, v2], bm);
        back[ln - 2][w] -= dot4([back[ln - 1][w], v2, v2, v2], [d[0], bm[1], bm[2], bm[3]]);
        back[ln - 3][w] -= dot4([back[ln - 2][w], back[ln - 1][w], v2, v2], [d[0], d[1], bm[2], bm[3]]);
        back[ln - 4][w] -= dot4([back[ln - 3][w], back[ln - 2][w], back[ln - 1][w], v2], [d[0], d[1], d[2], bm[3]]);
    }
    for i in ((keep.start + 1).max(1)..=ln - 4).rev() {
        for w in 0..B {
            let v = dot4([x[i][w], x[i + 1][w], x[i + 2][w], x[i + 3][w]], m);
            back[i - 1][w] = v - dot4([back[i][w], back[i + 1][w], back[i + 2][w], back[i + 3][w]], d);
        }
    }
    for (o, b) in out[keep.clone()].iter_mut().zip(back[keep].iter()) {
        for w in 0..B {
            o[w] += b[w];
        }
    }
}

/// Filter every line along `axis` (length >= 4) of `src` with `c`, f64 inside a line, f32
/// stored, keeping only the positions `keep` along `axis` (the other axes keep their size).
/// Each kept value is the one the whole-line result has there.
fn filter_axis(src: ArrayView3<f32>, axis: usize, c: &Recursive, keep: Range<usize>) -> Array3<f32> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2 (checked just above). AVX2 adds wider registers only;
        // no FMA, so every product and sum rounds as in the portable version.
        return unsafe { filter_axis_avx2(src, axis, c, keep) };
    }
    filter_axis_portable(src, axis, c, keep)
}

/// `filter_axis_portable` compiled with AVX2 (4 f64 lanes per instruction).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn filter_axis_avx2(src: ArrayView3<f32>, axis: usize, c: &Recursive, keep: Range<usize>) -> Array3<f32> {
    filter_axis_portable(src, axis, c, keep)
}

#[inline(always)]
fn filter_axis_portable(src: ArrayView3<f32>, axis: usize, c: &Recursive, keep: Range<usize>) -> Array3<f32> {
    if axis == 2 {
        filter_axis_blocks::<NARROW>(src, axis, c, keep)
    } else {
        filter_axis_blocks::<WIDE>(src, axis, c, keep)
    }
}

/// `filter_axis` with `B` lines per block.
#[inline(always)]
fn filter_axis_blocks<const B: usize>(
    src: ArrayView3<f32>,
    axis: usize,
    c: &Recursive,
    keep: Range<usize>,
) -> Array3<f32> {
    let src = src.as_standard_layout();
    let sl = src.as_slice().expect("standard layout is contiguous");
    let d = [src.shape()[0], src.shape()[1], src.shape()[2]];
    let st = [d[1] * d[2], d[2], 1];
    let len = d[axis];
    let mut dim = d;
    dim[axis] = keep.len();
    let dst_st = [dim[1] * dim[2], dim[2], 1];
    let mut dst = vec![0.0f32; dim[0] * dim[1] * dim[2]];
    // The lanes, row-major over the two other axes: for axes 0 and 1, consecutive lanes are
    // neighbours in memory, so a block of lanes within one row reads contiguous voxels.
    let (b, e) = match axis {
        0 => (1, 2),
        1 => (0, 2),
        _ => (0, 1),
    };
    let lanes = d[b] * d[e];
    let base = |l: usize, stv: &[usize; 3]| (l / d[e]) * stv[b] + (l % d[e]) * stv[e];
    let (mut x, mut out, mut back) = (vec![[0.0; B]; len], vec![[0.0; B]; len], vec![[0.0; B]; len]);
    for first in (0..lanes).step_by(B) {
        let count = B.min(lanes - first);
        // Short last block: repeat the first lane; its results are discarded.
        let sb: [usize; B] = std::array::from_fn(|w| base(if w < count { first + w } else { first }, &st));
        if axis == 2 {
            // Lanes apart in memory, each line contiguous: line by line.
            for (w, &at) in sb.iter().enumerate() {
                for (xt, &s) in x.iter_mut().zip(&sl[at..at + len]) {
                    xt[w] = f64::from(s);
                }
            }
        } else {
            // Runs of lanes whose voxels are neighbours in memory (along axis 0 every block is
            // one run; along axis 1 a run is one row of axis 2): each step copies whole runs.
            let (src_runs, n_src) = runs::<B>(&sb[..count]);
            for (t, xt) in x.iter_mut().enumerate() {
                let off = t * st[axis];
                for &(w0, n) in &src_runs[..n_src] {
                    let at = sb[w0] + off;
                    for (v, &s) in xt[w0..w0 + n].iter_mut().zip(&sl[at..at + n]) {
                        *v = f64::from(s);
                    }
                }
            }
        }
        filter_lines(c, &x, &mut out, &mut back, keep.clone());
        let db: [usize; B] = std::array::from_fn(|w| base(first + w.min(count - 1), &dst_st));
        if axis == 2 {
            for (w, &at) in db[..count].iter().enumerate() {
                for (v, ot) in dst[at..at + keep.len()].iter_mut().zip(&out[keep.clone()]) {
                    *v = ot[w] as f32;
                }
            }
            continue;
        }
        let (dst_runs, n_dst) = runs::<B>(&db[..count]);
        for (k, ot) in out[keep.clone()].iter().enumerate() {
            let koff = k * dst_st[axis];
            for &(w0, n) in &dst_runs[..n_dst] {
                let at = db[w0] + koff;
                for (v, &o) in dst[at..at + n].iter_mut().zip(&ot[w0..w0 + n]) {
                    *v = o as f32;
                }
            }
        }
    }
    Array3::from_shape_vec(dim, dst).expect("buffer matches the shape")
}

/// Maximal runs `(first lane, length)` of consecutive lanes whose offsets are consecutive,
/// and how many there are.
fn runs<const B: usize>(offsets: &[usize]) -> ([(usize, usize); B], usize) {
    let mut out = [(0usize, 0usize); B];
    let mut n = 0;
    for (w, &o) in offsets.iter().enumerate() {
        if n > 0 && offsets[out[n - 1].0] + out[n - 1].1 == o {
            out[n - 1].1 += 1;
        } else {
            out[n] = (w, 1);
            n += 1;
        }
    }
    (out, n)
}

/// Normalised LoG of `image` at `sigma_mm` (ITK LaplacianRecursiveGaussianImageFilter with
/// NormalizeAcrossScale on): Σ_d sigma² ∂²G/∂x_d² * image / spacing_d², accumulated in f32.
/// Every axis needs at least 4 voxels (ITK's requirement), else `TooSmall`.
pub fn laplacian_of_gaussian(image: &Volume<f32>, sigma_mm: f64) -> Result<Volume<f32>, FilterError> {
    let sh = image.shape();
    let whole = ([0, 0, 0], [sh[0].max(1) - 1, sh[1].max(1) - 1, sh[2].max(1) - 1]);
    Ok(image.with_data(laplacian_of_gaussian_box(image, sigma_mm, whole)?))
}

/// `laplacian_of_gaussian` on the inclusive (x, y, z) box `bbox` only (a bbox-shaped array),
/// bit-identical to cropping the whole result: every recursive pass filters whole lines, but
/// each pass keeps only the box's range along its axis, so later passes filter only the lines
/// through the box's range of the axes already passed.
pub fn laplacian_of_gaussian_box(
    image: &Volume<f32>,
    sigma_mm: f64,
    bbox: ([usize; 3], [usize; 3]),
) -> Result<Array3<f32>, FilterError> {
    let sh = image.shape();
    if sh.iter().any(|&n| n < 4) {
        return Err(FilterError::TooSmall(format!("LoG needs >= 4 voxels per axis, image is {sh:?}")));
    }
    if !(sigma_mm.is_finite() && sigma_mm > 0.0) {
        return Err(FilterError::InvalidSetting(format!("LoG sigma must be a positive number of mm, got {sigma_mm}")));
    }
    if (0..3).any(|a| bbox.0[a] > bbox.1[a] || bbox.1[a] >= sh[a]) {
        return Err(FilterError::InvalidSetting(format!("box {bbox:?} outside the image {sh:?}")));
    }
    let keep = |a: usize| bbox.0[a]..bbox.1[a] + 1;
    let mut acc = Array3::<f32>::zeros((keep(0).len(), keep(1).len(), keep(2).len()));
    for dim in 0..3 {
        let second = coefficients(sigma_mm, image.spacing[dim], Order::Second, true);
        let mut cur = filter_axis(image.data.view(), dim, &second, keep(dim));
        for other in (0..3).filter(|&a| a != dim) {
            let smooth = coefficients(sigma_mm, image.spacing[other], Order::Zero, true);
            cur = filter_axis(cur.view(), other, &smooth, keep(other));
        }
        let inv_spacing2 = 1.0 / (image.spacing[dim] * image.spacing[dim]);
        Zip::from(&mut acc).and(&cur).for_each(|a, &b| {
            *a = (f64::from(*a) + f64::from(b) * inv_spacing2) as f32;
        });
    }
    Ok(acc)
}

/// PyRadiomics' LoG image name: `log-sigma-<str(sigma) with '.'→'-'>-mm-3D`.
pub fn log_name(sigma_mm: f64) -> String {
    format!("log-sigma-{}-mm-3D", python_float_str(sigma_mm).replace('.', "-"))
}

/// Python's `str(float)` (shortest round-trip; scientific below 1e-4 or from 1e16).
fn python_float_str(x: f64) -> String {
    let a = x.abs();
    if a != 0.0 && !(1e-4..1e16).contains(&a) {
        let s = format!("{x:e}");
        let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let e: i32 = exp.parse().unwrap_or(0);
        let sign = if e < 0 { '-' } else { '+' };
        return format!("{mant}e{sign}{:02}", e.abs());
    }
    let s = format!("{x}");
    if s.contains('.') {
        s
    } else {
        format!("{s}.0")
    }
}

/// LoG images for each sigma, skipping the sigmas (and images) PyRadiomics skips: none when
/// an axis has < 4 voxels; a sigma when some axis has size < ceil(sigma/spacing) + 1.
pub fn log_images(image: &Volume<f32>, sigma_mm: &[f64]) -> Result<Vec<(String, Volume<f32>)>, FilterError> {
    kept_sigmas(image, sigma_mm)?
        .into_iter()
        .map(|sigma| Ok((log_name(sigma), laplacian_of_gaussian(image, sigma)?)))
        .collect()
}

/// `log_images` on the inclusive (x, y, z) box `bbox` only (bbox-shaped f32 arrays), with the
/// same skipping rules, each image given to `emit` before the next sigma is computed (only one
/// is held at a time).
pub fn log_images_box_each<E: From<FilterError>>(
    image: &Volume<f32>,
    sigma_mm: &[f64],
    bbox: ([usize; 3], [usize; 3]),
    emit: &mut impl FnMut(String, Array3<f32>) -> Result<(), E>,
) -> Result<(), E> {
    for sigma in kept_sigmas(image, sigma_mm)? {
        emit(log_name(sigma), laplacian_of_gaussian_box(image, sigma, bbox)?)?;
    }
    Ok(())
}

/// The sigmas PyRadiomics computes, in order: none when an axis has < 4 voxels; a sigma is
/// skipped when some axis has size < ceil(sigma/spacing) + 1. Errors on an empty list or a
/// sigma that is not a positive number.
fn kept_sigmas(image: &Volume<f32>, sigma_mm: &[f64]) -> Result<Vec<f64>, FilterError> {
    if sigma_mm.is_empty() {
        return Err(FilterError::InvalidSetting("LoG needs at least one sigma (PyRadiomics yields nothing)".into()));
    }
    if let Some(s) = sigma_mm.iter().find(|s| !s.is_finite() || **s <= 0.0) {
        return Err(FilterError::InvalidSetting(format!("LoG sigma must be a positive number of mm, got {s}")));
    }
    let shape = image.shape();
    if shape.iter().any(|&n| n < 4) {
        return Ok(Vec::new());
    }
    let fits = |sigma: f64| (0..3).all(|a| shape[a] as f64 >= (sigma / image.spacing[a]).ceil() + 1.0);
    Ok(sigma_mm.iter().copied().filter(|&s| fits(s)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_python_str() {
        assert_eq!(log_name(1.0), "log-sigma-1-0-mm-3D");
        assert_eq!(log_name(2.5), "log-sigma-2-5-mm-3D");
        assert_eq!(log_name(0.00001), "log-sigma-1e-05-mm-3D");
    }

    /// `filter_axis` line by line: each line copied out, filtered alone, its kept part stored.
    fn filter_axis_by_lines(src: &Array3<f32>, axis: usize, c: &Recursive, keep: Range<usize>) -> Array3<f32> {
        let mut dim = [src.shape()[0], src.shape()[1], src.shape()[2]];
        dim[axis] = keep.len();
        let mut dst = Array3::<f32>::zeros(dim);
        for (line, mut out_line) in src.lanes(ndarray::Axis(axis)).into_iter().zip(dst.lanes_mut(ndarray::Axis(axis))) {
            let x: Vec<[f64; 1]> = line.iter().map(|&v| [f64::from(v)]).collect();
            let (mut out, mut back) = (vec![[0.0; 1]; x.len()], vec![[0.0; 1]; x.len()]);
            filter_lines(c, &x, &mut out, &mut back, keep.clone());
            for (o, v) in out_line.iter_mut().zip(&out[keep.clone()]) {
                *o = v[0] as f32;
            }
        }
        dst
    }

    #[test]
    fn blocked_passes_equal_line_by_line_passes() {
        // Shapes whose rows are shorter than, equal to and longer than a block of lanes, with
        // short last blocks and kept ranges inside the lines: bit for bit.
        let mut rng = crate::features::pyrad::test_rng(5);
        let c = coefficients(1.5, 0.8, Order::Second, true);
        for shape in [(5, 7, 4), (9, 4, 33), (6, 40, 17), (33, 5, 8)] {
            let src = Array3::from_shape_fn(shape, |_| rng(2000) as f32 - 1000.0);
            for axis in 0..3 {
                let len = src.shape()[axis];
                for keep in [0..len, 1..len - 1, len / 2..len / 2 + 1] {
                    let blocked = filter_axis(src.view(), axis, &c, keep.clone());
                    let by_lines = filter_axis_by_lines(&src, axis, &c, keep.clone());
                    assert_eq!(blocked.shape(), by_lines.shape());
                    let same = blocked.iter().zip(by_lines.iter()).all(|(a, b)| a.to_bits() == b.to_bits());
                    assert!(same, "shape {shape:?} axis {axis} keep {keep:?}");
                }
            }
        }
    }

    #[test]
    fn zero_order_kernel_preserves_constants() {
        // The normalised Gaussian has unit DC gain: a constant line stays constant.
        let c = coefficients(2.0, 0.7, Order::Zero, true);
        let x = vec![[3.0; NARROW]; 20];
        let (mut out, mut back) = (vec![[0.0; NARROW]; 20], vec![[0.0; NARROW]; 20]);
        filter_lines(&c, &x, &mut out, &mut back, 0..20);
        for v in out.iter().flatten() {
            assert!((v - 3.0).abs() < 1e-9, "{v}");
        }
    }
}
