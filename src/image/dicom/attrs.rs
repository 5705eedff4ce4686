//! Small accessors for DICOM attributes: open a file (also old files without a file meta
//! header), read strings / numbers / sequence items, and name tags in error messages.
//! Must not interpret geometry or pixels.

use super::error::{io_err, DicomError};
use dicom_core::dictionary::{DataDictionary, DataDictionaryEntry};
use dicom_core::Tag;
use dicom_dictionary_std::{tags, uids, StandardDataDictionary};
use dicom_object::meta::FileMetaTableBuilder;
use dicom_object::{DefaultDicomObject, InMemDicomObject, OpenFileOptions};
use dicom_transfer_syntax_registry::TransferSyntaxIndex;
use std::io::Read;
use std::path::Path;

pub(crate) type Obj = InMemDicomObject;

/// "ImagePositionPatient (0020,0032)".
pub(crate) fn tag_label(tag: Tag) -> String {
    match StandardDataDictionary.by_tag(tag) {
        Some(e) => format!("{} ({:04X},{:04X})", e.alias(), tag.group(), tag.element()),
        None => format!("({:04X},{:04X})", tag.group(), tag.element()),
    }
}

/// How a file starts: a Part-10 file with "DICM", a bare data set (no preamble, no meta), or
/// something else.
enum Kind {
    Part10,
    BareImplicit,
    BareExplicit,
    Other,
}

fn sniff(path: &Path) -> Result<Kind, DicomError> {
    let mut f = std::fs::File::open(path).map_err(|e| io_err(path, e))?;
    let mut head = Vec::with_capacity(132);
    f.by_ref().take(132).read_to_end(&mut head).map_err(|e| io_err(path, e))?;
    if head.len() >= 132 && &head[128..132] == b"DICM" {
        return Ok(Kind::Part10);
    }
    // A bare data set normally starts with a group 0008 (or 0002) element, little endian.
    if head.len() >= 8 && (head[0..2] == [0x08, 0x00] || head[0..2] == [0x02, 0x00]) && head[3] == 0 {
        let vr_like = head[4].is_ascii_uppercase() && head[5].is_ascii_uppercase();
        return Ok(if vr_like { Kind::BareExplicit } else { Kind::BareImplicit });
    }
    Ok(Kind::Other)
}

/// Open a DICOM file. `header_only` stops before the pixel data. Returns `Ok(None)` when the
/// file is clearly not DICOM (so folder scans can skip it).
pub(crate) fn open(path: &Path, header_only: bool) -> Result<Option<DefaultDicomObject>, DicomError> {
    let not_dicom =
        |e: &dyn std::fmt::Display| DicomError::NotDicom { path: path.to_path_buf(), detail: e.to_string() };
    let kind = sniff(path)?;
    let (start, meta, explicit) = match kind {
        Kind::Other => return Ok(None),
        Kind::Part10 => (132, true, true),
        Kind::BareExplicit => (0, false, true),
        Kind::BareImplicit => (0, false, false),
    };
    let file = std::fs::File::open(path).map_err(|e| io_err(path, e))?;
    let len = file.metadata().map_err(|e| io_err(path, e))?.len();
    super::lengths::check(std::io::BufReader::new(file), len, start, meta, explicit).map_err(|e| not_dicom(&e))?;
    match kind {
        Kind::Other => Ok(None),
        Kind::Part10 => {
            let mut opts = OpenFileOptions::new();
            if header_only {
                opts = opts.read_until(tags::PIXEL_DATA);
            }
            opts.open_file(path).map(Some).map_err(|e| not_dicom(&e))
        }
        kind => {
            let ts_uid = match kind {
                Kind::BareExplicit => uids::EXPLICIT_VR_LITTLE_ENDIAN,
                _ => uids::IMPLICIT_VR_LITTLE_ENDIAN,
            };
            let ts = dicom_transfer_syntax_registry::TransferSyntaxRegistry
                .get(ts_uid)
                .ok_or_else(|| not_dicom(&"transfer syntax registry lacks little endian"))?;
            let file = std::fs::File::open(path).map_err(|e| io_err(path, e))?;
            let obj =
                InMemDicomObject::read_dataset_with_ts(std::io::BufReader::new(file), ts).map_err(|e| not_dicom(&e))?;
            obj.with_meta(FileMetaTableBuilder::new().transfer_syntax(ts_uid)).map(Some).map_err(|e| not_dicom(&e))
        }
    }
}

/// Trimmed string value; `None` when absent, empty or not text.
pub(crate) fn get_str(obj: &Obj, tag: Tag) -> Option<String> {
    let v = obj.get(tag)?.to_str().ok()?;
    let s = v.trim_matches(|c: char| c.is_whitespace() || c == '\0').to_string();
    (!s.is_empty()).then_some(s)
}

/// Required trimmed string value.
pub(crate) fn req_str(obj: &Obj, tag: Tag, path: &Path, context: &str) -> Result<String, DicomError> {
    get_str(obj, tag).ok_or_else(|| missing(path, tag, context))
}

/// Numbers of a numeric or DS/IS attribute; `Ok(None)` when absent or empty.
pub(crate) fn get_f64s(obj: &Obj, tag: Tag, path: &Path) -> Result<Option<Vec<f64>>, DicomError> {
    let Some(e) = obj.get(tag) else { return Ok(None) };
    if dicom_core::header::HasLength::is_empty(e) {
        return Ok(None);
    }
    match e.to_multi_float64() {
        Ok(v) if v.is_empty() => Ok(None),
        Ok(v) if v.iter().all(|x| x.is_finite()) => Ok(Some(v)),
        Ok(v) => Err(invalid(path, tag, format!("non-finite value in {v:?}"))),
        Err(err) => Err(invalid(path, tag, err.to_string())),
    }
}

/// Exactly `n` numbers of a required attribute.
pub(crate) fn req_f64s(obj: &Obj, tag: Tag, n: usize, path: &Path, context: &str) -> Result<Vec<f64>, DicomError> {
    let v = get_f64s(obj, tag, path)?.ok_or_else(|| missing(path, tag, context))?;
    if v.len() != n {
        return Err(invalid(path, tag, format!("expected {n} values, found {}", v.len())));
    }
    Ok(v)
}

/// First number of an optional attribute.
pub(crate) fn get_f64(obj: &Obj, tag: Tag, path: &Path) -> Result<Option<f64>, DicomError> {
    Ok(get_f64s(obj, tag, path)?.and_then(|v| v.first().copied()))
}

/// Unsigned integer of an optional attribute (US, UL, IS).
pub(crate) fn get_u32(obj: &Obj, tag: Tag, path: &Path) -> Result<Option<u32>, DicomError> {
    match get_f64(obj, tag, path)? {
        None => Ok(None),
        Some(x) if x >= 0.0 && x.fract() == 0.0 && x <= u32::MAX as f64 => Ok(Some(x as u32)),
        Some(x) => Err(invalid(path, tag, format!("expected a non-negative integer, found {x}"))),
    }
}

/// Required unsigned integer.
pub(crate) fn req_u32(obj: &Obj, tag: Tag, path: &Path, context: &str) -> Result<u32, DicomError> {
    get_u32(obj, tag, path)?.ok_or_else(|| missing(path, tag, context))
}

/// Items of a sequence attribute (empty when absent).
pub(crate) fn items(obj: &Obj, tag: Tag) -> &[Obj] {
    obj.get(tag).and_then(|e| e.items()).unwrap_or(&[])
}

/// First item of a sequence attribute.
pub(crate) fn first_item(obj: &Obj, tag: Tag) -> Option<&Obj> {
    items(obj, tag).first()
}

pub(crate) fn missing(path: &Path, tag: Tag, context: &str) -> DicomError {
    DicomError::MissingTag { path: path.to_path_buf(), tag: tag_label(tag), context: context.to_string() }
}

pub(crate) fn invalid(path: &Path, tag: Tag, detail: impl Into<String>) -> DicomError {
    DicomError::InvalidTag { path: path.to_path_buf(), tag: tag_label(tag), detail: detail.into() }
}
