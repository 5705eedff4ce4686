//! The one error type of DICOM reading and writing. Every message names the file or folder,
//! the DICOM attribute (keyword and tag) involved, and what to do. No parsing logic here.

use std::path::PathBuf;

/// Why a DICOM series, SEG or RTSTRUCT could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum DicomError {
    #[error("{}: I/O error: {source}; check that the path exists and is readable (or writable)", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{}: not a readable DICOM file ({detail})", .path.display())]
    NotDicom { path: PathBuf, detail: String },

    #[error("{}: no DICOM image series found (searched recursively); check the folder", .path.display())]
    NoSeries { path: PathBuf },

    #[error("{}: several image series; choose one by UID or SeriesDescription:\n{listing}", .path.display())]
    SeveralSeries { path: PathBuf, listing: String },

    #[error("{}: no image series matches {wanted}; available:\n{listing}", .path.display())]
    SeriesNotFound { path: PathBuf, wanted: String, listing: String },

    #[error("{}: missing attribute {tag}{}", .path.display(), if .context.is_empty() { String::new() } else { format!(" ({})", .context) })]
    MissingTag { path: PathBuf, tag: String, context: String },

    #[error("{}: invalid attribute {tag}: {detail}", .path.display())]
    InvalidTag { path: PathBuf, tag: String, detail: String },

    #[error("{}: {detail}", .path.display())]
    Inconsistent { path: PathBuf, detail: String },

    #[error("{}: cannot decode pixel data with transfer syntax {transfer_syntax}: {detail}; convert the series to an uncompressed transfer syntax (e.g. `gdcmconv --raw` or `dcmdjpeg`)", .path.display())]
    Undecodable { path: PathBuf, transfer_syntax: String, detail: String },

    #[error("{}: no segment matches {wanted}; available segments: {available}", .path.display())]
    SegmentNotFound { path: PathBuf, wanted: String, available: String },

    #[error("{}: no ROI named {wanted:?}; available ROIs: {available}", .path.display())]
    RoiNotFound { path: PathBuf, wanted: String, available: String },

    #[error("{}: cannot write DICOM: {detail}", .path.display())]
    Write { path: PathBuf, detail: String },
}

/// Map an I/O error on `path`.
pub(crate) fn io_err(path: &std::path::Path, e: std::io::Error) -> DicomError {
    DicomError::Io { path: path.to_path_buf(), source: e }
}

/// Shorthand for an inconsistency error on `path`.
pub(crate) fn inconsistent(path: &std::path::Path, detail: impl Into<String>) -> DicomError {
    DicomError::Inconsistent { path: path.to_path_buf(), detail: detail.into() }
}
