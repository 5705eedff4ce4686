//! The IBSI 1 image-processing chain as plain functions on `Volume`s / arrays:
//! normalisation, resampling (image and ROI with partial-volume threshold), re-segmentation
//! into an intensity mask, and discretisation (texture/IH and IVH). Feature computation and
//! the order of the steps live in `crate::features::extract`, not here.

pub mod discretise;
pub mod normalise;
pub mod resample;
pub mod resegment;

pub use discretise::{discretise, ivh_discretise, Discretisation, Discretised, IvhDiscretisation, IvhGrid};
pub use normalise::{normalise, Normalisation, NormalisationRegion};
pub use resample::{centre_aligned_grid, resample_image, resample_mask, AxisGrid, Interpolation};
pub use resegment::{intensity_mask, resegmentation_range, Resegmentation};

/// Round every intensity to the nearest integer (IBSI 68QD; ties away from zero).
pub fn round_intensities(image: &crate::image::Volume<f32>) -> crate::image::Volume<f32> {
    image.with_data(image.data.mapv(f32::round))
}
