//! DICOM input and output: read an MR series (classic one-file-per-slice or enhanced
//! multi-frame) into a `Volume<f32>` with ITK/SimpleITK (LPS) geometry, read DICOM-SEG and
//! RTSTRUCT masks onto an image grid, write series / SEG / RTSTRUCT, and summarise a folder.
//!
//! Geometry follows ITK: index i runs along the image row direction (first triplet of
//! ImageOrientationPatient, the column index), j along the column direction, k along the slice
//! normal (row × column); slices are sorted by ImagePositionPatient projected on that normal.
//! This module must not know about features or studies; it only converts files to volumes.
mod attrs;
mod elements;
mod error;
mod frames;
mod geometry;
mod info;
mod lengths;
mod marching;
mod pixels;
mod raster;
mod rtstruct;
mod scan;
mod seg;
mod series;
mod write_rtstruct;
mod write_seg;
mod write_series;

pub use error::DicomError;
pub use info::dicom_info;
pub use pixels::SUPPORTED_TRANSFER_SYNTAXES;
pub use rtstruct::read_rtstruct;
pub use seg::{read_seg, SegSelect};
pub use series::{read_series, read_series_ref, SeriesSelect};
pub use write_rtstruct::write_rtstruct;
pub use write_seg::write_seg;
pub use write_series::{write_series, SeriesMeta, SeriesRef};
