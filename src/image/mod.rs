//! Images: the shared `Volume` type, file IO (NIfTI, NRRD) and ROI geometry.
pub mod dicom;
pub mod dicom_study;
pub mod edt;
pub mod error;
pub mod filters;
pub mod io;
mod nifti;
mod nifti_geometry;
mod nifti_write;
mod nrrd;
pub mod perturb;
pub mod preprocess;
mod raw;
pub mod roi;
mod stream;
pub mod volume;
pub use error::ImageError;
pub use volume::{GeometryTolerance, Volume};
