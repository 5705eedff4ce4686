//! 2D local binary patterns as PyRadiomics' getLBP2DImage computes them: scikit-image
//! `local_binary_pattern(slice, P, R, method)` on every slice perpendicular to
//! `force2Ddimension` (numpy axis of the z,y,x array). Sample points at (-R sin 2πp/P,
//! R cos 2πp/P) rounded to 5 decimals, bilinear interpolation, 0 outside the slice.
//! Must not use the mask (PyRadiomics filters the whole image).

use super::FilterError;
use crate::image::volume::Volume;

/// scikit-image's `method` argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LbpMethod {
    /// 'default': Σ s_p 2^p.
    Default,
    /// 'ror': minimum over the P cyclic rotations of the default code.
    Ror,
    /// 'uniform': number of ones if at most 2 transitions (s_p vs s_{p+1}, p < P-1), else P+1.
    Uniform,
    /// 'nri_uniform': non-rotation-invariant uniform codes 0 … P(P-1)+2.
    NriUniform,
}

impl LbpMethod {
    /// Parse scikit-image's method name ('default', 'ror', 'uniform', 'nri_uniform').
    pub fn from_name(name: &str) -> Result<Self, FilterError> {
        match name.to_ascii_lowercase().as_str() {
            "default" => Ok(LbpMethod::Default),
            "ror" => Ok(LbpMethod::Ror),
            "uniform" => Ok(LbpMethod::Uniform),
            "nri_uniform" => Ok(LbpMethod::NriUniform),
            other => Err(FilterError::InvalidSetting(format!(
                "lbp2DMethod '{other}' is not supported; use default, ror, uniform or nri_uniform"
            ))),
        }
    }
}

/// numpy's `round(x, 5)`: scale, round half to even, unscale.
fn round5(x: f64) -> f64 {
    (x * 1e5).round_ties_even() / 1e5
}

/// Bilinear interpolation in a row-major `rows × cols` slice, 0 outside (skimage mode 'C').
fn bilinear(img: &[f64], rows: usize, cols: usize, r: f64, c: f64) -> f64 {
    let pixel = |rr: f64, cc: f64| -> f64 {
        if rr < 0.0 || cc < 0.0 || rr >= rows as f64 || cc >= cols as f64 {
            0.0
        } else {
            img[rr as usize * cols + cc as usize]
        }
    };
    let (minr, minc, maxr, maxc) = (r.floor(), c.floor(), r.ceil(), c.ceil());
    let (dr, dc) = (r - minr, c - minc);
    let top = (1.0 - dc) * pixel(minr, minc) + dc * pixel(minr, maxc);
    let bottom = (1.0 - dc) * pixel(maxr, minc) + dc * pixel(maxr, maxc);
    (1.0 - dr) * top + dr * bottom
}

/// One pattern code from the thresholded samples s_p (scikit-image `_local_binary_pattern`).
fn code(bits: &[bool], method: LbpMethod) -> f64 {
    let p = bits.len();
    match method {
        LbpMethod::Default | LbpMethod::Ror => {
            let v: u32 = bits.iter().enumerate().map(|(i, &b)| u32::from(b) << i).sum();
            if method == LbpMethod::Default {
                return f64::from(v);
            }
            let mut best = v;
            let mut cur = v;
            for _ in 1..p {
                cur = (cur >> 1) | ((cur & 1) << (p - 1));
                best = best.min(cur);
            }
            f64::from(best)
        }
        LbpMethod::Uniform | LbpMethod::NriUniform => {
            let changes = bits.windows(2).filter(|w| w[0] != w[1]).count();
            let ones = bits.iter().filter(|&&b| b).count();
            if method == LbpMethod::Uniform {
                return if changes <= 2 { ones as f64 } else { (p + 1) as f64 };
            }
            if changes > 2 {
                return (p * (p - 1) + 2) as f64;
            }
            if ones == 0 {
                return 0.0;
            }
            if ones == p {
                return (p * (p - 1) + 1) as f64;
            }
            let first_one = bits.iter().position(|&b| b).unwrap_or(0);
            let first_zero = bits.iter().position(|&b| !b).unwrap_or(0);
            let rot = if first_one == 0 { ones - first_zero } else { p - first_one };
            (1 + (ones - 1) * p + rot) as f64
        }
    }
}

/// LBP of one row-major slice into `out`.
fn lbp_slice(img: &[f64], rows: usize, cols: usize, offsets: &[(f64, f64)], method: LbpMethod, out: &mut [f64]) {
    let mut bits = vec![false; offsets.len()];
    for r in 0..rows {
        for c in 0..cols {
            let centre = img[r * cols + c];
            for (b, &(dr, dc)) in bits.iter_mut().zip(offsets) {
                let t = bilinear(img, rows, cols, r as f64 + dr, c as f64 + dc);
                *b = t - centre >= 0.0;
            }
            out[r * cols + c] = code(&bits, method);
        }
    }
}

/// PyRadiomics `lbp-2D`: LBP on each slice perpendicular to numpy axis `force_2d_dimension`
/// (0: slices of constant k with rows j, cols i; 1: constant j, rows k, cols i; 2: constant i,
/// rows j, cols k). `samples` in 1..=31 (PyRadiomics stores codes in the input pixel type, so
/// large `samples` overflow there for integer images; here they are exact).
pub fn lbp2d(
    image: &Volume<f32>,
    radius: f64,
    samples: u32,
    method: LbpMethod,
    force_2d_dimension: usize,
) -> Result<Volume<f32>, FilterError> {
    if !(radius.is_finite() && radius > 0.0) {
        return Err(FilterError::InvalidSetting(format!("lbp2DRadius must be > 0, got {radius}")));
    }
    if !(1..=31).contains(&samples) {
        return Err(FilterError::InvalidSetting(format!("lbp2DSamples must be in 1..=31, got {samples}")));
    }
    // (slice axis, row axis, column axis) in (i, j, k) terms.
    let (slice_axis, row_axis, col_axis) = match force_2d_dimension {
        0 => (2, 1, 0),
        1 => (1, 2, 0),
        2 => (0, 1, 2),
        d => return Err(FilterError::InvalidSetting(format!("force2Ddimension must be 0, 1 or 2, got {d}"))),
    };
    // scikit-image declares R as a C float.
    let r = f64::from(radius as f32);
    let p = samples as usize;
    let offsets: Vec<(f64, f64)> = (0..p)
        .map(|i| {
            let angle = 2.0 * std::f64::consts::PI * i as f64 / p as f64;
            (round5(-r * angle.sin()), round5(r * angle.cos()))
        })
        .collect();
    let sh = image.shape();
    let (rows, cols) = (sh[row_axis], sh[col_axis]);
    let mut out = image.data.mapv(|_| 0.0f32);
    let (mut buf, mut res) = (vec![0.0f64; rows * cols], vec![0.0f64; rows * cols]);
    for s in 0..sh[slice_axis] {
        let index = |rr: usize, cc: usize| {
            let mut idx = [0usize; 3];
            idx[slice_axis] = s;
            idx[row_axis] = rr;
            idx[col_axis] = cc;
            idx
        };
        for rr in 0..rows {
            for cc in 0..cols {
                buf[rr * cols + cc] = f64::from(image.data[index(rr, cc)]);
            }
        }
        lbp_slice(&buf, rows, cols, &offsets, method, &mut res);
        for rr in 0..rows {
            for cc in 0..cols {
                out[index(rr, cc)] = res[rr * cols + cc] as f32;
            }
        }
    }
    Ok(image.with_data(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_and_ror_codes() {
        // 0b00000111: one run of ones -> uniform code 3; ror minimum is itself (7).
        let bits = [true, true, true, false, false, false, false, false];
        assert_eq!(code(&bits, LbpMethod::Uniform), 3.0);
        assert_eq!(code(&bits, LbpMethod::Ror), 7.0);
        // 0b01010101 has many transitions -> P + 1.
        let alt = [true, false, true, false, true, false, true, false];
        assert_eq!(code(&alt, LbpMethod::Uniform), 9.0);
        assert_eq!(code(&alt, LbpMethod::Default), 85.0);
    }
}
