//! IBSI 1 feature extraction: `IbsiSettings` (the processing configuration) and
//! `extract_ibsi`, which runs the chain normalise → resample image and ROI → round →
//! re-segment (intensity mask; the morphological mask stays the ROI) → discretise, and calls
//! every requested family. It holds no feature formulas itself.

use crate::features::error::FeatureError;
use crate::features::texture::{self, Aggregation, TextureFamily, TextureInput, TextureSettings};
use crate::features::{histogram, ivh, local_intensity, morphology, stats, Feature};
use crate::image::preprocess::{
    discretise, intensity_mask, ivh_discretise, normalise, resample_image, resample_mask, round_intensities,
    Discretisation, Interpolation, IvhDiscretisation, Normalisation, NormalisationRegion, Resegmentation,
};
use crate::image::{GeometryTolerance, Volume};
use ndarray::Array3;
use serde::{Deserialize, Serialize};

/// Feature family keys that can be requested (serde names = Feature.family keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FamilyName {
    Morph,
    Li,
    Stats,
    Ih,
    Ivh,
    Glcm,
    Glrlm,
    Glszm,
    Gldzm,
    Ngtdm,
    Ngldm,
}

impl FamilyName {
    /// Every family in canonical output order.
    pub const ALL: [FamilyName; 11] = [
        FamilyName::Morph,
        FamilyName::Li,
        FamilyName::Stats,
        FamilyName::Ih,
        FamilyName::Ivh,
        FamilyName::Glcm,
        FamilyName::Glrlm,
        FamilyName::Glszm,
        FamilyName::Gldzm,
        FamilyName::Ngtdm,
        FamilyName::Ngldm,
    ];

    /// The texture family behind this key, if it is one.
    pub fn texture(self) -> Option<TextureFamily> {
        Some(match self {
            FamilyName::Glcm => TextureFamily::Glcm,
            FamilyName::Glrlm => TextureFamily::Glrlm,
            FamilyName::Glszm => TextureFamily::Glszm,
            FamilyName::Gldzm => TextureFamily::Gldzm,
            FamilyName::Ngtdm => TextureFamily::Ngtdm,
            FamilyName::Ngldm => TextureFamily::Ngldm,
            _ => return None,
        })
    }
}

/// Texture aggregations per family; `None` means the default (3D: the family's default
/// aggregation; `by_slice`: "2d_smrg" for GLCM/GLRLM, "2d" for the others).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct TextureAggregations {
    pub glcm: Option<Vec<Aggregation>>,
    pub glrlm: Option<Vec<Aggregation>>,
    pub glszm: Option<Vec<Aggregation>>,
    pub gldzm: Option<Vec<Aggregation>>,
    pub ngtdm: Option<Vec<Aggregation>>,
    pub ngldm: Option<Vec<Aggregation>>,
}

impl TextureAggregations {
    /// The aggregations to compute for `family`.
    pub fn resolve(&self, family: TextureFamily, by_slice: bool) -> Vec<Aggregation> {
        let chosen = match family {
            TextureFamily::Glcm => &self.glcm,
            TextureFamily::Glrlm => &self.glrlm,
            TextureFamily::Glszm => &self.glszm,
            TextureFamily::Gldzm => &self.gldzm,
            TextureFamily::Ngtdm => &self.ngtdm,
            TextureFamily::Ngldm => &self.ngldm,
        };
        match chosen {
            Some(list) => list.clone(),
            None if by_slice => match family {
                TextureFamily::Glcm | TextureFamily::Glrlm => vec![Aggregation::D2SliceMerged],
                _ => vec![Aggregation::D2],
            },
            None => vec![texture::default_aggregation(family)],
        }
    }
}

/// IBSI processing configuration (IBSI 1 manual chapter "Image processing").
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct IbsiSettings {
    /// 2D configuration: resample in-plane only and default to 2D texture aggregations.
    pub by_slice: bool,
    /// Target voxel spacing in mm (i, j, k); `None` = no resampling. The k value is ignored
    /// when `by_slice`.
    pub resample_spacing: Option<[f64; 3]>,
    /// Image interpolation (default linear).
    pub interpolation: Interpolation,
    /// Round intensities to the nearest integer after resampling (e.g. CT HU).
    pub round_intensities: bool,
    /// ROI interpolation: nearest or linear (default linear).
    pub roi_interpolation: Interpolation,
    /// Partial-volume threshold δ for the interpolated ROI (default 0.5).
    pub roi_partial_volume: f64,
    /// Re-segmentation range and outlier filtering (default: none).
    pub resegmentation: Resegmentation,
    /// Discretisation for the intensity histogram and texture (default FBN 32).
    pub discretisation: Discretisation,
    /// Discretisation for the IVH (default FBN 1000, IBSI's advice for arbitrary units).
    pub ivh_discretisation: IvhDiscretisation,
    /// Intensity normalisation applied to the image before resampling (default none).
    pub normalisation: Option<Normalisation>,
    /// Voxels supplying the normalisation statistics (default the ROI).
    pub normalisation_region: NormalisationRegion,
    /// Families to compute (default all).
    pub families: Vec<FamilyName>,
    /// Texture aggregations per family.
    pub texture_aggregations: TextureAggregations,
    /// Texture matrix parameters.
    pub texture: TextureSettings,
}

impl Default for IbsiSettings {
    fn default() -> Self {
        IbsiSettings {
            by_slice: false,
            resample_spacing: None,
            interpolation: Interpolation::Linear,
            round_intensities: false,
            roi_interpolation: Interpolation::Linear,
            roi_partial_volume: 0.5,
            resegmentation: Resegmentation::default(),
            discretisation: Discretisation::Fbn(32),
            ivh_discretisation: IvhDiscretisation::Fbn(1000),
            normalisation: None,
            normalisation_region: NormalisationRegion::Roi,
            families: FamilyName::ALL.to_vec(),
            texture_aggregations: TextureAggregations::default(),
            texture: TextureSettings::default(),
        }
    }
}

impl IbsiSettings {
    /// Check value ranges and combinations; the message names the offending field.
    pub fn validate(&self) -> Result<(), FeatureError> {
        let bad = |m: String| Err(FeatureError::Settings(m));
        if let Some(sp) = self.resample_spacing {
            let used = if self.by_slice { 2 } else { 3 };
            if sp[..used].iter().any(|&v| !(v > 0.0 && v.is_finite())) {
                return bad(format!("resample_spacing must be > 0, got {sp:?}"));
            }
        }
        if !(self.roi_partial_volume > 0.0 && self.roi_partial_volume <= 1.0) {
            return bad(format!("roi_partial_volume must be in (0, 1], got {}", self.roi_partial_volume));
        }
        if self.roi_interpolation == Interpolation::CubicSpline {
            return bad("roi_interpolation must be nearest or linear".into());
        }
        let r = &self.resegmentation;
        if let (Some(a), Some(b)) = (r.min, r.max) {
            if a > b {
                return bad(format!("resegmentation min {a} > max {b}"));
            }
        }
        if r.outlier_sigma.is_some_and(|k| k.is_nan() || k <= 0.0) {
            return bad("resegmentation outlier_sigma must be > 0".into());
        }
        for fam in FamilyName::ALL.iter().filter_map(|f| f.texture()) {
            for agg in self.texture_aggregations.resolve(fam, self.by_slice) {
                if !texture::aggregations_for(fam).contains(&agg) {
                    return bad(format!("{fam:?} does not support aggregation {agg:?}"));
                }
            }
        }
        Ok(())
    }
}

/// Run the IBSI chain on `image` with ROI `mask` (non-zero = ROI) and compute the requested
/// families. Errors for mismatched grids, invalid settings or an empty ROI.
pub fn extract_ibsi(image: &Volume<f32>, mask: &Volume<u8>, s: &IbsiSettings) -> Result<Vec<Feature>, FeatureError> {
    extract_ibsi_with_reference(image, mask, None, s)
}

/// The processed ROI: image after normalisation/resampling/rounding, the morphological mask
/// (resampled ROI) and the intensity mask (morphological mask after re-segmentation).
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedRoi {
    pub image: Volume<f32>,
    pub morph_mask: Volume<bool>,
    pub intensity_mask: Array3<bool>,
}

/// Run the image-processing part of the chain (everything before discretisation).
/// Errors for mismatched grids, invalid settings or an ROI that is or becomes empty.
pub fn prepare_roi(
    image: &Volume<f32>,
    mask: &Volume<u8>,
    reference: Option<&Volume<u8>>,
    s: &IbsiSettings,
) -> Result<PreparedRoi, FeatureError> {
    s.validate()?;
    let tol = GeometryTolerance::default();
    if let Some(m) = image.geometry_mismatch(mask, tol) {
        return Err(FeatureError::Geometry(m));
    }
    let roi = mask.with_data(mask.data.mapv(|v| v != 0));
    if !roi.data.iter().any(|&v| v) {
        return Err(FeatureError::EmptyRoi("in the input mask"));
    }
    let mut img = image.clone();
    if let Some(method) = s.normalisation {
        let region = match s.normalisation_region {
            NormalisationRegion::Roi => roi.data.clone(),
            NormalisationRegion::Image => roi.data.mapv(|_| true),
            NormalisationRegion::Reference => {
                let r = reference.ok_or_else(|| {
                    FeatureError::Settings("normalisation_region = reference needs a reference mask".into())
                })?;
                if let Some(m) = image.geometry_mismatch(r, tol) {
                    return Err(FeatureError::Geometry(format!("reference mask: {m}")));
                }
                r.data.mapv(|v| v != 0)
            }
        };
        img.data = normalise(&img.data, &region, method).map_err(FeatureError::Processing)?;
    }
    let morph = match s.resample_spacing {
        Some(sp) => {
            img = resample_image(&img, sp, s.interpolation, s.by_slice);
            resample_mask(&roi, sp, s.roi_interpolation, s.roi_partial_volume, s.by_slice)
        }
        None => roi,
    };
    if s.round_intensities {
        img = round_intensities(&img);
    }
    if !morph.data.iter().any(|&v| v) {
        return Err(FeatureError::EmptyRoi("after ROI resampling"));
    }
    let int_mask = intensity_mask(&img.data, &morph.data, &s.resegmentation);
    if !int_mask.iter().any(|&v| v) {
        return Err(FeatureError::EmptyRoi("after re-segmentation"));
    }
    Ok(PreparedRoi { image: img, morph_mask: morph, intensity_mask: int_mask })
}

/// As `extract_ibsi`, with a reference-tissue mask for `NormalisationRegion::Reference`.
pub fn extract_ibsi_with_reference(
    image: &Volume<f32>,
    mask: &Volume<u8>,
    reference: Option<&Volume<u8>>,
    s: &IbsiSettings,
) -> Result<Vec<Feature>, FeatureError> {
    let PreparedRoi { image: img, morph_mask: morph, intensity_mask: int_mask } =
        prepare_roi(image, mask, reference, s)?;
    let values: Vec<f64> = img.data.iter().zip(&int_mask).filter(|(_, &m)| m).map(|(&v, _)| v as f64).collect();
    let wants = |f: FamilyName| s.families.contains(&f);
    let needs_levels = FamilyName::ALL.iter().any(|&f| wants(f) && (f == FamilyName::Ih || f.texture().is_some()));
    let disc = if needs_levels {
        let r = &s.resegmentation;
        Some(discretise(&img.data, &int_mask, s.discretisation, r.min, r.max).map_err(FeatureError::Processing)?)
    } else {
        None
    };
    let mut out = Vec::new();
    for fam in FamilyName::ALL.into_iter().filter(|&f| wants(f)) {
        match fam {
            FamilyName::Morph => out.extend(morphology::compute(&morph, &img, &int_mask)),
            FamilyName::Li => out.extend(local_intensity::compute(&img, &int_mask)),
            FamilyName::Stats => out.extend(stats::compute(&values)),
            FamilyName::Ih => {
                let d = disc.as_ref().expect("discretised when ih is requested");
                let levels: Vec<u32> = d.levels.iter().cloned().filter(|&l| l > 0).collect();
                let n_bins = match s.discretisation {
                    Discretisation::Fbn(n) => n,
                    _ => 0, // FBS / none: histogram up to the largest occurring level
                };
                out.extend(histogram::compute(&levels, n_bins));
            }
            FamilyName::Ivh => {
                let r = &s.resegmentation;
                let (d, grid) =
                    ivh_discretise(&values, s.ivh_discretisation, r.min, r.max).map_err(FeatureError::Processing)?;
                out.extend(ivh::compute(&d, grid));
            }
            _ => {
                let tf = fam.texture().expect("remaining families are texture families");
                let d = disc.as_ref().expect("discretised when texture is requested");
                let input = TextureInput { levels: &d.levels, morph_mask: &morph.data, n_levels: d.n_levels };
                // One call for all aggregations: each texture matrix is built once.
                let aggs = s.texture_aggregations.resolve(tf, s.by_slice);
                out.extend(
                    texture::compute_aggregations(&input, tf, &aggs, &s.texture).map_err(FeatureError::Processing)?,
                );
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_deserialize_with_defaults_and_reject_unknown_fields() {
        let s: IbsiSettings = serde_json::from_str(
            r#"{"by_slice": true, "resample_spacing": [2, 2, 0], "discretisation": {"fbs": 25},
                "resegmentation": {"min": -500, "max": 400}, "ivh_discretisation": "none",
                "families": ["stats", "ih"], "texture_aggregations": {"glcm": ["2d_avg", "2_5d_mrg"]},
                "normalisation": {"percentile": {"low": 1, "high": 99, "clip": false}}}"#,
        )
        .unwrap();
        assert_eq!(s.discretisation, Discretisation::Fbs(25.0));
        assert_eq!(s.roi_partial_volume, 0.5);
        assert_eq!(
            s.texture_aggregations.resolve(TextureFamily::Glcm, true),
            vec![Aggregation::D2Averaged, Aggregation::D25Merged]
        );
        assert_eq!(s.texture_aggregations.resolve(TextureFamily::Ngtdm, true), vec![Aggregation::D2]);
        assert!(s.validate().is_ok());
        assert!(serde_json::from_str::<IbsiSettings>(r#"{"bins": 3}"#).is_err());
        let bad: IbsiSettings = serde_json::from_str(r#"{"texture_aggregations": {"ngtdm": ["3d_avg"]}}"#).unwrap();
        assert!(bad.validate().is_err());
    }

    #[test]
    fn degenerate_rois_never_panic() {
        let img = Volume::new(Array3::from_elem((4, 4, 3), 7.0f32), [1.0, 1.0, 2.0]);
        let s = IbsiSettings { discretisation: Discretisation::Fbn(8), ..Default::default() };
        // single voxel
        let mut m = Array3::<u8>::zeros((4, 4, 3));
        m[[1, 1, 1]] = 1;
        let fs = extract_ibsi(&img, &img.with_data(m.clone()), &s).unwrap();
        assert!(fs.iter().any(|f| f.family == "stats"));
        // constant intensity, single slice, with resampling
        let mut m2 = Array3::<u8>::zeros((4, 4, 3));
        m2.slice_mut(ndarray::s![.., .., 1]).fill(1);
        let s2 = IbsiSettings { resample_spacing: Some([0.7, 0.7, 0.7]), ..s.clone() };
        assert!(extract_ibsi(&img, &img.with_data(m2), &s2).is_ok());
        // empty ROI and emptied by re-segmentation are errors, not panics
        let empty = img.with_data(Array3::<u8>::zeros((4, 4, 3)));
        assert!(matches!(extract_ibsi(&img, &empty, &s), Err(FeatureError::EmptyRoi(_))));
        let s3 = IbsiSettings { resegmentation: Resegmentation { min: Some(100.0), ..Default::default() }, ..s };
        assert!(matches!(extract_ibsi(&img, &img.with_data(m), &s3), Err(FeatureError::EmptyRoi(_))));
    }

    #[test]
    fn normalisation_over_a_reference_mask() {
        // ROI voxels {10, 20}; reference voxels {0, 2, 4}: μ = 2, σ = √(8/3).
        let mut data = Array3::<f32>::zeros((5, 1, 1));
        for (i, v) in [10.0, 20.0, 0.0, 2.0, 4.0].into_iter().enumerate() {
            data[[i, 0, 0]] = v;
        }
        let img = Volume::new(data, [1.0; 3]);
        let roi = img.with_data(Array3::from_shape_vec((5, 1, 1), vec![1u8, 1, 0, 0, 0]).unwrap());
        let reference = img.with_data(Array3::from_shape_vec((5, 1, 1), vec![0u8, 0, 1, 1, 1]).unwrap());
        let s = IbsiSettings {
            normalisation: Some(Normalisation::ZScore),
            normalisation_region: NormalisationRegion::Reference,
            families: vec![FamilyName::Stats],
            ..Default::default()
        };
        let fs = extract_ibsi_with_reference(&img, &roi, Some(&reference), &s).unwrap();
        let mean = fs.iter().find(|f| f.name == "mean").unwrap().value;
        assert!((mean - (15.0 - 2.0) / (8.0f64 / 3.0).sqrt()).abs() < 1e-5);
        assert!(matches!(extract_ibsi(&img, &roi, &s), Err(FeatureError::Settings(_))));
    }
}
