//! Reading images and masks by file extension (`.nii`, `.nii.gz`, `.nrrd`, `.nhdr`) and the
//! NIfTI writers. Must not resample, crop or otherwise change voxels beyond decoding.

use std::path::{Path, PathBuf};

use super::error::ImageError;
use super::nifti::read_nifti_raw;
use super::nrrd::{open_gzip_source, read_nrrd_raw};
use super::raw::RawVolume;
pub use super::raw::Selection;
use super::stream::{GzSource, LabelRows};
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

/// A file decoded to its stored samples but not converted: its geometry, checks and the
/// conversion of one box only (readers that need just a region's box skip converting and
/// transposing the rest). Values are exactly those `read_image` gives.
pub struct StoredVolume {
    path: PathBuf,
    raw: RawVolume,
}

impl StoredVolume {
    /// Read and decompress `path` (any format `read_image` takes).
    pub fn open(path: &Path) -> Result<Self, ImageError> {
        Ok(StoredVolume { path: path.to_path_buf(), raw: read_raw(path)? })
    }

    /// The file this volume came from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Shape and geometry, with zero-sized voxels (no voxel memory).
    pub fn geometry(&self) -> Volume<()> {
        self.raw.volume_geometry()
    }

    /// Number of voxels `read_image` would reject as NaN/Inf.
    pub fn count_nonfinite(&self) -> usize {
        self.raw.count_nonfinite_f32()
    }

    /// Inclusive (x, y, z) bounding box and count of the voxels whose `read_image` value
    /// satisfies `select`; `None` when there are none.
    pub fn select_box(&self, select: impl Fn(f32) -> bool) -> Option<Selection> {
        self.raw.select_box(select)
    }

    /// `read_image` values of the half-open box `lo..hi` (clamped), origin at the box.
    pub fn crop_f32(&self, lo: [usize; 3], hi: [usize; 3]) -> Volume<f32> {
        self.raw.crop_f32(lo, hi)
    }
}

/// A gzip-compressed NRRD opened for streaming: only its header is read; voxels are inflated
/// through a small buffer when asked for (no whole decompressed volume in memory). Values are
/// exactly those `read_image` gives.
pub struct StreamedVolume {
    src: GzSource,
}

/// The non-zero rows of a streamed label map (`StreamedVolume::scan_labels`).
pub struct StreamedLabels {
    rows: LabelRows,
    /// Number of voxels `read_image` would reject as NaN/Inf.
    pub nonfinite: usize,
    /// Bounding box and count of the selected voxels; `None` when there are none.
    pub selection: Option<Selection>,
}

impl StreamedLabels {
    /// `read_image` values of the half-open box `lo..hi` (clamped), origin at the box.
    pub fn crop_f32(&self, lo: [usize; 3], hi: [usize; 3]) -> Volume<f32> {
        self.rows.crop_f32(lo, hi)
    }
}

impl StreamedVolume {
    /// Read the header of `path`. `Ok(None)`: not a gzip-encoded `.nrrd`/`.nhdr` (or a header
    /// this reader leaves to `StoredVolume`).
    pub fn open(path: &Path) -> Result<Option<Self>, ImageError> {
        let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
        if !(name.ends_with(".nrrd") || name.ends_with(".nhdr")) || !path.exists() {
            return Ok(None);
        }
        Ok(open_gzip_source(path)?.map(|src| StreamedVolume { src }))
    }

    /// Shape and geometry, with zero-sized voxels (no voxel memory).
    pub fn geometry(&self) -> Volume<()> {
        self.src.layout.geometry()
    }

    /// Inflate the whole label map once: the selected voxels' box and the non-zero rows.
    /// `Ok(None)` when `select` accepts the value of stored 0.
    pub fn scan_labels(&self, select: impl Fn(f32) -> bool) -> Result<Option<StreamedLabels>, ImageError> {
        Ok(self.src.scan_labels(select)?.map(|(selection, rows, nonfinite)| StreamedLabels {
            rows,
            nonfinite,
            selection,
        }))
    }

    /// `read_image` values of the half-open box `lo..hi` (clamped), origin at the box;
    /// `Ok(None)` when the image holds NaN/Inf voxels. Inflates the whole stream (its checksum
    /// and size are checked) and keeps only the box's rows.
    pub fn crop_f32(&self, lo: [usize; 3], hi: [usize; 3]) -> Result<Option<Volume<f32>>, ImageError> {
        self.src.crop_f32(lo, hi)
    }
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
