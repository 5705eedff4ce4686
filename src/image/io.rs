//! Reading images and masks by file extension (`.nii`, `.nii.gz`, `.nrrd`, `.nhdr`) and the
//! NIfTI writers. Must not resample, crop or otherwise change voxels beyond decoding.

use std::path::Path;

use super::error::ImageError;
use super::nifti::read_nifti_raw;
use super::nrrd::read_nrrd_raw;
use super::raw::RawVolume;
use super::volume::Volume;

pub use super::nifti_write::{write_nifti_f32, write_nifti_i16, write_nifti_u8};

/// Read a 3D image as f32 with ITK/SimpleITK geometry (LPS). Scaling (NIfTI scl_slope/
/// scl_inter) is applied; NaN/Inf voxels are an error (`NonFinite`).
pub fn read_image(path: &Path) -> Result<Volume<f32>, ImageError> {
    read_raw(path)?.into_f32(path)
}

/// Read a mask as 0/1. `Some(n)`: voxels equal to n; `None`: the file must hold exactly one
/// non-zero value (else `SeveralLabels`). No selected voxel gives `EmptyMask`.
pub fn read_mask(path: &Path, label: Option<u32>) -> Result<Volume<u8>, ImageError> {
    read_raw(path)?.into_mask(path, label)
}

fn read_raw(path: &Path) -> Result<RawVolume, ImageError> {
    if !path.exists() {
        return Err(ImageError::NotFound { path: path.to_path_buf() });
    }
    let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    if name.ends_with(".nii") || name.ends_with(".nii.gz") {
        read_nifti_raw(path)
    } else if name.ends_with(".nrrd") || name.ends_with(".nhdr") {
        read_nrrd_raw(path)
    } else {
        Err(ImageError::UnknownExtension { path: path.to_path_buf() })
    }
}
