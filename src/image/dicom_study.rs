//! Images and masks as a cohort table names them, whatever their format: a folder (or a
//! `.dcm` file) is a DICOM MR series, a `.dcm` mask is a DICOM-SEG or RTSTRUCT placed on the
//! image's grid, anything else goes to `image::io` (NIfTI, NRRD). A mask entry may name the
//! segment or ROI after `#` (`seg.dcm#2`, `seg.dcm#liver`, `rtstruct.dcm#GTV`). Must not
//! resample or extract anything.

use super::dicom::{read_rtstruct, read_seg, read_series, SegSelect, SeriesSelect};
use super::io::{read_image, read_mask};
use super::Volume;
use std::path::{Path, PathBuf};

/// Split `path#selector` into the file and the optional selector.
fn split_selector(path: &Path) -> (PathBuf, Option<String>) {
    let s = path.to_string_lossy();
    match s.rsplit_once('#') {
        Some((file, sel)) if !sel.is_empty() && !sel.contains('/') => (PathBuf::from(file), Some(sel.to_string())),
        _ => (path.to_path_buf(), None),
    }
}

fn is_dicom_file(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("dcm"))
}

/// Read an image: a DICOM series (folder or `.dcm` file; `#<SeriesDescription or UID>` picks
/// one of several series) or a NIfTI / NRRD file.
pub fn read_any_image(path: &Path) -> Result<Volume<f32>, String> {
    let (file, sel) = split_selector(path);
    if file.is_dir() || is_dicom_file(&file) {
        let select = match sel {
            None => SeriesSelect::Only,
            Some(s) if s.chars().all(|c| c.is_ascii_digit() || c == '.') && s.contains('.') => SeriesSelect::Uid(s),
            Some(s) => SeriesSelect::Description(s),
        };
        return read_series(&file, select).map_err(|e| e.to_string());
    }
    read_image(path).map_err(|e| e.to_string())
}

/// Read a mask onto `reference`'s grid: DICOM-SEG (segment number or label after `#`, default
/// segment 1), RTSTRUCT (ROI name after `#`, required), or a NIfTI / NRRD label map
/// (`label` picks the value; `None` needs a single label).
pub fn read_any_mask(path: &Path, reference: &Volume<f32>, label: Option<u32>) -> Result<Volume<u8>, String> {
    let (file, sel) = split_selector(path);
    if !is_dicom_file(&file) {
        return read_mask(path, label).map_err(|e| e.to_string());
    }
    let seg = match &sel {
        None => SegSelect::Number(label.unwrap_or(1)),
        Some(s) => match s.parse::<u32>() {
            Ok(n) => SegSelect::Number(n),
            Err(_) => SegSelect::Label(s.clone()),
        },
    };
    match read_seg(&file, reference, seg) {
        Ok(m) => Ok(m),
        Err(seg_err) => {
            let msg = seg_err.to_string();
            if !msg.contains("not a DICOM-SEG") {
                return Err(msg);
            }
            let roi = sel.ok_or_else(|| {
                format!(
                    "{}: an RTSTRUCT mask needs its ROI name after `#` (e.g. `{}#GTV`)",
                    file.display(),
                    file.display()
                )
            })?;
            read_rtstruct(&file, reference, &roi).map_err(|e| e.to_string())
        }
    }
}
