//! Undecimated (stationary) wavelet images as PyRadiomics' `getWaveletImage` / `_swt3` builds
//! them with `pywt.swtn(data, wavelet, level=1, start_level=0, axes=(2, 1, 0))`: odd axes are
//! first padded by one wrapped voxel, every level is a level-1 SWT of the previous level's
//! approximation (no filter dilation: PyRadiomics' choice), and results are cropped back.
//! Band names list the filters along x, y, z (index axes i, j, k) in that order.
//! Computation in f64 (PyWavelets' dtype for integer images). Must not crop beyond the padding,
//! except `wavelet_images_box_each`, which computes only a box of the result.

use ndarray::{s, Array3, Axis, Zip};

use super::wavelet_coeffs::DEC_LO;
use super::FilterError;
use crate::image::volume::Volume;

/// Decomposition filters `(dec_lo, dec_hi)` of a PyWavelets wavelet name.
pub fn filter_bank(name: &str) -> Result<(Vec<f64>, Vec<f64>), FilterError> {
    let lo = DEC_LO
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, c)| c.to_vec())
        .ok_or_else(|| FilterError::UnknownWavelet(name.to_string()))?;
    let f = lo.len();
    let hi = (0..f).map(|i| if i % 2 == 0 { -lo[f - 1 - i] } else { lo[f - 1 - i] }).collect();
    Ok((lo, hi))
}

/// Level-1 periodic SWT of one line (PyWavelets `swt` with MODE_PERIODIZATION, step 1):
/// `out[o] = Σ_j f[j] x[(o + F/2 - j) mod N]`, summed in ascending j. `ext` is scratch.
fn swt_line(x: &[f64], f: &[f64], ext: &mut Vec<f64>, out: &mut [f64]) {
    let (n, nf) = (x.len(), f.len());
    let half = nf / 2;
    // ext[t] = x[(t - nf) mod n], so x[(o + half - j) mod n] = ext[o + half - j + nf].
    ext.clear();
    let shift = nf % n;
    ext.extend((0..n + half + nf).map(|t| x[(t + n - shift) % n]));
    for (o, y) in out.iter_mut().enumerate() {
        let base = o + half + nf;
        let mut sum = 0.0;
        for (j, &fj) in f.iter().enumerate() {
            sum += fj * ext[base - j];
        }
        *y = sum;
    }
}

/// Low- and high-pass SWT of every line along `axis`.
fn swt_axis(src: &Array3<f64>, axis: usize, lo: &[f64], hi: &[f64]) -> (Array3<f64>, Array3<f64>) {
    let len = src.shape()[axis];
    let mut a = Array3::<f64>::zeros(src.raw_dim());
    let mut d = Array3::<f64>::zeros(src.raw_dim());
    let (mut x, mut ya, mut yd, mut ext) = (vec![0.0; len], vec![0.0; len], vec![0.0; len], Vec::new());
    Zip::from(src.lanes(Axis(axis))).and(a.lanes_mut(Axis(axis))).and(d.lanes_mut(Axis(axis))).for_each(
        |line, mut la, mut ld| {
            for (xi, &v) in x.iter_mut().zip(line.iter()) {
                *xi = v;
            }
            swt_line(&x, lo, &mut ext, &mut ya);
            swt_line(&x, hi, &mut ext, &mut yd);
            la.iter_mut().zip(ya.iter()).for_each(|(o, &v)| *o = v);
            ld.iter_mut().zip(yd.iter()).for_each(|(o, &v)| *o = v);
        },
    );
    (a, d)
}

/// One level-1 3D SWT: the 8 sub-bands keyed by their x,y,z letters ("LLL" … "HHH"), in
/// PyWavelets' order (x slowest letter first: LLL, LLH, LHL, LHH, HLL, …).
fn swt3_level(data: &Array3<f64>, lo: &[f64], hi: &[f64]) -> Vec<(String, Array3<f64>)> {
    let mut bands = vec![(String::new(), data.clone())];
    for axis in 0..3 {
        let mut next = Vec::with_capacity(bands.len() * 2);
        for (name, arr) in &bands {
            let (a, d) = swt_axis(arr, axis, lo, hi);
            next.push((format!("{name}L"), a));
            next.push((format!("{name}H"), d));
        }
        bands = next;
    }
    bands
}

/// Pad odd axes with one wrapped voxel (numpy.pad(..., (0, 1), 'wrap')).
fn pad_to_even(data: &Array3<f32>) -> Array3<f64> {
    let sh = data.shape();
    let padded: [usize; 3] = std::array::from_fn(|a| sh[a] + sh[a] % 2);
    Array3::from_shape_fn(padded, |(i, j, k)| f64::from(data[[i % sh[0], j % sh[1], k % sh[2]]]))
}

/// PyRadiomics' names of the wavelet images for `level` levels, in the order they are yielded.
pub fn wavelet_names(level: u32) -> Vec<String> {
    let details = ["LLH", "LHL", "LHH", "HLL", "HLH", "HHL", "HHH"];
    let prefix = |idx: u32| if idx == 1 { "wavelet".to_string() } else { format!("wavelet{idx}") };
    let mut names = Vec::new();
    for idx in 1..=level {
        names.extend(details.iter().map(|d| format!("{}-{d}", prefix(idx))));
    }
    names.push(format!("{}-LLL", prefix(level)));
    names
}

/// Wavelet images (7 detail bands per level, then the last approximation), named and
/// ordered as PyRadiomics yields them; values rounded to f32 at the end (see
/// `wavelet_images_f64` for PyRadiomics' own float64 values).
pub fn wavelet_images(
    image: &Volume<f32>,
    wavelet: &str,
    start_level: u32,
    level: u32,
) -> Result<Vec<(String, Volume<f32>)>, FilterError> {
    let bands = wavelet_images_f64(image, wavelet, start_level, level)?;
    Ok(bands.into_iter().map(|(n, v)| (n, v.with_data(v.data.mapv(|x| x as f32)))).collect())
}

/// Wavelet images as `wavelet_images`, kept in f64 as PyWavelets returns them for integer
/// images (PyRadiomics computes its features on these float64 values).
pub fn wavelet_images_f64(
    image: &Volume<f32>,
    wavelet: &str,
    start_level: u32,
    level: u32,
) -> Result<Vec<(String, Volume<f64>)>, FilterError> {
    if level == 0 {
        return Err(FilterError::InvalidSetting("wavelet level must be >= 1".into()));
    }
    let (lo, hi) = filter_bank(wavelet)?;
    let sh = image.shape();
    if sh.contains(&0) {
        return Err(FilterError::EmptyImage);
    }
    let crop =
        |arr: &Array3<f64>| -> Volume<f64> { image.with_data(arr.slice(s![..sh[0], ..sh[1], ..sh[2]]).to_owned()) };
    let mut data = pad_to_even(&image.data);
    for _ in 0..start_level {
        data = take_approximation(swt3_level(&data, &lo, &hi));
    }
    let mut out = Vec::new();
    for idx in 1..=level {
        let bands = swt3_level(&data, &lo, &hi);
        let prefix = if idx == 1 { "wavelet".to_string() } else { format!("wavelet{idx}") };
        for (name, arr) in bands.iter().filter(|(n, _)| n != "LLL") {
            out.push((format!("{prefix}-{name}"), crop(arr)));
        }
        data = take_approximation(bands);
    }
    let prefix = if level == 1 { "wavelet".to_string() } else { format!("wavelet{level}") };
    out.push((format!("{prefix}-LLL"), crop(&data)));
    Ok(out)
}

/// The wavelet images of `wavelet_images_f64` on the inclusive (x, y, z) box `bbox` only, as
/// bbox-shaped arrays in the same order, each given to `emit` as soon as it is computed.
/// Level 1 (start_level 0) is bit-identical to cropping the full result but computes only the
/// box: the SWT is an FIR filter, so an output voxel needs only a halo of the filter length
/// along each axis (indices wrap periodically over the padded image, as in the full
/// transform). Its bands are built depth first (x, then y, then z filter), so only one
/// intermediate per axis and the approximation (emitted last) are held at a time. Other
/// levels compute the whole image and crop it.
pub fn wavelet_images_box_each<E: From<FilterError>>(
    image: &Volume<f32>,
    wavelet: &str,
    start_level: u32,
    level: u32,
    bbox: ([usize; 3], [usize; 3]),
    emit: &mut impl FnMut(String, Array3<f64>) -> Result<(), E>,
) -> Result<(), E> {
    let sh = image.shape();
    if sh.contains(&0) {
        return Err(FilterError::EmptyImage.into());
    }
    if (0..3).any(|a| bbox.0[a] > bbox.1[a] || bbox.1[a] >= sh[a]) {
        return Err(FilterError::InvalidSetting(format!("box {bbox:?} outside the image {sh:?}")).into());
    }
    if start_level != 0 || level != 1 {
        let full = wavelet_images_f64(image, wavelet, start_level, level)?;
        let (lo, hi) = bbox;
        let sl = s![lo[0]..=hi[0], lo[1]..=hi[1], lo[2]..=hi[2]];
        for (n, v) in full {
            emit(n, v.data.slice(sl).to_owned())?;
        }
        return Ok(());
    }
    let (lo, hi) = filter_bank(wavelet)?;
    let nf = lo.len();
    let left = (nf - 1 - nf / 2) as i64;
    // Input index lists: padded index (box start - left + t) mod padded size, read from the
    // unpadded image modulo its size (numpy.pad 'wrap' by one voxel on odd axes).
    let idx: [Vec<usize>; 3] = std::array::from_fn(|a| {
        let padded = (sh[a] + sh[a] % 2) as i64;
        let len = bbox.1[a] - bbox.0[a] + 1;
        (0..len + nf - 1).map(|t| ((bbox.0[a] as i64 - left + t as i64).rem_euclid(padded) as usize) % sh[a]).collect()
    });
    let data = Array3::from_shape_fn((idx[0].len(), idx[1].len(), idx[2].len()), |(i, j, k)| {
        f64::from(image.data[[idx[0][i], idx[1][j], idx[2][k]]])
    });
    let banks = [('L', &lo), ('H', &hi)];
    let mut approximation = None;
    for (a, fa) in banks {
        let x = valid_axis(&data, 0, fa);
        for (b, fb) in banks {
            let xy = valid_axis(&x, 1, fb);
            for (c, fc) in banks {
                let band = valid_axis(&xy, 2, fc);
                if (a, b, c) == ('L', 'L', 'L') {
                    approximation = Some(band);
                } else {
                    emit(format!("wavelet-{a}{b}{c}"), band)?;
                }
            }
        }
    }
    emit("wavelet-LLL".to_string(), approximation.expect("the L,L,L branch ran"))
}

/// "Valid" correlation along `axis` (the axis shrinks by F-1): `out[o] = Σ_j f[j] in[o+F-1-j]`,
/// summed in ascending j from +0, the same products and order as `swt_line`. Whole planes,
/// rows or (along axis 2) output rows are accumulated tap by tap (contiguous, vectorisable);
/// every output voxel still sees its own sum in the same order.
fn valid_axis(src: &Array3<f64>, axis: usize, f: &[f64]) -> Array3<f64> {
    let nf = f.len();
    let src = src.as_standard_layout();
    let sl = src.as_slice().expect("standard layout is contiguous");
    let d = [src.shape()[0], src.shape()[1], src.shape()[2]];
    let mut dim = d;
    dim[axis] -= nf - 1;
    let mut out = vec![0.0f64; dim[0] * dim[1] * dim[2]];
    // `acc[k] += f[j] · src[start + (F-1-j)·stride + k]` for each tap, ascending j: per voxel
    // the order of `swt_line`.
    let taps = |acc: &mut [f64], start: usize, stride: usize| {
        for (j, &fj) in f.iter().enumerate() {
            let (at, n) = (start + (nf - 1 - j) * stride, acc.len());
            for (a, &v) in acc.iter_mut().zip(&sl[at..at + n]) {
                *a += fj * v;
            }
        }
    };
    match axis {
        0 => {
            let plane = d[1] * d[2];
            for (o, acc) in out.chunks_exact_mut(plane).enumerate() {
                taps(acc, o * plane, plane);
            }
        }
        1 => {
            let (row, rows_in, rows_out) = (d[2], d[1], dim[1]);
            for (z, slab) in out.chunks_exact_mut(rows_out * row).enumerate() {
                let base = z * rows_in * row;
                for (o, acc) in slab.chunks_exact_mut(row).enumerate() {
                    taps(acc, base + o * row, row);
                }
            }
        }
        _ => {
            // Tap by tap over a whole output row (independent sums side by side, not one
            // dependent chain per voxel); each voxel's sum keeps its order.
            for (r, acc) in out.chunks_exact_mut(dim[2]).enumerate() {
                taps(acc, r * d[2], 1);
            }
        }
    }
    Array3::from_shape_vec(dim, out).expect("buffer matches the shape")
}

fn take_approximation(bands: Vec<(String, Array3<f64>)>) -> Array3<f64> {
    bands.into_iter().find(|(n, _)| n == "LLL").map(|(_, a)| a).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haar_line_matches_hand_computation() {
        // Haar periodic SWT, F/2 = 1: out[o] = f0 x[o+1] + f1 x[o].
        let (lo, hi) = filter_bank("haar").unwrap();
        let x = [1.0, 2.0, 4.0, 8.0];
        let (mut y, mut ext) = ([0.0; 4], Vec::new());
        swt_line(&x, &lo, &mut ext, &mut y);
        let r = std::f64::consts::FRAC_1_SQRT_2;
        assert!((y[3] - r * (1.0 + 8.0)).abs() < 1e-12);
        swt_line(&x, &hi, &mut ext, &mut y);
        assert!((y[0] - (-r * 2.0 + r * 1.0)).abs() < 1e-12);
    }

    #[test]
    fn names_in_pyradiomics_order() {
        let n = wavelet_names(2);
        assert_eq!(n.len(), 15);
        assert_eq!(n[0], "wavelet-LLH");
        assert_eq!(n[7], "wavelet2-LLH");
        assert_eq!(n[14], "wavelet2-LLL");
    }
}
