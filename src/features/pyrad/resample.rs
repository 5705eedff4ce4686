//! PyRadiomics `imageoperations.resampleImage`: the output grid (origin/size rules around the
//! ROI bounding box plus `padDistance`) and SimpleITK `ResampleImageFilter` semantics for
//! nearest-neighbour, linear and cubic B-spline (with ITK's B-spline prefilter, mirror
//! boundaries) interpolation, outside points = 0, output cast to the input pixel type.
//! This module must not use IBSI's centre-aligned grid.

use ndarray::{s, Array3};

use super::roi::BBox;
use super::settings::Interpolator;
use crate::image::Volume;

/// SimpleITK pixel type of the image being resampled (the output is cast back to it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PixelKind {
    /// Integer type with its range (e.g. int16: −32768..32767); values truncate toward 0.
    Integer {
        min: f64,
        max: f64,
    },
    Float32,
    Float64,
}

impl PixelKind {
    /// The narrowest SimpleITK type that holds an f32-decoded image: int16/int32 when every
    /// voxel is integral (as the PyRadiomics test images), float32 otherwise.
    pub fn detect(image: &Volume<f32>) -> Self {
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        for &v in image.data.iter() {
            // |v| >= 2^23 is always integral (or not finite); below, the i32 round trip tests
            // integrality without a libm call.
            let integral = if v.abs() < 8_388_608.0 { (v as i32) as f32 == v } else { v.is_finite() };
            if !integral {
                return PixelKind::Float32;
            }
            lo = lo.min(v as f64);
            hi = hi.max(v as f64);
        }
        if lo >= -32768.0 && hi <= 32767.0 {
            PixelKind::Integer { min: -32768.0, max: 32767.0 }
        } else if lo >= -2147483648.0 && hi <= 2147483647.0 {
            PixelKind::Integer { min: -2147483648.0, max: 2147483647.0 }
        } else {
            PixelKind::Float32
        }
    }

    /// Cast an interpolated value as ITK's `ResampleImageFilter` does.
    pub fn cast(self, v: f64) -> f64 {
        match self {
            PixelKind::Integer { min, max } => v.clamp(min, max).trunc(),
            PixelKind::Float32 => v as f32 as f64,
            PixelKind::Float64 => v,
        }
    }
}

/// Output grid of PyRadiomics' resampling: spacing, origin and size.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub spacing: [f64; 3],
    pub origin: [f64; 3],
    pub size: [usize; 3],
}

/// PyRadiomics' grid for a mask whose ROI box (lower index, size) is `bb_lo`/`bb_size`.
/// `new_spacing` zeros take the mask spacing; axes where the ROI is one voxel thick keep
/// the mask spacing. Returns `None` when the spacing is unchanged (`numpy.allclose`).
pub fn pyradiomics_grid<T>(
    mask: &Volume<T>,
    bbox: BBox,
    new_spacing: [f64; 3],
    pad: i64,
    image_spacing: [f64; 3],
) -> Option<Grid> {
    let sp = mask.spacing;
    let size = mask.shape();
    let bb_lo: [f64; 3] = std::array::from_fn(|a| bbox.0[a] as f64);
    let bb_size: [f64; 3] = std::array::from_fn(|a| (bbox.1[a] - bbox.0[a] + 1) as f64);
    let mut ns: [f64; 3] = std::array::from_fn(|a| if new_spacing[a] == 0.0 { sp[a] } else { new_spacing[a] });
    for a in 0..3 {
        if bb_size[a] == 1.0 {
            ns[a] = sp[a];
        }
    }
    if (0..3).all(|a| (image_spacing[a] - ns[a]).abs() <= 1e-8 + 1e-5 * ns[a].abs()) {
        return None;
    }
    let mut origin_idx = [0.0; 3];
    let mut out_size = [0usize; 3];
    for a in 0..3 {
        let ratio = sp[a] / ns[a];
        let mut lb = ((bb_lo[a] - 0.5) * ratio - pad as f64).floor();
        let mut ub = ((bb_lo[a] + bb_size[a] - 0.5) * ratio + pad as f64).ceil();
        let max_ub = (size[a] as f64 * ratio).ceil() - 1.0;
        if lb < 0.0 {
            lb = 0.0;
        }
        if ub > max_ub {
            ub = max_ub;
        }
        out_size[a] = (ub - lb + 1.0) as usize;
        let lb_orig = lb / ratio;
        origin_idx[a] = 0.5 * (ns[a] - sp[a]) / sp[a] + lb_orig;
    }
    Some(Grid { spacing: ns, origin: mask.physical_point(origin_idx), size: out_size })
}

/// Output index → input continuous index as ITK computes it: the physical point
/// p = o_out + (D·S_out)·idx, then c = (D·S_in)⁻¹·(p − o_in) with the exact inverse of the
/// orthonormal direction (Dᵀ/S). Ties at .5 in nearest-neighbour depend on this rounding.
struct IndexMap {
    out_m: [[f64; 3]; 3],
    out_o: [f64; 3],
    inv: [[f64; 3]; 3],
    in_o: [f64; 3],
}

impl IndexMap {
    fn new<T>(input: &Volume<T>, grid: &Grid, direction: [[f64; 3]; 3]) -> Self {
        let out_m = std::array::from_fn(|r| std::array::from_fn(|c| direction[r][c] * grid.spacing[c]));
        let a: [[f64; 3]; 3] =
            std::array::from_fn(|r| std::array::from_fn(|c| input.direction[r][c] * input.spacing[c]));
        IndexMap { out_m, out_o: grid.origin, inv: invert3(a), in_o: input.origin }
    }

    fn at(&self, idx: [usize; 3]) -> [f64; 3] {
        let x = [idx[0] as f64, idx[1] as f64, idx[2] as f64];
        let mut p = self.out_o;
        for (r, pr) in p.iter_mut().enumerate() {
            for (c, xc) in x.iter().enumerate() {
                *pr += self.out_m[r][c] * xc;
            }
        }
        let d: [f64; 3] = std::array::from_fn(|k| p[k] - self.in_o[k]);
        std::array::from_fn(|r| {
            let mut s = 0.0;
            for (c, dc) in d.iter().enumerate() {
                s += self.inv[r][c] * dc;
            }
            s
        })
    }
}

fn invert3(a: [[f64; 3]; 3]) -> [[f64; 3]; 3] {
    // Orthonormal direction times diagonal spacing: the inverse is Dᵀ / S when that holds.
    let sp: [f64; 3] = std::array::from_fn(|c| (0..3).map(|r| a[r][c] * a[r][c]).sum::<f64>().sqrt());
    let ortho = (0..3).all(|i| {
        (0..3).all(|j| {
            let dot: f64 = (0..3).map(|r| a[r][i] / sp[i] * a[r][j] / sp[j]).sum();
            (dot - if i == j { 1.0 } else { 0.0 }).abs() < 1e-9
        })
    });
    if ortho {
        return std::array::from_fn(|r| std::array::from_fn(|c| a[c][r] / sp[r] / sp[r]));
    }
    let det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
        + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    let c = |r: usize, col: usize| {
        let (r1, r2) = ((r + 1) % 3, (r + 2) % 3);
        let (c1, c2) = ((col + 1) % 3, (col + 2) % 3);
        a[r1][c1] * a[r2][c2] - a[r1][c2] * a[r2][c1]
    };
    std::array::from_fn(|r| std::array::from_fn(|col| c(col, r) / det))
}

fn inside(c: [f64; 3], n: [usize; 3]) -> bool {
    (0..3).all(|a| c[a] >= -0.5 && c[a] < n[a] as f64 - 0.5)
}

/// Resample a mask onto `grid` (direction of `input`) with nearest neighbour.
pub fn resample_mask(input: &Volume<bool>, grid: &Grid) -> Volume<bool> {
    let map = IndexMap::new(input, grid, input.direction);
    let n = input.shape();
    let data = Array3::from_shape_fn(grid.size, |(i, j, k)| {
        let c = map.at([i, j, k]);
        if !inside(c, n) {
            return false;
        }
        let idx: [usize; 3] = std::array::from_fn(|a| ((c[a] + 0.5).floor().max(0.0) as usize).min(n[a] - 1));
        input.data[idx]
    });
    Volume { data, spacing: grid.spacing, origin: grid.origin, direction: input.direction }
}

/// Resample an image onto `grid` with `interp`, casting to `kind` (SimpleITK semantics).
pub fn resample_image(input: &Volume<f64>, grid: &Grid, interp: Interpolator, kind: PixelKind) -> Volume<f64> {
    let map = IndexMap::new(input, grid, input.direction);
    let n = input.shape();
    let data = match interp {
        Interpolator::NearestNeighbor => Array3::from_shape_fn(grid.size, |(i, j, k)| {
            let c = map.at([i, j, k]);
            if !inside(c, n) {
                return 0.0;
            }
            let idx: [usize; 3] = std::array::from_fn(|a| ((c[a] + 0.5).floor().max(0.0) as usize).min(n[a] - 1));
            kind.cast(input.data[idx])
        }),
        Interpolator::Linear => Array3::from_shape_fn(grid.size, |(i, j, k)| {
            let c = map.at([i, j, k]);
            if !inside(c, n) {
                return 0.0;
            }
            kind.cast(linear_at(&input.data, c))
        }),
        Interpolator::BSpline => bspline_resample(input, grid, &map, kind),
    };
    Volume { data, spacing: grid.spacing, origin: grid.origin, direction: input.direction }
}

/// ITK `LinearInterpolateImageFunction`: trilinear with neighbours clamped to the buffer.
fn linear_at(data: &Array3<f64>, c: [f64; 3]) -> f64 {
    let sh = data.shape();
    let base: [i64; 3] = std::array::from_fn(|a| c[a].floor() as i64);
    let frac: [f64; 3] = std::array::from_fn(|a| c[a] - base[a] as f64);
    let mut v = 0.0;
    for corner in 0..8 {
        let mut w = 1.0;
        let mut idx = [0usize; 3];
        for a in 0..3 {
            let up = (corner >> a) & 1 == 1;
            w *= if up { frac[a] } else { 1.0 - frac[a] };
            let x = base[a] + i64::from(up);
            idx[a] = x.clamp(0, sh[a] as i64 - 1) as usize;
        }
        if w != 0.0 {
            v += w * data[idx];
        }
    }
    v
}

/// Cubic B-spline resampling: ITK prefilter (on the input cut to the needed region plus a
/// margin of 40 voxels, beyond which the recursive filter's influence is < 1e-22) and ITK's
/// cubic weights with mirror boundary conditions at the true image border.
fn bspline_resample(input: &Volume<f64>, grid: &Grid, map: &IndexMap, kind: PixelKind) -> Array3<f64> {
    const MARGIN: f64 = 40.0;
    let n = input.shape();
    // Range of continuous indices touched by the output grid.
    let mut lo = [f64::INFINITY; 3];
    let mut hi = [f64::NEG_INFINITY; 3];
    for corner in 0..8 {
        let idx: [usize; 3] =
            std::array::from_fn(|a| if (corner >> a) & 1 == 1 { grid.size[a].saturating_sub(1) } else { 0 });
        let c = map.at(idx);
        for a in 0..3 {
            lo[a] = lo[a].min(c[a]);
            hi[a] = hi[a].max(c[a]);
        }
    }
    let start: [usize; 3] = std::array::from_fn(|a| (lo[a].floor() - 2.0 - MARGIN).max(0.0) as usize);
    let end: [usize; 3] =
        std::array::from_fn(|a| ((hi[a].ceil() + 3.0 + MARGIN).max(0.0) as usize).min(n[a]).max(start[a] + 1));
    let sub = input.data.slice(s![start[0]..end[0], start[1]..end[1], start[2]..end[2]]).to_owned();
    let coeff = bspline_coefficients(sub);
    let at_lo: [bool; 3] = std::array::from_fn(|a| start[a] == 0);
    let at_hi: [bool; 3] = std::array::from_fn(|a| end[a] == n[a]);
    Array3::from_shape_fn(grid.size, |(i, j, k)| {
        let c = map.at([i, j, k]);
        if !inside(c, n) {
            return 0.0;
        }
        let local: [f64; 3] = std::array::from_fn(|a| c[a] - start[a] as f64);
        kind.cast(bspline_at(&coeff, local, at_lo, at_hi))
    })
}

/// ITK `BSplineDecompositionImageFilter` (order 3, tolerance 1e-10) along every axis.
pub fn bspline_coefficients(mut data: Array3<f64>) -> Array3<f64> {
    for axis in 0..3 {
        for mut lane in data.lanes_mut(ndarray::Axis(axis)) {
            let mut line: Vec<f64> = lane.iter().copied().collect();
            decompose_line(&mut line);
            for (d, v) in lane.iter_mut().zip(line) {
                *d = v;
            }
        }
    }
    data
}

fn decompose_line(c: &mut [f64]) {
    let n = c.len();
    if n == 1 {
        return;
    }
    let z = 3f64.sqrt() - 2.0;
    let lambda = (1.0 - z) * (1.0 - 1.0 / z);
    for v in c.iter_mut() {
        *v *= lambda;
    }
    // Initial causal coefficient.
    let horizon = ((1e-10f64).ln() / z.abs().ln()).ceil() as usize;
    let mut zn = z;
    if horizon < n {
        let mut sum = c[0];
        for v in c.iter().take(horizon).skip(1) {
            sum += zn * v;
            zn *= z;
        }
        c[0] = sum;
    } else {
        let iz = 1.0 / z;
        let mut z2n = z.powi(n as i32 - 1);
        let mut sum = c[0] + z2n * c[n - 1];
        z2n = z2n * (z2n * iz);
        for v in c.iter().take(n - 1).skip(1) {
            sum += (zn + z2n) * v;
            zn *= z;
            z2n *= iz;
        }
        c[0] = sum / (1.0 - zn * zn);
    }
    for i in 1..n {
        c[i] += z * c[i - 1];
    }
    c[n - 1] = (z / (z * z - 1.0)) * (z * c[n - 2] + c[n - 1]);
    for i in (0..n - 1).rev() {
        c[i] = z * (c[i + 1] - c[i]);
    }
}

/// ITK `BSplineInterpolateImageFunction` (order 3) at continuous index `x` of `coeff`.
/// Mirror boundaries apply on sides flagged as the true image border.
fn bspline_at(coeff: &Array3<f64>, x: [f64; 3], at_lo: [bool; 3], at_hi: [bool; 3]) -> f64 {
    let sh = coeff.shape();
    let mut idx = [[0usize; 4]; 3];
    let mut w = [[0.0f64; 4]; 3];
    for a in 0..3 {
        let base = x[a].floor() as i64 - 1;
        let t = x[a] - (base + 1) as f64;
        let w3 = t * t * t / 6.0;
        let w0 = 1.0 / 6.0 + 0.5 * t * (t - 1.0) - w3;
        let w2 = t + w0 - 2.0 * w3;
        let w1 = 1.0 - w0 - w2 - w3;
        w[a] = [w0, w1, w2, w3];
        let len = sh[a] as i64;
        for (k, slot) in idx[a].iter_mut().enumerate() {
            let mut p = base + k as i64;
            if len == 1 && at_lo[a] && at_hi[a] {
                p = 0;
            } else {
                if p < 0 && at_lo[a] {
                    p = -p;
                }
                if p > len - 1 && at_hi[a] {
                    p = 2 * (len - 1) - p;
                }
            }
            *slot = p.clamp(0, len - 1) as usize;
        }
    }
    // ITK order: x fastest; weight product accumulated from x to z, then times the coefficient.
    let mut v = 0.0;
    for (i2, w2) in idx[2].iter().zip(w[2]) {
        for (i1, w1) in idx[1].iter().zip(w[1]) {
            for (i0, w0) in idx[0].iter().zip(w[0]) {
                let wt = w0 * w1 * w2;
                v += wt * coeff[[*i0, *i1, *i2]];
            }
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bspline_reproduces_samples_and_cubics() {
        // The cubic B-spline interpolant passes through the samples.
        let data = Array3::from_shape_fn((9, 1, 1), |(i, _, _)| ((i * 7) % 5) as f64);
        let c = bspline_coefficients(data.clone());
        for i in 0..9 {
            let v = bspline_at(&c, [i as f64, 0.0, 0.0], [true; 3], [true; 3]);
            assert!((v - data[[i, 0, 0]]).abs() < 1e-9, "{i}: {v}");
        }
    }

    #[test]
    fn matches_simpleitk_on_a_line() {
        // SimpleITK 2.5.7 ResampleImageFilter, input int16 [0,10,0,-10,0,7,3,100] (spacing 1),
        // output spacing 0.5, 16 points from origin 0 (computed with SimpleITK while developing).
        let data = Array3::from_shape_vec((8, 1, 1), vec![0.0, 10.0, 0.0, -10.0, 0.0, 7.0, 3.0, 100.0]).unwrap();
        let input = Volume::new(data, [1.0, 1.0, 1.0]);
        let grid = Grid { spacing: [0.5, 1.0, 1.0], origin: [0.0; 3], size: [16, 1, 1] };
        let f64_out = resample_image(&input, &grid, Interpolator::BSpline, PixelKind::Float64);
        let want_f = [4.50480934, 10.0, 7.47595328, 0.0, -6.90862247, -10.0, -7.34146341, 0.0, 8.39947613, 7.0];
        for (k, w) in want_f.iter().enumerate() {
            assert!((f64_out.data[[k + 1, 0, 0]] - w).abs() < 1e-7, "{k}: {}", f64_out.data[[k + 1, 0, 0]]);
        }
        let int16 = PixelKind::Integer { min: -32768.0, max: 32767.0 };
        let i_out = resample_image(&input, &grid, Interpolator::BSpline, int16);
        let want_i = [0.0, 4.0, 9.0, 7.0, 0.0, -6.0, -10.0, -7.0, 0.0, 8.0, 7.0, -7.0, 2.0, 60.0, 100.0, 0.0];
        assert_eq!(i_out.data.iter().copied().collect::<Vec<_>>(), want_i);
        let lin = resample_image(&input, &grid, Interpolator::Linear, int16);
        let want_l = [0.0, 5.0, 10.0, 5.0, 0.0, -5.0, -10.0, -5.0, 0.0, 3.0, 7.0, 5.0, 3.0, 51.0, 100.0, 0.0];
        assert_eq!(lin.data.iter().copied().collect::<Vec<_>>(), want_l);
    }
}
