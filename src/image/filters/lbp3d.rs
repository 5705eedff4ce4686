//! PyRadiomics 3.1's LBP3D image type (`imageoperations.getLBP3DImage`). For each ROI voxel
//! the image is sampled on the vertices of a trimesh icosphere around it (scipy
//! `map_coordinates`, cubic B-spline with its prefilter, mode 'constant', cval 0, stored in the
//! image's own numpy dtype); `lbp-3D-k` is the samples' kurtosis (scipy.stats, Fisher, biased)
//! and `lbp-3D-m<l>` the L2 norm over the vertices of the level-(l−1) spherical-harmonic part of
//! the thresholded samples (sample ≥ centre voxel), as PyRadiomics computes it with complex
//! arithmetic and keeps the real part. Voxel positions are index positions (no spacing), in
//! numpy (z, y, x) order as PyRadiomics adds the vertices. Voxels outside the ROI are 0
//! (PyRadiomics leaves them uninitialised; its feature classes read only ROI voxels).
//! This module must not crop, resample, discretise or compute features.

use ndarray::{Array3, Axis};

use super::FilterError;
use crate::image::Volume;

/// Settings bounds (PyRadiomics has none; beyond these the work or the factorials explode).
const MAX_SUBDIVISION: u32 = 7;
const MAX_LEVELS: u32 = 30;

/// How `map_coordinates` stores an interpolated sample: in the input image's numpy dtype.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SampleType {
    /// A signed integer dtype with its range: round half away from zero, clamp, truncate.
    Integer { min: f64, max: f64 },
    /// float32: samples rounded to f32, kurtosis computed in f32 as numpy does.
    Float32,
    /// float64.
    Float64,
}

impl SampleType {
    fn store(self, t: f64) -> f64 {
        match self {
            SampleType::Integer { min, max } => {
                let r = if t > 0.0 { t + 0.5 } else { t - 0.5 };
                r.clamp(min, max).trunc()
            }
            SampleType::Float32 => t as f32 as f64,
            SampleType::Float64 => t,
        }
    }
}

/// LBP3D settings (`lbp3DLevels`, `lbp3DIcosphereRadius`, `lbp3DIcosphereSubdivision`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lbp3dParams {
    pub levels: u32,
    pub radius: f64,
    pub subdivision: u32,
}

impl Lbp3dParams {
    fn check(&self) -> Result<(), FilterError> {
        if !(self.radius.is_finite() && self.radius > 0.0) {
            return Err(FilterError::InvalidSetting(format!(
                "lbp3DIcosphereRadius must be a positive number, got {}",
                self.radius
            )));
        }
        if self.subdivision > MAX_SUBDIVISION {
            return Err(FilterError::InvalidSetting(format!(
                "lbp3DIcosphereSubdivision {} is too large (at most {MAX_SUBDIVISION})",
                self.subdivision
            )));
        }
        if self.levels > MAX_LEVELS {
            return Err(FilterError::InvalidSetting(format!(
                "lbp3DLevels {} is too large (at most {MAX_LEVELS})",
                self.levels
            )));
        }
        Ok(())
    }

    /// Output names in PyRadiomics' order: `lbp-3D-m1` … `lbp-3D-m<levels>`, `lbp-3D-k`.
    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = (1..=self.levels).map(|l| format!("lbp-3D-m{l}")).collect();
        v.push("lbp-3D-k".to_string());
        v
    }
}

/// trimesh 5's `creation.icosahedron` vertices (unit radius, as stored in its creation.json).
const ICO_A: f64 = 0.5257311121191336;
const ICO_B: f64 = 0.85065080835204;
const ICO_FACES: [[usize; 3]; 20] = [
    [0, 11, 5],
    [0, 5, 1],
    [0, 1, 7],
    [0, 7, 10],
    [0, 10, 11],
    [1, 5, 9],
    [5, 11, 4],
    [11, 10, 2],
    [10, 7, 6],
    [7, 1, 8],
    [3, 9, 4],
    [3, 4, 2],
    [3, 2, 6],
    [3, 6, 8],
    [3, 8, 9],
    [4, 9, 5],
    [2, 4, 11],
    [6, 2, 10],
    [8, 6, 7],
    [9, 8, 1],
];

/// Move every vertex onto the sphere of `radius` as trimesh's `icosphere` does:
/// `v += (v / |v|) * (radius − |v|)`.
fn reproject(verts: &mut [[f64; 3]], radius: f64) {
    for v in verts.iter_mut() {
        let scalar = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
        let d = radius - scalar;
        for c in v.iter_mut() {
            *c += (*c / scalar) * d;
        }
    }
}

/// trimesh's `icosphere(subdivisions, radius)` vertices: the icosahedron, subdivided (edge
/// midpoints, 4 triangles per face) and re-projected onto the sphere after each step (once
/// without subdivision), in trimesh's vertex order (bit for bit the same vertices).
pub fn icosphere(subdivisions: u32, radius: f64) -> Vec<[f64; 3]> {
    let (a, b) = (ICO_A, ICO_B);
    let mut verts: Vec<[f64; 3]> = vec![
        [-a, b, 0.0],
        [a, b, 0.0],
        [-a, -b, 0.0],
        [a, -b, 0.0],
        [0.0, -a, b],
        [0.0, a, b],
        [0.0, -a, -b],
        [0.0, a, -b],
        [b, 0.0, -a],
        [b, 0.0, a],
        [-b, 0.0, -a],
        [-b, 0.0, a],
    ];
    let mut faces: Vec<[usize; 3]> = ICO_FACES.to_vec();
    for _ in 0..subdivisions {
        // trimesh numbers the midpoints by unique edge sorted on (larger, smaller) vertex index
        // (its `unique_rows` row hash); the order matters for numpy's float32 sums.
        let key = |p: usize, q: usize| (p.max(q), p.min(q));
        let mut edges: Vec<(usize, usize)> =
            faces.iter().flat_map(|f| [key(f[0], f[1]), key(f[1], f[2]), key(f[2], f[0])]).collect();
        edges.sort_unstable();
        edges.dedup();
        let first = verts.len();
        for &(hi, lo) in &edges {
            let (u, w) = (verts[lo], verts[hi]);
            verts.push(std::array::from_fn(|c| (u[c] + w[c]) / 2.0));
        }
        let mid = |p: usize, q: usize| first + edges.binary_search(&key(p, q)).unwrap_or(0);
        let mut next = Vec::with_capacity(faces.len() * 4);
        for f in &faces {
            let (m0, m1, m2) = (mid(f[0], f[1]), mid(f[1], f[2]), mid(f[2], f[0]));
            next.extend([[f[0], m0, m2], [m0, f[1], m1], [m2, m1, f[2]], [m0, m1, m2]]);
        }
        faces = next;
        reproject(&mut verts, radius);
    }
    if subdivisions == 0 {
        reproject(&mut verts, radius);
    }
    verts
}

/// A complex number (re, im) with the few operations numpy applies here.
#[derive(Debug, Clone, Copy, PartialEq)]
struct C64 {
    re: f64,
    im: f64,
}

impl C64 {
    fn mul(self, o: C64) -> C64 {
        C64 { re: self.re * o.re - self.im * o.im, im: self.re * o.im + self.im * o.re }
    }
    fn add(self, o: C64) -> C64 {
        C64 { re: self.re + o.re, im: self.im + o.im }
    }
    /// Real part of the principal square root.
    fn sqrt_re(self) -> f64 {
        let d = self.re.hypot(self.im);
        if self.re >= 0.0 {
            (0.5 * (d + self.re)).sqrt()
        } else {
            self.im.abs() / (2.0 * (0.5 * (d - self.re)).sqrt())
        }
    }
}

/// Associated Legendre function P_n^m(x), m ≥ 0, with the Condon–Shortley phase (as scipy's
/// `lpmv`).
fn legendre(n: u32, m: u32, x: f64) -> f64 {
    let s = (1.0 - x * x).max(0.0).sqrt();
    let mut pmm = 1.0;
    for k in 1..=m {
        pmm *= -((2 * k - 1) as f64) * s;
    }
    if n == m {
        return pmm;
    }
    let mut p1 = x * (2 * m + 1) as f64 * pmm;
    let mut p0 = pmm;
    for l in (m + 2)..=n {
        let p = ((2 * l - 1) as f64 * x * p1 - (l + m - 1) as f64 * p0) / (l - m) as f64;
        p0 = p1;
        p1 = p;
    }
    p1
}

/// scipy's `sph_harm(m, n, theta, phi)`: theta azimuthal, phi polar;
/// Y = sqrt((2n+1)/(4π)·(n−m)!/(n+m)!)·P_n^m(cos phi)·e^{i m theta}, Y_n^{−m} = (−1)^m conj(Y_n^m).
fn sph_harm(m: i32, n: u32, theta: f64, phi: f64) -> C64 {
    let am = m.unsigned_abs();
    let mut ratio = 1.0; // (n−|m|)!/(n+|m|)!
    for k in (n - am + 1)..=(n + am) {
        ratio /= k as f64;
    }
    let norm = ((2 * n + 1) as f64 / (4.0 * std::f64::consts::PI) * ratio).sqrt();
    let v = norm * legendre(n, am, phi.cos());
    let arg = am as f64 * theta;
    let y = C64 { re: v * arg.cos(), im: v * arg.sin() };
    if m >= 0 {
        y
    } else {
        let sign = if am.is_multiple_of(2) { 1.0 } else { -1.0 };
        C64 { re: sign * y.re, im: -sign * y.im }
    }
}

/// Spherical harmonics at the vertices, columns in PyRadiomics' order (n = 0; then
/// n = 1 … levels−1, m = −n … n), each with its level n. PyRadiomics names the polar angle
/// `theta` (arccos of the vertex's third component over the radius) and the azimuth `phi`
/// (arctan2 of the second and first) and passes them to scipy's (azimuth, polar) arguments
/// in that order; so does this.
fn harmonics(levels: u32, verts: &[[f64; 3]], radius: f64) -> Vec<(u32, Vec<C64>)> {
    let angles: Vec<(f64, f64)> = verts.iter().map(|v| ((v[2] / radius).acos(), v[1].atan2(v[0]))).collect();
    let column = |m: i32, n: u32| angles.iter().map(|&(t, p)| sph_harm(m, n, t, p)).collect::<Vec<C64>>();
    let mut cols = vec![(0, column(0, 0))];
    for n in 1..levels {
        for m in -(n as i32)..=(n as i32) {
            cols.push((n, column(m, n)));
        }
    }
    cols
}

/// scipy's cubic B-spline prefilter pole, sqrt(3) − 2.
const POLE: f64 = -0.267_949_192_431_122_7;

/// scipy's `spline_filter1d` (order 3) on one line, with the mirror boundary it uses for mode
/// 'constant' (`ni_splines.c`).
fn spline_filter_line(c: &mut [f64]) {
    let n = c.len();
    if n <= 1 {
        return;
    }
    let z = POLE;
    let gain = (1.0 - z) * (1.0 - 1.0 / z);
    for v in c.iter_mut() {
        *v *= gain;
    }
    let z_n_1 = z.powf((n - 1) as f64);
    let mut c0 = c[0] + z_n_1 * c[n - 1];
    let mut z_i = z;
    for i in 1..n - 1 {
        c0 += z_i * (c[i] + z_n_1 * c[n - 1 - i]);
        z_i *= z;
    }
    c[0] = c0 / (1.0 - z_n_1 * z_n_1);
    for i in 1..n {
        c[i] += z * c[i - 1];
    }
    c[n - 1] = (z * c[n - 2] + c[n - 1]) * z / (z * z - 1.0);
    for i in (0..n - 1).rev() {
        c[i] = z * (c[i + 1] - c[i]);
    }
}

/// `spline_filter(image, 3, mode='constant')` of the (z, y, x)-ordered array, axis by axis.
fn spline_coefficients(zyx: Array3<f64>) -> Array3<f64> {
    let mut c = zyx;
    let mut buf = Vec::new();
    for axis in 0..3 {
        for mut lane in c.lanes_mut(Axis(axis)) {
            buf.clear();
            buf.extend(lane.iter().copied());
            spline_filter_line(&mut buf);
            lane.iter_mut().zip(&buf).for_each(|(d, s)| *d = *s);
        }
    }
    c
}

/// scipy's mirror of a spline-support index at the border (`ni_interpolation.c`).
fn mirror(idx: i64, len: i64) -> usize {
    if len <= 1 {
        return 0;
    }
    let s2 = 2 * len - 2;
    let mut i = idx;
    if i < 0 {
        i += s2 * (-i / s2);
        i = if i <= 1 - len { i + s2 } else { -i };
    } else if i >= len {
        i -= s2 * (i / s2);
        if i >= len {
            i = s2 - i;
        }
    }
    i as usize
}

/// Cubic B-spline weights of the 4 support points (`get_spline_interpolation_weights`).
fn weights(x: f64) -> [f64; 4] {
    let x = x - x.floor();
    let (y, z) = (x, 1.0 - x);
    let w1 = (y * y * (y - 2.0) * 3.0 + 4.0) / 6.0;
    let w2 = (z * z * (z - 2.0) * 3.0 + 4.0) / 6.0;
    let w0 = z * z * z / 6.0;
    let mut w3 = 1.0;
    w3 -= w0;
    w3 -= w1;
    w3 -= w2;
    [w0, w1, w2, w3]
}

/// `map_coordinates(order=3, mode='constant', cval=0)` at numpy position `p` (z, y, x) of
/// the spline coefficients `c`, before the cast to the output dtype.
fn interpolate(c: &Array3<f64>, p: [f64; 3]) -> f64 {
    let dims = c.shape();
    let mut idx = [[0usize; 4]; 3];
    let mut w = [[0.0; 4]; 3];
    for a in 0..3 {
        let len = dims[a] as i64;
        // Outside [0, len − 1] (or NaN): the constant.
        if !(p[a] >= 0.0 && p[a] <= (len - 1) as f64) {
            return 0.0;
        }
        let start = p[a].floor() as i64 - 1;
        for (l, slot) in idx[a].iter_mut().enumerate() {
            *slot = mirror(start + l as i64, len);
        }
        w[a] = weights(p[a]);
    }
    let mut t = 0.0;
    for i in 0..4 {
        for j in 0..4 {
            for k in 0..4 {
                let mut coeff = c[[idx[0][i], idx[1][j], idx[2][k]]];
                coeff *= w[0][i];
                coeff *= w[1][j];
                coeff *= w[2][k];
                t += coeff;
            }
        }
    }
    t
}

/// numpy's pairwise summation (`pairwise_sum`, identity start) in f64 or f32.
macro_rules! pairwise {
    ($name:ident, $t:ty) => {
        fn $name(a: &[$t]) -> $t {
            let n = a.len();
            if n < 8 {
                let mut r: $t = 0.0;
                for &x in a {
                    r += x;
                }
                r
            } else if n <= 128 {
                let mut r = [a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]];
                let mut i = 8;
                while i < n - n % 8 {
                    for j in 0..8 {
                        r[j] += a[i + j];
                    }
                    i += 8;
                }
                let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
                while i < n {
                    res += a[i];
                    i += 1;
                }
                res
            } else {
                let mut n2 = n / 2;
                n2 -= n2 % 8;
                $name(&a[..n2]) + $name(&a[n2..])
            }
        }
    };
}
pairwise!(sum_f64, f64);
pairwise!(sum_f32, f32);

/// scipy.stats.kurtosis (Fisher, biased) as scipy 1.14 computes it in the samples' float type:
/// NaN when m2 ≤ (eps·mean)².
macro_rules! kurtosis_fn {
    ($name:ident, $t:ty, $sum:ident) => {
        fn $name(a: &[$t]) -> f64 {
            let n = a.len() as $t;
            let mean = $sum(a) / n;
            let d2: Vec<$t> = a.iter().map(|&x| (x - mean) * (x - mean)).collect();
            let m2 = $sum(&d2) / n;
            let d4: Vec<$t> = d2.iter().map(|&x| x * x).collect();
            let m4 = $sum(&d4) / n;
            let lim = <$t>::EPSILON * mean;
            if m2 <= lim * lim {
                f64::NAN
            } else {
                f64::from(m4 / (m2 * m2) - 3.0)
            }
        }
    };
}
kurtosis_fn!(kurtosis_f64, f64, sum_f64);
kurtosis_fn!(kurtosis_f32, f32, sum_f32);

/// ROI voxels (x, y, z) and, per output image, one value per voxel.
type RoiValues = (Vec<[usize; 3]>, Vec<Vec<f64>>);

/// The LBP3D values of every ROI voxel: the ROI voxels (x, y, z) in numpy's C order and, per
/// output (m1 … m<levels>, k), one value per voxel.
fn lbp3d_values(
    image: &Volume<f64>,
    roi: &Volume<bool>,
    params: &Lbp3dParams,
    sample: SampleType,
) -> Result<RoiValues, FilterError> {
    params.check()?;
    if image.shape() != roi.shape() {
        return Err(FilterError::MaskShape { shape: image.shape(), mask_shape: roi.shape() });
    }
    if image.shape().contains(&0) {
        return Err(FilterError::EmptyImage);
    }
    let verts = icosphere(params.subdivision, params.radius);
    let ys = harmonics(params.levels, &verts, params.radius);
    let zyx = image.data.view().reversed_axes().as_standard_layout().to_owned();
    let coef = spline_coefficients(zyx);
    let [nx, ny, nz] = image.shape();
    let mut voxels = Vec::new();
    let nout = params.levels as usize + 1;
    let mut out: Vec<Vec<f64>> = vec![Vec::new(); nout];
    let nv = verts.len();
    let mut f = vec![0.0; nv];
    let mut f32s = vec![0.0f32; nv];
    let mut c = vec![C64 { re: 0.0, im: 0.0 }; ys.len()];
    for z in 0..nz {
        for y in 0..ny {
            for x in 0..nx {
                if !roi.data[[x, y, z]] {
                    continue;
                }
                voxels.push([x, y, z]);
                let base = [z as f64, y as f64, x as f64];
                for (fv, v) in f.iter_mut().zip(&verts) {
                    *fv = sample.store(interpolate(&coef, [base[0] + v[0], base[1] + v[1], base[2] + v[2]]));
                }
                let k = if sample == SampleType::Float32 {
                    f32s.iter_mut().zip(&f).for_each(|(d, &s)| *d = s as f32);
                    kurtosis_f32(&f32s)
                } else {
                    kurtosis_f64(&f)
                };
                let centre = image.data[[x, y, z]];
                for (cj, (_, col)) in c.iter_mut().zip(&ys) {
                    let mut acc = C64 { re: 0.0, im: 0.0 };
                    for (fv, yv) in f.iter().zip(col) {
                        if *fv >= centre {
                            acc = acc.add(*yv);
                        }
                    }
                    *cj = acc;
                }
                for (level, values) in out.iter_mut().take(params.levels as usize).enumerate() {
                    let mut energy = C64 { re: 0.0, im: 0.0 };
                    for v in 0..nv {
                        let mut g = C64 { re: 0.0, im: 0.0 };
                        for (cj, (n, col)) in c.iter().zip(&ys) {
                            if *n as usize == level {
                                g = g.add(cj.mul(col[v]));
                            }
                        }
                        energy = energy.add(g.mul(g));
                    }
                    values.push(energy.sqrt_re());
                }
                out[nout - 1].push(k);
            }
        }
    }
    Ok((voxels, out))
}

/// The LBP3D images of `image` for the ROI `roi` (same grid), named and ordered as
/// PyRadiomics yields them; 0 outside the ROI.
pub fn lbp3d(
    image: &Volume<f64>,
    roi: &Volume<bool>,
    params: &Lbp3dParams,
    sample: SampleType,
) -> Result<Vec<(String, Volume<f64>)>, FilterError> {
    let (voxels, values) = lbp3d_values(image, roi, params, sample)?;
    Ok(params
        .names()
        .into_iter()
        .zip(values)
        .map(|(name, vals)| {
            let mut data = Array3::<f64>::zeros(image.data.raw_dim());
            for (p, v) in voxels.iter().zip(vals) {
                data[*p] = v;
            }
            (name, image.with_data(data))
        })
        .collect())
}

/// `lbp3d` restricted to the inclusive (x, y, z) box `bbox` (which must hold the ROI), as
/// bbox-shaped arrays; the spline prefilter still sees the whole image, as PyRadiomics'.
pub fn lbp3d_box(
    image: &Volume<f64>,
    roi: &Volume<bool>,
    params: &Lbp3dParams,
    sample: SampleType,
    bbox: ([usize; 3], [usize; 3]),
) -> Result<Vec<(String, Array3<f64>)>, FilterError> {
    let (lo, hi) = bbox;
    if (0..3).any(|a| lo[a] > hi[a] || hi[a] >= image.shape()[a]) {
        return Err(FilterError::InvalidSetting(format!("box {bbox:?} outside the image {:?}", image.shape())));
    }
    let (voxels, values) = lbp3d_values(image, roi, params, sample)?;
    let inside = |p: &[usize; 3]| (0..3).all(|a| p[a] >= lo[a] && p[a] <= hi[a]);
    if let Some(p) = voxels.iter().find(|p| !inside(p)) {
        return Err(FilterError::InvalidSetting(format!("ROI voxel {p:?} outside the box {bbox:?}")));
    }
    let shape = (hi[0] - lo[0] + 1, hi[1] - lo[1] + 1, hi[2] - lo[2] + 1);
    Ok(params
        .names()
        .into_iter()
        .zip(values)
        .map(|(name, vals)| {
            let mut data = Array3::<f64>::zeros(shape);
            for (p, v) in voxels.iter().zip(vals) {
                data[[p[0] - lo[0], p[1] - lo[1], p[2] - lo[2]]] = v;
            }
            (name, data)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icosphere_sizes_and_radius() {
        for (sub, n) in [(0, 12), (1, 42), (2, 162), (3, 642)] {
            let v = icosphere(sub, 2.0);
            assert_eq!(v.len(), n);
            for p in &v {
                let r = (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]).sqrt();
                assert!((r - 2.0).abs() < 1e-14, "{r}");
            }
        }
    }

    /// Values printed by scipy 1.14.1's `sph_harm`.
    #[test]
    fn sph_harm_matches_scipy() {
        let cases = [
            (1, 2, 0.3, 0.7, -0.3636524725884646, -0.11249089203178195),
            (-1, 2, 0.3, 0.7, 0.36365247258846467, -0.11249089203178196),
            (0, 0, 0.3, -0.7, 0.28209479177387814, 0.0),
        ];
        for (m, n, t, p, re, im) in cases {
            let y = sph_harm(m, n, t, p);
            assert!((y.re - re).abs() < 1e-15 && (y.im - im).abs() < 1e-15, "{m} {n}: {y:?}");
        }
    }

    /// A constant image has constant samples inside (the spline reproduces constants) and the
    /// constant 0 outside the grid; interior voxels all equal the centre.
    #[test]
    fn constant_image_interior() {
        let img = Volume::new(Array3::from_elem((7, 7, 7), 5.0), [1.0; 3]);
        let mut roi = Volume::new(Array3::from_elem((7, 7, 7), false), [1.0; 3]);
        roi.data[[3, 3, 3]] = true;
        let p = Lbp3dParams { levels: 2, radius: 1.0, subdivision: 1 };
        let out = lbp3d(&img, &roi, &p, SampleType::Integer { min: -32768.0, max: 32767.0 }).unwrap();
        let names: Vec<&str> = out.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["lbp-3D-m1", "lbp-3D-m2", "lbp-3D-k"]);
        // Every sample ≥ centre: level 0 is sqrt(42)·42/(4π) and the kurtosis NaN (level 1 does
        // not vanish: PyRadiomics passes the polar angle as scipy's azimuth and vice versa).
        let m1 = out[0].1.data[[3, 3, 3]];
        assert!((m1 - 42f64.sqrt() * 42.0 / (4.0 * std::f64::consts::PI)).abs() < 1e-12, "{m1}");
        assert!(out[1].1.data[[3, 3, 3]].is_finite());
        assert!(out[2].1.data[[3, 3, 3]].is_nan());
        assert_eq!(out[0].1.data[[0, 0, 0]], 0.0);
        let bad = Lbp3dParams { radius: 0.0, ..p };
        assert!(lbp3d(&img, &roi, &bad, SampleType::Float64).is_err());
        let bbox = ([3, 3, 3], [3, 3, 3]);
        let boxed = lbp3d_box(&img, &roi, &p, SampleType::Float64, bbox).unwrap();
        assert_eq!(boxed[0].1.shape(), &[1, 1, 1]);
        assert!(lbp3d_box(&img, &roi, &p, SampleType::Float64, ([0, 0, 0], [2, 2, 2])).is_err());
    }
}
