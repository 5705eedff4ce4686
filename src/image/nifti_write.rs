//! NIfTI-1 single-file writer (`.nii`, `.nii.gz`): qform and sform both set (code 1,
//! scanner anatomical) from the LPS geometry, deterministic bytes, atomic replace.
//! Must not read files; reading lives in `nifti.rs`.

use std::io::Write;
use std::path::Path;

use flate2::{Compression, GzBuilder};

use super::error::ImageError;
use super::nifti_geometry::{lps_to_affine, rotation_to_quatern};
use super::volume::Volume;
use crate::io_util::write_atomic;

/// gzip level used for `.nii.gz` (fixed so output bytes are reproducible).
const GZIP_LEVEL: u32 = 6;

/// Write float32 voxels (datatype 16). NaN/Inf voxels are refused (`NonFinite`).
pub fn write_nifti_f32(path: &Path, vol: &Volume<f32>) -> Result<(), ImageError> {
    let bad = vol.data.iter().filter(|v| !v.is_finite()).count();
    if bad > 0 {
        return Err(ImageError::NonFinite { path: path.to_path_buf(), count: bad });
    }
    write_typed(path, vol, 16, 32, |v, out| out.extend_from_slice(&v.to_le_bytes()))
}

/// Write int16 voxels (datatype 4, scl_slope 1): values are rounded half away from zero;
/// NaN/Inf or values outside [-32768, 32767] after rounding are refused.
pub fn write_nifti_i16(path: &Path, vol: &Volume<f32>) -> Result<(), ImageError> {
    let bad = vol.data.iter().filter(|v| !v.is_finite()).count();
    if bad > 0 {
        return Err(ImageError::NonFinite { path: path.to_path_buf(), count: bad });
    }
    let out_of_range = vol.data.iter().filter(|v| !(-32768.0..=32767.0).contains(&v.round())).count();
    if out_of_range > 0 {
        return Err(ImageError::NotRepresentable {
            path: path.to_path_buf(),
            detail: format!("{out_of_range} voxel(s) fall outside the int16 range; write float32 instead"),
        });
    }
    write_typed(path, vol, 4, 16, |v, out| out.extend_from_slice(&(v.round() as i16).to_le_bytes()))
}

/// Write uint8 voxels (datatype 2), e.g. masks.
pub fn write_nifti_u8(path: &Path, vol: &Volume<u8>) -> Result<(), ImageError> {
    write_typed(path, vol, 2, 8, |v, out| out.push(*v))
}

/// `true` for `.nii.gz`, `false` for `.nii`, error otherwise.
fn gzip_by_extension(path: &Path) -> Result<bool, ImageError> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    if name.ends_with(".nii.gz") {
        Ok(true)
    } else if name.ends_with(".nii") {
        Ok(false)
    } else {
        Err(ImageError::UnknownExtension { path: path.to_path_buf() })
    }
}

fn write_typed<T>(
    path: &Path,
    vol: &Volume<T>,
    datatype: i16,
    bitpix: i16,
    push: impl Fn(&T, &mut Vec<u8>),
) -> Result<(), ImageError> {
    let gz = gzip_by_extension(path)?;
    let mut bytes = header(path, vol, datatype, bitpix)?;
    let [nx, ny, nz] = vol.shape();
    bytes.reserve(nx * ny * nz * (bitpix as usize / 8));
    for k in 0..nz {
        for j in 0..ny {
            for i in 0..nx {
                push(&vol.data[[i, j, k]], &mut bytes);
            }
        }
    }
    if gz {
        let mut enc = GzBuilder::new().mtime(0).write(Vec::new(), Compression::new(GZIP_LEVEL));
        let io = |e| ImageError::Io { path: path.to_path_buf(), source: e };
        enc.write_all(&bytes).map_err(io)?;
        bytes = enc.finish().map_err(io)?;
    }
    write_atomic(path, &bytes).map_err(|e| ImageError::Io { path: path.to_path_buf(), source: e })
}

/// The 348-byte header plus the 4-byte empty extension flag (data starts at 352).
fn header<T>(path: &Path, vol: &Volume<T>, datatype: i16, bitpix: i16) -> Result<Vec<u8>, ImageError> {
    let bad = |detail: String| ImageError::NotRepresentable { path: path.to_path_buf(), detail };
    let shape = vol.shape();
    if shape.iter().any(|&n| n == 0 || n > i16::MAX as usize) {
        return Err(bad(format!("size {shape:?}: NIfTI-1 needs 1..=32767 voxels per axis")));
    }
    if vol.spacing.iter().any(|s| !s.is_finite() || *s <= 0.0) || vol.origin.iter().any(|o| !o.is_finite()) {
        return Err(bad(format!("spacing {:?} / origin {:?} must be finite, spacing > 0", vol.spacing, vol.origin)));
    }
    let d = vol.direction;
    let orthonormal = (0..3).all(|a| {
        (0..3).all(|b| {
            let dot: f64 = (0..3).map(|r| d[r][a] * d[r][b]).sum();
            (dot - f64::from(u8::from(a == b))).abs() <= 1e-4
        })
    });
    if !orthonormal {
        return Err(bad(format!("direction {d:?} is not orthonormal")));
    }
    let m = lps_to_affine(vol.spacing, vol.origin, d);
    let ras = [[-d[0][0], -d[0][1], -d[0][2]], [-d[1][0], -d[1][1], -d[1][2]], d[2]];
    let (qb, qc, qd, qfac) = rotation_to_quatern(ras);

    let mut h = vec![0u8; 352];
    let put = |h: &mut Vec<u8>, off: usize, b: &[u8]| h[off..off + b.len()].copy_from_slice(b);
    put(&mut h, 0, &348i32.to_le_bytes());
    let dim: [i16; 8] = [3, shape[0] as i16, shape[1] as i16, shape[2] as i16, 1, 1, 1, 1];
    for (i, v) in dim.iter().enumerate() {
        put(&mut h, 40 + 2 * i, &v.to_le_bytes());
    }
    put(&mut h, 70, &datatype.to_le_bytes());
    put(&mut h, 72, &bitpix.to_le_bytes());
    let pixdim = [qfac, vol.spacing[0], vol.spacing[1], vol.spacing[2], 1.0, 1.0, 1.0, 1.0];
    for (i, v) in pixdim.iter().enumerate() {
        put(&mut h, 76 + 4 * i, &(*v as f32).to_le_bytes());
    }
    put(&mut h, 108, &352f32.to_le_bytes());
    put(&mut h, 112, &1f32.to_le_bytes()); // scl_slope
    h[123] = 2 | 8; // xyzt_units: mm, s
    put(&mut h, 148, b"radstudy");
    put(&mut h, 252, &1i16.to_le_bytes()); // qform_code: scanner anatomical
    put(&mut h, 254, &1i16.to_le_bytes()); // sform_code: scanner anatomical
    let quatern = [qb, qc, qd, m[0][3], m[1][3], m[2][3]];
    for (i, v) in quatern.iter().enumerate() {
        put(&mut h, 256 + 4 * i, &(*v as f32).to_le_bytes());
    }
    for (r, row) in m.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            put(&mut h, 280 + 16 * r + 4 * c, &(*v as f32).to_le_bytes());
        }
    }
    put(&mut h, 344, b"n+1\0");
    Ok(h)
}
