//! NRRD reader (`.nrrd` with attached data, `.nhdr` with attached or one detached data file):
//! encodings raw, gzip and ascii; geometry from `space directions` / `space origin` (or
//! `spacings`), converted to LPS as ITK does. Must not write files or interpret intensities.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::error::{io_error, ImageError};
use super::file_bytes::read_file;
use super::raw::{byte_count, check_plausible_size, gunzip_prefix, DType, Geometry, RawVolume};
use super::stream::{GzSource, Layout};
use super::volume::IDENTITY;

/// Header fields by lower-case name (spaces removed from the "field" part: `spacedirections`).
type Fields = BTreeMap<String, String>;

/// Largest header we accept before giving up looking for the blank line that ends it.
const MAX_HEADER: usize = 1 << 20;

/// Split `bytes` into header fields and the offset where the attached data begins.
fn parse_header(path: &Path, bytes: &[u8]) -> Result<(Fields, usize), ImageError> {
    let not_nrrd = |detail: String| ImageError::NotNrrd { path: path.to_path_buf(), detail };
    if bytes.len() < 8 || &bytes[..4] != b"NRRD" || !bytes[4..8].iter().all(u8::is_ascii_digit) {
        return Err(not_nrrd("the file does not start with \"NRRD000x\"".into()));
    }
    let mut fields = Fields::new();
    let mut pos = 0usize;
    let mut first = true;
    loop {
        let end = match bytes[pos..].iter().position(|&b| b == b'\n') {
            Some(e) => pos + e,
            None if pos >= bytes.len() => break, // header-only file (.nhdr without blank line)
            None => bytes.len(),
        };
        if end > MAX_HEADER {
            return Err(not_nrrd(format!("no end of header within {MAX_HEADER} bytes")));
        }
        let line = String::from_utf8_lossy(&bytes[pos..end]);
        let line = line.trim_end_matches('\r');
        pos = (end + 1).min(bytes.len());
        if first {
            first = false;
            continue;
        }
        if line.is_empty() {
            break;
        }
        if line.starts_with('#') || line.contains(":=") {
            continue; // comment or key/value pair
        }
        let Some((key, value)) = line.split_once(": ") else {
            return Err(not_nrrd(format!("header line {line:?} is not \"field: value\"")));
        };
        fields.insert(key.to_ascii_lowercase().replace(' ', ""), value.trim().to_string());
    }
    Ok((fields, pos))
}

fn dtype(path: &Path, name: &str) -> Result<DType, ImageError> {
    Ok(match name {
        "signed char" | "int8" | "int8_t" => DType::I8,
        "uchar" | "unsigned char" | "uint8" | "uint8_t" => DType::U8,
        "short" | "short int" | "signed short" | "signed short int" | "int16" | "int16_t" => DType::I16,
        "ushort" | "unsigned short" | "unsigned short int" | "uint16" | "uint16_t" => DType::U16,
        "int" | "signed int" | "int32" | "int32_t" => DType::I32,
        "uint" | "unsigned int" | "uint32" | "uint32_t" => DType::U32,
        "longlong"
        | "long long"
        | "long long int"
        | "signed long long"
        | "signed long long int"
        | "int64"
        | "int64_t" => DType::I64,
        "ulonglong" | "unsigned long long" | "unsigned long long int" | "uint64" | "uint64_t" => DType::U64,
        "float" => DType::F32,
        "double" => DType::F64,
        other => {
            return Err(ImageError::UnsupportedDatatype {
                path: path.to_path_buf(),
                what: format!("NRRD type {other:?}"),
            })
        }
    })
}

/// Parse "(a,b,c)" into a vector; `None` for "none".
fn parse_vector(s: &str) -> Option<Vec<f64>> {
    let inner = s.trim().strip_prefix('(')?.strip_suffix(')')?;
    inner.split(',').map(|t| t.trim().parse::<f64>().ok().filter(|v| v.is_finite())).collect()
}

/// Split "(..) (..) none" into its vector tokens (vectors may contain spaces).
fn split_vectors(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        let end = if rest.starts_with('(') {
            rest.find(')').map_or(rest.len(), |e| e + 1)
        } else {
            rest.find(|c: char| c.is_whitespace() || c == '(').unwrap_or(rest.len())
        };
        out.push(&rest[..end]);
        rest = rest[end..].trim_start();
    }
    out
}

/// Sign flips that turn a named space into LPS (ITK converts RAS/LAS like this).
fn space_signs(path: &Path, space: Option<&String>) -> Result<[f64; 3], ImageError> {
    Ok(match space.map(|s| s.to_ascii_lowercase()).as_deref() {
        None | Some("left-posterior-superior") | Some("lps") => [1.0, 1.0, 1.0],
        Some("right-anterior-superior") | Some("ras") => [-1.0, -1.0, 1.0],
        Some("left-anterior-superior") | Some("las") => [1.0, -1.0, 1.0],
        Some(other) => {
            return Err(ImageError::InvalidHeader {
                path: path.to_path_buf(),
                detail: format!("space {other:?} is not supported (use LPS, RAS or LAS)"),
            })
        }
    })
}

/// Spacing, origin and direction (LPS) from the header.
fn geometry(path: &Path, f: &Fields) -> Result<Geometry, ImageError> {
    let invalid = |detail: String| ImageError::InvalidHeader { path: path.to_path_buf(), detail };
    let signs = space_signs(path, f.get("space"))?;
    if let Some(dirs) = f.get("spacedirections") {
        let vecs = split_vectors(dirs);
        if vecs.len() != 3 {
            return Err(invalid(format!("space directions {dirs:?} must hold 3 vectors")));
        }
        let mut spacing = [0.0; 3];
        let mut direction = [[0.0; 3]; 3];
        for (c, v) in vecs.iter().enumerate() {
            if *v == "none" {
                return Err(ImageError::Not3D {
                    path: path.to_path_buf(),
                    detail: format!("axis {c} is not a spatial axis (space direction none)"),
                });
            }
            let v = parse_vector(v)
                .filter(|v| v.len() == 3)
                .ok_or_else(|| invalid(format!("bad space direction {v:?}")))?;
            let n = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
            if n <= 0.0 || !n.is_finite() {
                return Err(invalid(format!("space direction {c} has zero length")));
            }
            spacing[c] = n;
            for r in 0..3 {
                direction[r][c] = signs[r] * v[r] / n;
            }
        }
        let origin = match f.get("spaceorigin") {
            Some(o) => {
                let v = parse_vector(o)
                    .filter(|v| v.len() == 3)
                    .ok_or_else(|| invalid(format!("bad space origin {o:?}")))?;
                [signs[0] * v[0], signs[1] * v[1], signs[2] * v[2]]
            }
            None => [0.0; 3],
        };
        return Ok((spacing, origin, direction));
    }
    let mut spacing = [1.0; 3];
    if let Some(s) = f.get("spacings") {
        let v: Vec<f64> = s.split_whitespace().map(|t| t.parse::<f64>().unwrap_or(f64::NAN)).collect();
        if v.len() != 3 {
            return Err(invalid(format!("spacings {s:?} must hold 3 numbers")));
        }
        for (a, x) in v.iter().enumerate() {
            if x.is_finite() && *x != 0.0 {
                spacing[a] = x.abs();
            }
        }
    }
    Ok((spacing, [0.0; 3], IDENTITY))
}

/// Integer header field, with a default when absent.
fn int_field(path: &Path, f: &Fields, key: &str, default: i64) -> Result<i64, ImageError> {
    match f.get(key) {
        None => Ok(default),
        Some(v) => v.parse().map_err(|_| ImageError::InvalidHeader {
            path: path.to_path_buf(),
            detail: format!("{key} {v:?} is not an integer"),
        }),
    }
}

/// Everything the header says about the voxel data.
struct Meta {
    dtype: DType,
    big_endian: bool,
    shape: [usize; 3],
    nbytes: usize,
    encoding: String,
    is_text: bool,
    geometry: Geometry,
    line_skip: usize,
    byte_skip: i64,
    /// Detached data file name, as written in the header.
    data_file: Option<String>,
}

fn parse_meta(path: &Path, f: &Fields) -> Result<Meta, ImageError> {
    let invalid = |detail: String| ImageError::InvalidHeader { path: path.to_path_buf(), detail };
    let missing = |k: &str| invalid(format!("required field \"{k}\" is missing"));

    let dim = int_field(path, f, "dimension", -1)?;
    if dim == -1 {
        return Err(missing("dimension"));
    }
    if dim != 3 {
        return Err(ImageError::Not3D { path: path.to_path_buf(), detail: format!("dimension: {dim}") });
    }
    let dtype = dtype(path, f.get("type").ok_or_else(|| missing("type"))?)?;
    let sizes_s = f.get("sizes").ok_or_else(|| missing("sizes"))?;
    let sizes: Vec<usize> = sizes_s
        .split_whitespace()
        .map(|t| t.parse::<usize>().ok().filter(|&v| v > 0))
        .collect::<Option<_>>()
        .filter(|v: &Vec<usize>| v.len() == 3)
        .ok_or_else(|| invalid(format!("sizes {sizes_s:?} must be 3 positive integers")))?;
    let shape = [sizes[0], sizes[1], sizes[2]];
    let nbytes = byte_count(shape, dtype).ok_or_else(|| invalid(format!("image size {shape:?} overflows")))?;
    let encoding = f.get("encoding").ok_or_else(|| missing("encoding"))?.to_ascii_lowercase();
    let is_text = matches!(encoding.as_str(), "ascii" | "text" | "txt");
    let big_endian = match f.get("endian").map(String::as_str) {
        Some("big") => true,
        Some("little") => false,
        None if dtype.size() == 1 || is_text => false,
        None => return Err(missing("endian")),
        Some(other) => return Err(invalid(format!("endian {other:?} must be little or big"))),
    };
    let geometry = geometry(path, f)?;
    let line_skip = int_field(path, f, "lineskip", 0)?.max(0) as usize;
    let byte_skip = int_field(path, f, "byteskip", 0)?;
    let data_file = f.get("datafile").map(|s| s.trim().to_string());
    Ok(Meta { dtype, big_endian, shape, nbytes, encoding, is_text, geometry, line_skip, byte_skip, data_file })
}

/// Path of the one detached data file (a regular file), relative to the header.
fn detached_path(path: &Path, name: &str) -> Result<PathBuf, ImageError> {
    let invalid = |detail: String| ImageError::InvalidHeader { path: path.to_path_buf(), detail };
    if name.starts_with("LIST") || name.contains(' ') {
        return Err(invalid(format!("data file {name:?}: multi-file data is not supported")));
    }
    let p = path.parent().unwrap_or(Path::new(".")).join(name);
    // Only a regular file: a device or FIFO (/dev/zero, a pipe) would never end.
    if !std::fs::metadata(&p).map_err(|e| io_error(&p, e))?.is_file() {
        return Err(invalid(format!("data file {name:?} is not a regular file")));
    }
    Ok(p)
}

/// Bytes read from the start of a file to find its header when streaming.
const STREAM_HEADER_PREFIX: usize = 1 << 16;

/// A gzip-encoded NRRD's header and where its compressed voxel data starts, for streaming
/// reads (`stream::GzSource`). `None` when the file is not gzip-encoded, has a line skip or
/// a header longer than 64 KiB (read those whole with `read_nrrd_raw`).
pub(crate) fn open_gzip_source(path: &Path) -> Result<Option<GzSource>, ImageError> {
    let file = read_file(path)?;
    let prefix = &file[..file.len().min(STREAM_HEADER_PREFIX)];
    let (f, data_start) = parse_header(path, prefix)?;
    if data_start >= prefix.len() && prefix.len() == STREAM_HEADER_PREFIX {
        return Ok(None);
    }
    let m = parse_meta(path, &f)?;
    if !matches!(m.encoding.as_str(), "gzip" | "gz") || m.line_skip != 0 || m.byte_skip < 0 {
        return Ok(None);
    }
    // The file's bytes are kept: attached data is decoded from this same mapping.
    let (data_path, data, data_start) = match &m.data_file {
        None => (path.to_path_buf(), file, data_start),
        Some(name) => {
            let p = detached_path(path, name)?;
            let d = read_file(&p)?;
            (p, d, 0)
        }
    };
    let needed = (m.nbytes as u64).saturating_add(m.byte_skip as u64);
    check_plausible_size(&data_path, needed, data.len().saturating_sub(data_start) as u64, true)?;
    let (spacing, origin, direction) = m.geometry;
    let layout = Layout {
        dtype: m.dtype,
        big_endian: m.big_endian,
        shape: m.shape,
        slope: 1.0,
        inter: 0.0,
        spacing,
        origin,
        direction,
    };
    Ok(Some(GzSource { path: data_path, data, data_start, byte_skip: m.byte_skip as u64, layout }))
}

/// Read a `.nrrd` / `.nhdr` file into a `RawVolume`.
pub(crate) fn read_nrrd_raw(path: &Path) -> Result<RawVolume, ImageError> {
    let file_bytes = read_file(path)?;
    let (f, data_start) = parse_header(path, &file_bytes)?;
    let Meta { dtype, big_endian, shape, nbytes, encoding, is_text, geometry, line_skip, byte_skip, data_file } =
        parse_meta(path, &f)?;
    let (spacing, origin, direction) = geometry;

    // Attached data, or one detached file named relative to the header.
    let detached;
    let (data_path, mut stored): (PathBuf, &[u8]) = match data_file {
        None => (path.to_path_buf(), &file_bytes[data_start..]),
        Some(name) => {
            let p = detached_path(path, &name)?;
            detached = read_file(&p)?;
            (p, &detached)
        }
    };
    for _ in 0..line_skip {
        match stored.iter().position(|&b| b == b'\n') {
            Some(p) => stored = &stored[p + 1..],
            None => {
                return Err(ImageError::Truncated {
                    path: data_path.clone(),
                    detail: "line skip beyond the data".into(),
                })
            }
        }
    }
    let bytes = match encoding.as_str() {
        "raw" => {
            let start = if byte_skip == -1 { stored.len().saturating_sub(nbytes) } else { byte_skip.max(0) as usize };
            let avail = stored.get(start..).unwrap_or(&[]);
            check_plausible_size(&data_path, nbytes as u64, avail.len() as u64, false)?;
            avail[..nbytes].to_vec()
        }
        "gzip" | "gz" => {
            let needed = (nbytes as u64).saturating_add(byte_skip.max(0) as u64);
            check_plausible_size(&data_path, needed, stored.len() as u64, true)?;
            let skip = byte_skip.max(0) as usize;
            let mut data = gunzip_prefix(&data_path, stored, skip + nbytes, "gzip voxel data")?;
            data.drain(..skip);
            data
        }
        _ if is_text => ascii_values(&data_path, stored, shape)?,
        other => {
            return Err(ImageError::UnsupportedDatatype {
                path: path.to_path_buf(),
                what: format!("NRRD encoding {other:?} (use raw or gzip)"),
            })
        }
    };
    // Text samples were converted to little-endian f64 bytes.
    let (dtype, big_endian) = if is_text { (DType::F64, false) } else { (dtype, big_endian) };
    Ok(RawVolume { dtype, big_endian, shape, bytes, slope: 1.0, inter: 0.0, spacing, origin, direction })
}

/// Text-encoded samples, returned as little-endian f64 bytes.
fn ascii_values(path: &Path, stored: &[u8], shape: [usize; 3]) -> Result<Vec<u8>, ImageError> {
    let n: usize = shape.iter().product();
    let mut text = String::new();
    std::io::BufReader::new(stored).read_to_string(&mut text).map_err(|e| io_error(path, e))?;
    let mut out = Vec::with_capacity(n.min(1 << 24) * 8);
    let mut count = 0usize;
    for tok in text.split(|c: char| c.is_whitespace() || c == ',').filter(|t| !t.is_empty()).take(n) {
        let v: f64 = tok.parse().map_err(|_| ImageError::InvalidHeader {
            path: path.to_path_buf(),
            detail: format!("ascii value {tok:?} is not a number"),
        })?;
        out.extend_from_slice(&v.to_le_bytes());
        count += 1;
    }
    if count < n {
        return Err(ImageError::Truncated {
            path: path.to_path_buf(),
            detail: format!("expected {n} ascii values, found {count}"),
        });
    }
    Ok(out)
}
