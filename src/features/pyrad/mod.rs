//! PyRadiomics-exact feature extraction (`[features] convention = "pyradiomics"`): the
//! PyRadiomics 3.1 preprocessing (label selection, mask checks, normalisation, resampling on
//! PyRadiomics' grid, re-segmentation, cropping, binning) and its feature classes, with
//! PyRadiomics column names (`<imageType>_<class>_<Feature>`) in PyRadiomics' order.
//! Image filters (LoG, wavelet, …) live elsewhere: pass their output to `extract_from_image`.
//! This module must not follow IBSI where PyRadiomics differs; it reproduces PyRadiomics.

pub mod angles;
pub mod binning;
pub mod case;
pub mod eigen;
pub mod firstorder;
pub mod glcm;
pub mod gldm;
pub mod glrlm;
pub mod glszm;
mod mc_table;
pub mod mesh;
pub mod names;
pub mod ngtdm;
pub mod prepare;
pub mod resample;
pub mod roi;
pub mod settings;
pub mod shape;
pub mod shape2d;

pub use case::{extract_case, extract_case_owned, region_as_labels, CaseOutput};
pub use prepare::{prepare, Prepared};
pub use settings::{parse_params_yaml, EnabledClasses, FeatureClass, PyradParams, PyradSettings};

use crate::image::Volume;

/// Errors of the PyRadiomics engine (PyRadiomics raises `ValueError` in the same situations).
#[derive(Debug, thiserror::Error)]
pub enum PyradError {
    #[error("pyradiomics settings: {0}")]
    Settings(String),
    #[error("pyradiomics mask: {0}")]
    Mask(String),
    #[error("pyradiomics geometry: {0}")]
    Geometry(String),
    #[error("pyradiomics feature class {class}: {msg}")]
    Feature { class: &'static str, msg: String },
}

/// Extract the enabled PyRadiomics features of the original image: preprocessing as
/// PyRadiomics' `RadiomicsFeatureExtractor.execute`, then shape (on the un-resegmented mask
/// unless `resegmentShape`) and the other classes, as `original_<class>_<Feature>` columns.
pub fn extract_pyradiomics(
    image: &Volume<f32>,
    mask_labels: &Volume<f32>,
    settings: &PyradSettings,
    classes: &EnabledClasses,
) -> Result<Vec<(String, f64)>, PyradError> {
    let prepared = prepare(image, mask_labels, settings)?;
    let mut out = extract_shape(&prepared, settings, classes)?;
    out.extend(extract_from_image("original", &prepared.image, &prepared, settings, classes)?);
    Ok(out)
}

/// Shape features (`original_shape_*`) of a prepared case, empty when shape is not enabled.
/// Mesh-based features follow PyRadiomics' marching cubes (`mesh.rs`); shape2D (with force2D
/// only, as PyRadiomics) its marching squares (`shape2d.rs`).
pub fn extract_shape(
    prepared: &Prepared,
    settings: &PyradSettings,
    classes: &EnabledClasses,
) -> Result<Vec<(String, f64)>, PyradError> {
    let mut out = Vec::new();
    let shape_mask = if settings.resegmentShape { &prepared.texture_mask } else { &prepared.mask };
    if let Some(list) = classes.get(FeatureClass::Shape) {
        let names = names::selected(FeatureClass::Shape, list)?;
        let roi = roi::RoiArrays::crop(&prepared.image, shape_mask, prepared.bbox);
        let values = shape::compute(&roi.mask, roi.spacing)?;
        for (n, v) in names::pick(&values, &names) {
            out.push((format!("original_shape_{n}"), v));
        }
    }
    // PyRadiomics skips shape2D (with a warning) unless force2D is set.
    if let (Some(list), true) = (classes.get(FeatureClass::Shape2D), settings.force2D) {
        let names = names::selected(FeatureClass::Shape2D, list)?;
        let roi = roi::RoiArrays::crop(&prepared.image, shape_mask, prepared.bbox);
        if let shape2d::Shape2dOutcome::Features(values) =
            shape2d::compute(&roi.mask, roi.spacing, settings.force2Ddimension)?
        {
            for (n, v) in names::pick(&values, &names) {
                out.push((format!("original_shape2D_{n}"), v));
            }
        }
    }
    Ok(out)
}

/// Features of every enabled non-shape class for one (original or filtered) image on the
/// prepared grid, named `<image_type_name>_<class>_<Feature>` (e.g. `wavelet-LLH`).
/// `image` must share the grid of `prepared.image`.
pub fn extract_from_image(
    image_type_name: &str,
    image: &Volume<f64>,
    prepared: &Prepared,
    settings: &PyradSettings,
    classes: &EnabledClasses,
) -> Result<Vec<(String, f64)>, PyradError> {
    if image.shape() != prepared.image.shape() {
        return Err(PyradError::Geometry(format!(
            "image shape {:?} differs from the prepared grid {:?}",
            image.shape(),
            prepared.image.shape()
        )));
    }
    let roi = roi::RoiArrays::crop(image, &prepared.texture_mask, prepared.bbox);
    extract_from_roi(image_type_name, &roi, settings, classes)
}

/// `extract_from_image` for an image already cropped to the ROI's bounding box.
pub fn extract_from_roi(
    image_type_name: &str,
    roi: &roi::RoiArrays,
    settings: &PyradSettings,
    classes: &EnabledClasses,
) -> Result<Vec<(String, f64)>, PyradError> {
    let mut out = Vec::new();
    for (class, list) in &classes.classes {
        let values: Vec<(&'static str, f64)> = match class {
            FeatureClass::Shape | FeatureClass::Shape2D => continue,
            FeatureClass::FirstOrder => firstorder::compute(roi, settings)?,
            FeatureClass::Glcm => glcm::compute(roi, settings)?,
            FeatureClass::Glrlm => glrlm::compute(roi, settings)?,
            FeatureClass::Glszm => glszm::compute(roi, settings)?,
            FeatureClass::Gldm => gldm::compute(roi, settings)?,
            FeatureClass::Ngtdm => ngtdm::compute(roi, settings)?,
        };
        let names = names::selected(*class, list)?;
        for (n, v) in names::pick(&values, &names) {
            out.push((format!("{image_type_name}_{}_{n}", class.name()), v));
        }
    }
    Ok(out)
}

/// numpy `nanmean`: mean of the non-NaN values, NaN when there are none.
pub(crate) fn nanmean(v: &[f64]) -> f64 {
    let ok: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
    if ok.is_empty() {
        f64::NAN
    } else {
        ok.iter().sum::<f64>() / ok.len() as f64
    }
}

/// A small deterministic generator for the unit tests' random volumes: `next(m)` is uniform in
/// `0..m` (a 64-bit linear congruential generator, upper bits).
#[cfg(test)]
pub(crate) fn test_rng(seed: u64) -> impl FnMut(u64) -> u64 {
    let mut state = seed;
    move |m| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) % m
    }
}
