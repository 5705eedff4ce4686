//! One PyRadiomics case end to end, as `RadiomicsFeatureExtractor.execute` does it: preprocess
//! the image and label map, shape features of the original image, then every enabled image type
//! (Original, LoG, Wavelet, …; file order) filtered from the preprocessed image and its features
//! (each image type with its custom settings merged over the global ones). Columns are named and
//! ordered as PyRadiomics writes them. This module must not read files or know about cohorts.

use std::borrow::Cow;

use serde_json::Value;

use super::prepare::prepare_with;
use super::roi::RoiArrays;
use super::{extract_from_roi, extract_shape, PyradError, PyradParams};
use crate::image::filters::lbp3d::{lbp3d_box, SampleType};
use crate::image::filters::{for_each_box, spec_from_pyradiomics, FilterError, FilterSpec};
use crate::image::Volume;

/// The result of one case: `diagnostics_*` entries and `(column, value)` features in order.
#[derive(Debug, Clone)]
pub struct CaseOutput {
    pub diagnostics: Vec<(String, String)>,
    pub features: Vec<(String, f64)>,
}

/// Extract every enabled feature of every enabled image type of one case. `mask_labels` is the
/// raw label map (the ROI is the voxels equal to `params.settings.label`).
pub fn extract_case(
    image: &Volume<f32>,
    mask_labels: &Volume<f32>,
    params: &PyradParams,
) -> Result<CaseOutput, PyradError> {
    extract_case_from(Cow::Borrowed(image), Cow::Borrowed(mask_labels), params)
}

/// `extract_case` taking the volumes, dropping each as soon as no later step reads it: the
/// label map after preprocessing, the image too when only the Original image type is enabled.
/// The same output; less memory held while features are computed, so fewer fresh pages.
pub fn extract_case_owned(
    image: Volume<f32>,
    mask_labels: Volume<f32>,
    params: &PyradParams,
) -> Result<CaseOutput, PyradError> {
    extract_case_from(Cow::Owned(image), Cow::Owned(mask_labels), params)
}

fn extract_case_from(
    image: Cow<'_, Volume<f32>>,
    mask_labels: Cow<'_, Volume<f32>>,
    params: &PyradParams,
) -> Result<CaseOutput, PyradError> {
    let settings = &params.settings;
    // LBP3D samples around the ROI voxels, beyond the ROI's box: it needs the whole image.
    let whole_image = params.image_types.iter().any(|(name, _)| name == "LBP3D");
    let mut prepared = prepare_with(&image, &mask_labels, settings, !whole_image)?;
    drop(mask_labels);
    // Filters (and LBP3D's sample type) read the input image; the Original type does not.
    let image = params.image_types.iter().any(|(name, _)| name != "Original").then_some(image);
    let image = || image.as_deref().expect("kept while a filtered image type is enabled");
    let mut features = extract_shape(&prepared, settings, &params.classes)?;
    // The original ROI, cropped once; filtered images reuse its mask (same grid and box).
    let mut original = RoiArrays::crop(&prepared.image, &prepared.texture_mask, prepared.bbox);
    if prepared.image_is_input && !whole_image {
        // The prepared image is then just the ROI box, copied into `original`; filters read the
        // input image and nothing reads this one again: free it now (less memory held).
        prepared.image.data = ndarray::Array3::zeros((0, 0, 0));
    }
    // The filters' f32 input: the input image when preprocessing left it as it was, else
    // converted once and only when some filter runs.
    let base_f32 = std::cell::OnceCell::new();
    let filter_input = || {
        if prepared.image_is_input {
            image()
        } else {
            base_f32.get_or_init(|| prepared.image.with_data(prepared.image.data.mapv(|v| v as f32)))
        }
    };
    for (type_name, custom) in &params.image_types {
        let merged = settings.with_overrides(custom)?;
        let merged_map = match serde_json::to_value(&merged) {
            Ok(Value::Object(m)) => m,
            _ => return Err(PyradError::Settings(format!("image type {type_name}: settings are not an object"))),
        };
        if type_name == "Original" {
            features.extend(extract_from_roi("original", &original, &merged, &params.classes)?);
            // Filtered images take only the ROI's mask and spacing from here on: free the image
            // and its cached discretisation (less memory held while the filters run).
            original.image = ndarray::Array3::zeros((0, 0, 0));
            original.binned = Default::default();
            continue;
        }
        let spec = spec_from_pyradiomics(type_name, &merged_map)
            .map_err(|e| PyradError::Settings(format!("image type {type_name}: {e}")))?;
        // Filters compute only the ROI's bounding box where that is exact (LoG, wavelet), and
        // each derived image's features are taken before the next image is computed (one held
        // at a time: fewer fresh memory pages).
        // LBP3D samples around the ROI voxels of the (re-segmented) mask, in the image's dtype.
        let settings_error = |e: FilterError| PyradError::Settings(format!("image type {type_name}: {e}"));
        let mut add = |name: String, filtered: ndarray::Array3<f64>| -> Result<(), Step> {
            let roi = RoiArrays::from_box(&filtered, &original);
            drop(filtered);
            features.extend(extract_from_roi(&name, &roi, &merged, &params.classes).map_err(Step::Features)?);
            Ok(())
        };
        let done = if let FilterSpec::Lbp3d(p) = &spec {
            let sample = lbp3d_sample_type(image(), settings);
            let images =
                lbp3d_box(&prepared.image, &prepared.texture_mask, p, sample, prepared.bbox).map_err(settings_error)?;
            images.into_iter().try_for_each(|(name, filtered)| add(name, filtered))
        } else {
            for_each_box(filter_input(), &spec, prepared.filter_bbox, add)
        };
        done.map_err(|e| match e {
            Step::Filter(e) => settings_error(e),
            Step::Features(e) => e,
        })?;
    }
    Ok(CaseOutput { diagnostics: prepared.diagnostics.clone(), features })
}

/// Why one derived image of an image type failed: its filter, or its features.
enum Step {
    Filter(FilterError),
    Features(PyradError),
}

impl From<FilterError> for Step {
    fn from(e: FilterError) -> Self {
        Step::Filter(e)
    }
}

/// The numpy dtype of PyRadiomics' preprocessed image: float64 after normalisation, else the
/// input's (resampling keeps it), as `resample::PixelKind::detect` infers it.
fn lbp3d_sample_type(image: &Volume<f32>, settings: &super::PyradSettings) -> SampleType {
    match (settings.normalize, super::resample::PixelKind::detect(image)) {
        (true, _) | (false, super::resample::PixelKind::Float64) => SampleType::Float64,
        (false, super::resample::PixelKind::Integer { min, max }) => SampleType::Integer { min, max },
        (false, super::resample::PixelKind::Float32) => SampleType::Float32,
    }
}

/// A binary region (any non-zero voxel) as a label map holding `label`, for `extract_case`.
pub fn region_as_labels(region: &Volume<u8>, label: u32) -> Volume<f32> {
    region.with_data(region.data.mapv(|v| if v > 0 { label as f32 } else { 0.0 }))
}
