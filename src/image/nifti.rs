//! NIfTI-1 and NIfTI-2 single-file reader (`.nii`, `.nii.gz`), geometry as ITK/SimpleITK
//! reads it (see `nifti_geometry`). Must not write files or interpret intensities beyond
//! `scl_slope`/`scl_inter`; two-file (.hdr/.img) and Analyze 7.5 files are rejected.

use std::io::Read;
use std::path::Path;

use super::error::{io_error, ImageError};
use super::file_bytes::read_file;
use super::inflate::gunzip;
use super::nifti_geometry::{affine_to_lps, choose_affine, NiftiXforms};
use super::raw::{byte_count, check_plausible_size, gzip_error, DType, Geometry, RawVolume};
use super::volume::IDENTITY;

/// The header fields the reader needs, widened to 64 bits (NIfTI-1 and -2 alike).
#[derive(Debug)]
struct Header {
    big_endian: bool,
    header_size: usize,
    dim: [i64; 8],
    datatype: i32,
    pixdim: [f64; 8],
    vox_offset: f64,
    scl_slope: f64,
    scl_inter: f64,
    qform_code: i32,
    sform_code: i32,
    quatern: [f64; 6],
    srow: [[f64; 4]; 3],
    xyzt_units: i32,
}

/// Little helper reading numbers at byte offsets of a header buffer.
struct Fields<'a> {
    b: &'a [u8],
    big: bool,
}

impl Fields<'_> {
    fn bytes<const N: usize>(&self, off: usize) -> [u8; N] {
        let mut a = [0u8; N];
        a.copy_from_slice(&self.b[off..off + N]);
        if self.big {
            a.reverse();
        }
        a
    }
    fn i16(&self, off: usize) -> i64 {
        i16::from_le_bytes(self.bytes(off)) as i64
    }
    fn i32(&self, off: usize) -> i64 {
        i32::from_le_bytes(self.bytes(off)) as i64
    }
    fn i64(&self, off: usize) -> i64 {
        i64::from_le_bytes(self.bytes(off))
    }
    fn f32(&self, off: usize) -> f64 {
        f32::from_le_bytes(self.bytes(off)) as f64
    }
    fn f64(&self, off: usize) -> f64 {
        f64::from_le_bytes(self.bytes(off))
    }
}

/// NIfTI-1 (348-byte header) field offsets.
fn parse_nifti1(b: &[u8], big: bool) -> Header {
    let f = Fields { b, big };
    let mut dim = [0i64; 8];
    let mut pixdim = [0f64; 8];
    for i in 0..8 {
        dim[i] = f.i16(40 + 2 * i);
        pixdim[i] = f.f32(76 + 4 * i);
    }
    let mut srow = [[0f64; 4]; 3];
    for (r, row) in srow.iter_mut().enumerate() {
        for (c, v) in row.iter_mut().enumerate() {
            *v = f.f32(280 + 16 * r + 4 * c);
        }
    }
    Header {
        big_endian: big,
        header_size: 348,
        dim,
        datatype: f.i16(70) as i32,
        pixdim,
        vox_offset: f.f32(108),
        scl_slope: f.f32(112),
        scl_inter: f.f32(116),
        qform_code: f.i16(252) as i32,
        sform_code: f.i16(254) as i32,
        quatern: std::array::from_fn(|i| f.f32(256 + 4 * i)),
        srow,
        xyzt_units: b[123] as i32,
    }
}

/// NIfTI-2 (540-byte header) field offsets.
fn parse_nifti2(b: &[u8], big: bool) -> Header {
    let f = Fields { b, big };
    let mut srow = [[0f64; 4]; 3];
    for (r, row) in srow.iter_mut().enumerate() {
        for (c, v) in row.iter_mut().enumerate() {
            *v = f.f64(400 + 32 * r + 8 * c);
        }
    }
    Header {
        big_endian: big,
        header_size: 540,
        dim: std::array::from_fn(|i| f.i64(16 + 8 * i)),
        datatype: f.i16(12) as i32,
        pixdim: std::array::from_fn(|i| f.f64(104 + 8 * i)),
        vox_offset: f.i64(168) as f64,
        scl_slope: f.f64(176),
        scl_inter: f.f64(184),
        qform_code: f.i32(344) as i32,
        sform_code: f.i32(348) as i32,
        quatern: std::array::from_fn(|i| f.f64(352 + 8 * i)),
        srow,
        xyzt_units: f.i32(500) as i32,
    }
}

/// Read the header from the start of a (decompressed) stream; validates sizeof_hdr and magic.
fn read_header(path: &Path, r: &mut dyn Read) -> Result<Header, ImageError> {
    let not_nifti = |detail: String| ImageError::NotNifti { path: path.to_path_buf(), detail };
    let mut first = [0u8; 4];
    let got = read_up_to(r, &mut first).map_err(|e| io_error(path, e))?;
    if got < 4 {
        return Err(not_nifti(format!("file has only {got} bytes")));
    }
    let (size, big) = match (i32::from_le_bytes(first), i32::from_be_bytes(first)) {
        (348, _) => (348, false),
        (_, 348) => (348, true),
        (540, _) => (540, false),
        (_, 540) => (540, true),
        (n, _) => return Err(not_nifti(format!("sizeof_hdr is {n}, expected 348 or 540"))),
    };
    let mut b = vec![0u8; size];
    b[..4].copy_from_slice(&first);
    let got = read_up_to(r, &mut b[4..]).map_err(|e| io_error(path, e))?;
    if got < size - 4 {
        return Err(ImageError::Truncated {
            path: path.to_path_buf(),
            detail: format!("the {size}-byte header ends after {} bytes", got + 4),
        });
    }
    if size == 348 {
        match &b[344..348] {
            b"n+1\0" => Ok(parse_nifti1(&b, big)),
            b"ni1\0" => Err(ImageError::InvalidHeader {
                path: path.to_path_buf(),
                detail: "two-file NIfTI (.hdr/.img pair) is not supported; save it as a single .nii/.nii.gz".into(),
            }),
            m => Err(not_nifti(format!("magic is {m:?}, expected \"n+1\\0\" (an Analyze 7.5 file?)"))),
        }
    } else if &b[4..12] == b"n+2\0\r\n\x1a\n" {
        Ok(parse_nifti2(&b, big))
    } else {
        Err(not_nifti(format!("NIfTI-2 magic is {:?}, expected \"n+2\"", &b[4..12])))
    }
}

/// Fill as much of `buf` as the stream holds; returns the number of bytes read.
fn read_up_to(r: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

fn datatype(path: &Path, code: i32) -> Result<DType, ImageError> {
    Ok(match code {
        2 => DType::U8,
        4 => DType::I16,
        8 => DType::I32,
        16 => DType::F32,
        64 => DType::F64,
        256 => DType::I8,
        512 => DType::U16,
        768 => DType::U32,
        1024 => DType::I64,
        1280 => DType::U64,
        other => {
            let name = match other {
                1 => "binary (1 bit)",
                32 => "complex64",
                128 => "RGB24",
                1536 => "float128",
                1792 => "complex128",
                2048 => "complex256",
                2304 => "RGBA32",
                _ => "unknown",
            };
            return Err(ImageError::UnsupportedDatatype {
                path: path.to_path_buf(),
                what: format!("NIfTI datatype {other} ({name})"),
            });
        }
    })
}

/// Shape (nx, ny, nz) from dim[]; 1D/2D images and 4D+ images with more than one volume are
/// `Not3D`, non-positive sizes are invalid.
fn shape(path: &Path, dim: &[i64; 8]) -> Result<[usize; 3], ImageError> {
    let invalid = |detail: String| ImageError::InvalidHeader { path: path.to_path_buf(), detail };
    let nd = dim[0];
    if !(1..=7).contains(&nd) {
        return Err(invalid(format!("dim[0] = {nd}, must be 1..7")));
    }
    let nd = nd as usize;
    if let Some(i) = (1..=nd).find(|&i| dim[i] <= 0) {
        return Err(invalid(format!("dim[{i}] = {} is not a positive size", dim[i])));
    }
    if nd < 3 {
        return Err(ImageError::Not3D {
            path: path.to_path_buf(),
            detail: format!("{nd}D image of size {:?}", &dim[1..=nd]),
        });
    }
    if let Some(i) = (4..=nd).find(|&i| dim[i] != 1) {
        return Err(ImageError::Not3D {
            path: path.to_path_buf(),
            detail: format!("{nd}D image with dim[{i}] = {} (several volumes); split it into 3D files", dim[i]),
        });
    }
    let to_usize = |v: i64| usize::try_from(v).map_err(|_| invalid(format!("size {v} too large")));
    Ok([to_usize(dim[1])?, to_usize(dim[2])?, to_usize(dim[3])?])
}

/// Spacing, origin and direction as ITK reads them: spacing = |pixdim| × unit scale
/// (metre 1000, micron 0.001), orientation from `choose_affine`.
fn geometry(path: &Path, h: &Header) -> Result<Geometry, ImageError> {
    let fix = |v: f64| if v == 0.0 || !v.is_finite() { 1.0 } else { v };
    let pixdim = [fix(h.pixdim[1]), fix(h.pixdim[2]), fix(h.pixdim[3])];
    let unit = match h.xyzt_units & 0x07 {
        1 => 1000.0,
        3 => 1e-3,
        _ => 1.0,
    };
    let spacing = pixdim.map(|p| p.abs() * unit);
    let finite = |v: f64| if v.is_finite() { v } else { 0.0 };
    let xforms = NiftiXforms {
        qform_code: h.qform_code,
        sform_code: h.sform_code,
        quatern: h.quatern.map(finite),
        pixdim,
        qfac: if h.pixdim[0] < 0.0 { -1.0 } else { 1.0 },
        srow: h.srow,
    };
    let invalid = |detail: String| ImageError::InvalidHeader { path: path.to_path_buf(), detail };
    match choose_affine(&xforms).map_err(invalid)? {
        None => Ok((spacing, [0.0; 3], IDENTITY)),
        Some(m) => {
            let (origin, dir) = affine_to_lps(&m).map_err(invalid)?;
            Ok((spacing, origin, dir))
        }
    }
}

/// Where the voxel data starts (bytes from the file's or the stream's start) and how many
/// bytes it has, from the header's `vox_offset`, dimensions and datatype, or why not.
fn voxel_span(path: &Path, h: &Header, dtype: DType, shape: [usize; 3]) -> Result<(u64, usize), ImageError> {
    if !h.vox_offset.is_finite() || h.vox_offset < 0.0 || h.vox_offset > 1e12 {
        return Err(ImageError::InvalidHeader {
            path: path.to_path_buf(),
            detail: format!("vox_offset = {} is not a valid byte offset", h.vox_offset),
        });
    }
    // Single-file NIfTI data never starts inside the header + 4-byte extension flag.
    let offset = (h.vox_offset as u64).max(h.header_size as u64 + 4);
    let nbytes = byte_count(shape, dtype).ok_or_else(|| ImageError::InvalidHeader {
        path: path.to_path_buf(),
        detail: format!("image size {shape:?} overflows"),
    })?;
    Ok((offset, nbytes))
}

/// The decompressed bytes of a gzip NIfTI file up to the end of its voxel data. The header is
/// parsed as soon as its bytes have arrived and fixes how much is kept; the rest of the stream
/// is decoded (its CRC-32 and size are checked) but not kept, so memory follows the header's
/// (plausible) size, never the stream's. A header that cannot be parsed stops the keeping; the
/// caller's parse of the kept bytes then reports it.
fn gunzip_nifti(path: &Path, compressed: &[u8]) -> Result<Vec<u8>, ImageError> {
    let mut kept = Vec::new();
    // Enough for either header version until the header is known.
    let mut limit = 540usize;
    let mut known = false;
    let decoded = gunzip(compressed, |mut b| loop {
        let k = limit.saturating_sub(kept.len()).min(b.len());
        kept.extend_from_slice(&b[..k]);
        b = &b[k..];
        if known || kept.len() < limit {
            return;
        }
        known = true;
        let span = read_header(path, &mut &kept[..]).and_then(|h| {
            let (dtype, shape) = (datatype(path, h.datatype)?, shape(path, &h.dim)?);
            let (offset, nbytes) = voxel_span(path, &h, dtype, shape)?;
            let needed = offset.saturating_add(nbytes as u64);
            check_plausible_size(path, needed, compressed.len() as u64, true)?;
            Ok(needed as usize)
        });
        limit = span.unwrap_or(kept.len());
        kept.reserve(limit.saturating_sub(kept.len()));
    });
    match decoded {
        Ok(_) => Ok(kept),
        // A header error, when the kept bytes show one, comes first (as it did when the header
        // was read before the voxel data).
        Err(e) => match read_header(path, &mut &kept[..]) {
            Err(header) if !matches!(header, ImageError::Truncated { .. }) => Err(header),
            _ => Err(gzip_error(path, e)),
        },
    }
}

/// Read a `.nii` / `.nii.gz` file (gzip is detected from the content) into a `RawVolume`.
pub(crate) fn read_nifti_raw(path: &Path) -> Result<RawVolume, ImageError> {
    let file = read_file(path)?;
    let file_len = file.len() as u64;
    let compressed = file.len() >= 2 && file[0] == 0x1f && file[1] == 0x8b;
    let mut decoded = if compressed { gunzip_nifti(path, &file)? } else { Vec::new() };
    let stored: &[u8] = if compressed { &decoded } else { &file };
    let h = read_header(path, &mut &stored[..])?;
    let dtype = datatype(path, h.datatype)?;
    let shape = shape(path, &h.dim)?;
    let (spacing, origin, direction) = geometry(path, &h)?;
    let (offset, nbytes) = voxel_span(path, &h, dtype, shape)?;
    check_plausible_size(path, offset.saturating_add(nbytes as u64), file_len, compressed)?;
    let available = (stored.len() as u64).saturating_sub(offset.min(stored.len() as u64));
    if available < nbytes as u64 {
        let what = if offset > stored.len() as u64 { "header extensions" } else { "voxel data" };
        return Err(ImageError::Truncated {
            path: path.to_path_buf(),
            detail: format!("{what}: expected {nbytes} bytes, the data ends after {available}"),
        });
    }
    let start = offset as usize;
    let bytes = if compressed {
        decoded.truncate(start + nbytes);
        decoded.drain(..start);
        decoded
    } else {
        stored[start..start + nbytes].to_vec()
    };
    // NIfTI standard: scl_slope 0 (or not finite) means "no scaling", intercept ignored too.
    let (slope, inter) = if h.scl_slope.is_finite() && h.scl_slope != 0.0 {
        (h.scl_slope, finite_or_zero(h.scl_inter))
    } else {
        (1.0, 0.0)
    };
    Ok(RawVolume { dtype, big_endian: h.big_endian, shape, bytes, slope, inter, spacing, origin, direction })
}

fn finite_or_zero(v: f64) -> f64 {
    if v.is_finite() {
        v
    } else {
        0.0
    }
}
