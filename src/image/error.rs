//! The one error type of image reading and writing. Every message names the file, says what
//! is wrong and what to do about it. Must not contain any parsing logic.

use std::path::PathBuf;

/// Why an image or mask could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("{}: file not found; check the path (relative paths are resolved from the working directory)", .path.display())]
    NotFound { path: PathBuf },

    #[error("{}: I/O error: {source}; check that the file is readable (or the directory writable)", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{}: file is truncated ({detail}); re-export or re-copy it", .path.display())]
    Truncated { path: PathBuf, detail: String },

    #[error("{}: file is corrupt ({detail}); re-export or re-copy it", .path.display())]
    Corrupt { path: PathBuf, detail: String },

    #[error("{}: not a NIfTI-1/2 file ({detail}); check that the file is a .nii/.nii.gz image", .path.display())]
    NotNifti { path: PathBuf, detail: String },

    #[error("{}: not a NRRD file ({detail}); check that the file is a .nrrd/.nhdr image", .path.display())]
    NotNrrd { path: PathBuf, detail: String },

    #[error("{}: invalid header: {detail}; re-export the image with a standard tool (e.g. SimpleITK, 3D Slicer)", .path.display())]
    InvalidHeader { path: PathBuf, detail: String },

    #[error("{}: unsupported {what}; convert the image to an integer or float32/float64 NIfTI or NRRD", .path.display())]
    UnsupportedDatatype { path: PathBuf, what: String },

    #[error("{}: not a 3D image ({detail}); radstudy needs one 3D volume per file", .path.display())]
    Not3D { path: PathBuf, detail: String },

    #[error("{}: {count} voxel(s) are NaN or infinite; fix or mask them before running the study", .path.display())]
    NonFinite { path: PathBuf, count: usize },

    #[error("{}: mask holds several labels ({}); set `[cohort] mask_label = N` in the manifest to pick one", .path.display(), format_labels(.labels))]
    SeveralLabels { path: PathBuf, labels: Vec<f64> },

    #[error("{}: mask is empty ({}); check the segmentation and the `label` setting", .path.display(), match .label { Some(n) => format!("no voxel equals label {n}"), None => "no non-zero voxel".to_string() })]
    EmptyMask { path: PathBuf, label: Option<u32> },

    #[error("{}: unknown file extension; use .nii, .nii.gz, .nrrd or .nhdr", .path.display())]
    UnknownExtension { path: PathBuf },

    #[error("{}: cannot store the image: {detail}", .path.display())]
    NotRepresentable { path: PathBuf, detail: String },
}

/// At most ten labels, then "… (N in total)".
fn format_labels(labels: &[f64]) -> String {
    let shown: Vec<String> = labels.iter().take(10).map(|v| v.to_string()).collect();
    if labels.len() > 10 {
        format!("{}, … ({} in total)", shown.join(", "), labels.len())
    } else {
        shown.join(", ")
    }
}

/// Map an I/O error on `path`: an early end of data becomes `Truncated`, a missing file
/// `NotFound`, anything else `Io`.
pub(crate) fn io_error(path: &std::path::Path, e: std::io::Error) -> ImageError {
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof => ImageError::Truncated { path: path.to_path_buf(), detail: e.to_string() },
        std::io::ErrorKind::NotFound => ImageError::NotFound { path: path.to_path_buf() },
        _ => ImageError::Io { path: path.to_path_buf(), source: e },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_labels_message_tells_what_to_do() {
        let e = ImageError::SeveralLabels { path: PathBuf::from("/x/m.nii.gz"), labels: vec![1.0, 2.0] };
        let msg = e.to_string();
        assert!(msg.contains("/x/m.nii.gz") && msg.contains("1, 2") && msg.contains("mask_label = N"), "{msg}");
    }
}
