//! Find DICOM files under a folder (recursively, in name order), read their headers and
//! group image files by SeriesInstanceUID. Must not decode pixels or build volumes.

use super::attrs::{get_str, open, Obj};
use super::error::{io_err, DicomError};
use dicom_dictionary_std::{tags, uids};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a DICOM file holds, as far as radstudy cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    Image,
    Seg,
    RtStruct,
    Other,
}

/// Header of one DICOM file (pixel data not read).
pub(crate) struct ScannedFile {
    pub path: PathBuf,
    pub header: Obj,
    pub kind: FileKind,
    pub series_uid: String,
    pub description: String,
    pub modality: String,
    pub transfer_syntax: String,
}

/// Everything found under a folder.
pub(crate) struct Scan {
    pub files: Vec<ScannedFile>,
    /// Files that looked like DICOM but could not be parsed, with the reason.
    pub unreadable: Vec<(PathBuf, String)>,
}

fn list_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), DicomError> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| io_err(dir, e))?
        .map(|e| e.map(|e| e.path()).map_err(|e| io_err(dir, e)))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for p in entries {
        if p.is_dir() {
            list_files(&p, out)?;
        } else if p.is_file() {
            out.push(p);
        }
    }
    Ok(())
}

fn kind_of(header: &Obj) -> FileKind {
    let sop = get_str(header, tags::SOP_CLASS_UID).unwrap_or_default();
    if sop == uids::SEGMENTATION_STORAGE {
        FileKind::Seg
    } else if sop == uids::RT_STRUCTURE_SET_STORAGE {
        FileKind::RtStruct
    } else if sop == uids::MEDIA_STORAGE_DIRECTORY_STORAGE || header.get(tags::ROWS).is_none() {
        FileKind::Other
    } else {
        FileKind::Image
    }
}

/// Read the header of one file; `Ok(None)` when it is not DICOM.
pub(crate) fn scan_file(path: &Path) -> Result<Option<ScannedFile>, DicomError> {
    let Some(obj) = open(path, true)? else { return Ok(None) };
    let transfer_syntax = obj.meta().transfer_syntax().trim_end_matches('\0').to_string();
    let header = obj.into_inner();
    Ok(Some(ScannedFile {
        path: path.to_path_buf(),
        kind: kind_of(&header),
        series_uid: get_str(&header, tags::SERIES_INSTANCE_UID).unwrap_or_else(|| "(no SeriesInstanceUID)".into()),
        description: get_str(&header, tags::SERIES_DESCRIPTION).unwrap_or_default(),
        modality: get_str(&header, tags::MODALITY).unwrap_or_default(),
        transfer_syntax,
        header,
    }))
}

/// Scan `path` (a folder, searched recursively, or a single file).
pub(crate) fn scan(path: &Path) -> Result<Scan, DicomError> {
    let mut paths = Vec::new();
    if path.is_dir() {
        list_files(path, &mut paths)?;
    } else {
        std::fs::metadata(path).map_err(|e| io_err(path, e))?;
        paths.push(path.to_path_buf());
    }
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    for p in paths {
        match scan_file(&p) {
            Ok(Some(f)) => files.push(f),
            Ok(None) => {}
            Err(DicomError::NotDicom { path, detail }) => unreadable.push((path, detail)),
            Err(e) => return Err(e),
        }
    }
    Ok(Scan { files, unreadable })
}

/// Image files grouped by SeriesInstanceUID (ordered by UID).
pub(crate) fn image_series(scan: &Scan) -> BTreeMap<&str, Vec<&ScannedFile>> {
    let mut map: BTreeMap<&str, Vec<&ScannedFile>> = BTreeMap::new();
    for f in scan.files.iter().filter(|f| f.kind == FileKind::Image) {
        map.entry(f.series_uid.as_str()).or_default().push(f);
    }
    map
}

/// One line per series: "UID  "description"  MODALITY  N file(s)".
pub(crate) fn listing(series: &BTreeMap<&str, Vec<&ScannedFile>>) -> String {
    series
        .iter()
        .map(|(uid, files)| {
            format!("  {uid}  {:?}  {}  {} file(s)", files[0].description, files[0].modality, files.len())
        })
        .collect::<Vec<_>>()
        .join("\n")
}
