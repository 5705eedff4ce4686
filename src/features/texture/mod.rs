//! IBSI 1 texture features: GLCM (25), GLRLM (16), GLSZM (16), GLDZM (16), NGTDM (5) and
//! NGLDM (17) under every IBSI aggregation. This file is the public API (input, settings,
//! family and aggregation keys) and the input checks; matrix building lives in `matrix/`,
//! formulas in the `*_features` files, aggregation in `aggregate`. It must not discretise
//! intensities or read images: it receives grey levels 1..=N_g and masks.

pub mod aggregate;
pub mod emphasis_features;
pub mod glcm_features;
pub mod glrlm_features;
pub mod grid;
pub mod matrix;
pub mod ngldm_features;
pub mod ngtdm_features;
pub mod szm_features;

use crate::features::Feature;
use ndarray::{s, Array3};

/// Discretised ROI handed to texture families.
pub struct TextureInput<'a> {
    /// Grey level per voxel: 1..=n_levels inside the (re-segmented) intensity mask, 0 outside.
    pub levels: &'a Array3<u32>,
    /// Morphological mask (before re-segmentation), used by GLDZM's distance map.
    pub morph_mask: &'a Array3<bool>,
    /// Number of grey levels N_g (the largest level that may occur).
    pub n_levels: u32,
}

/// Texture feature family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TextureFamily {
    Glcm,
    Glrlm,
    Glszm,
    Gldzm,
    Ngtdm,
    Ngldm,
}

impl TextureFamily {
    /// All families in canonical order.
    pub const ALL: [TextureFamily; 6] = [
        TextureFamily::Glcm,
        TextureFamily::Glrlm,
        TextureFamily::Glszm,
        TextureFamily::Gldzm,
        TextureFamily::Ngtdm,
        TextureFamily::Ngldm,
    ];

    /// Feature.family key: "glcm", "glrlm", "glszm", "gldzm", "ngtdm", "ngldm".
    pub fn key(self) -> &'static str {
        match self {
            TextureFamily::Glcm => "glcm",
            TextureFamily::Glrlm => "glrlm",
            TextureFamily::Glszm => "glszm",
            TextureFamily::Gldzm => "gldzm",
            TextureFamily::Ngtdm => "ngtdm",
            TextureFamily::Ngldm => "ngldm",
        }
    }
}

/// IBSI texture aggregation (serde names = Feature.aggregation keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub enum Aggregation {
    /// 2D, averaged (BTW3): features per slice and 2D direction, averaged.
    #[serde(rename = "2d_avg")]
    D2Averaged,
    /// 2D, slice-merged (SUJT): directions merged per slice, features averaged over slices.
    #[serde(rename = "2d_smrg")]
    D2SliceMerged,
    /// 2.5D, direction-merged (JJUI): slices merged per direction, averaged over directions.
    #[serde(rename = "2_5d_dmrg")]
    D25DirectionMerged,
    /// 2.5D, merged (ZW7Z): all 2D matrices merged.
    #[serde(rename = "2_5d_mrg")]
    D25Merged,
    /// 3D, averaged (ITBB): features per 3D direction, averaged.
    #[serde(rename = "3d_avg")]
    D3Averaged,
    /// 3D, merged (IAZD): all 3D direction matrices merged.
    #[serde(rename = "3d_mrg")]
    D3Merged,
    /// 2D (8QNN): one matrix per slice, features averaged over slices.
    #[serde(rename = "2d")]
    D2,
    /// 2.5D (62GR): slice matrices merged.
    #[serde(rename = "2_5d")]
    D25,
    /// 3D (KOBO): one volumetric matrix.
    #[serde(rename = "3d")]
    D3,
}

impl Aggregation {
    /// Feature.aggregation key, e.g. "2d_avg", "3d".
    pub fn key(self) -> &'static str {
        match self {
            Aggregation::D2Averaged => "2d_avg",
            Aggregation::D2SliceMerged => "2d_smrg",
            Aggregation::D25DirectionMerged => "2_5d_dmrg",
            Aggregation::D25Merged => "2_5d_mrg",
            Aggregation::D3Averaged => "3d_avg",
            Aggregation::D3Merged => "3d_mrg",
            Aggregation::D2 => "2d",
            Aggregation::D25 => "2_5d",
            Aggregation::D3 => "3d",
        }
    }

    /// Parse the IBSI reference table label ("2D, averaged", "3D, merged", "2.5D", ...).
    pub fn from_ibsi_label(label: &str) -> Option<Aggregation> {
        Some(match label.trim() {
            "2D, averaged" => Aggregation::D2Averaged,
            "2D, slice-merged" => Aggregation::D2SliceMerged,
            "2.5D, direction-merged" => Aggregation::D25DirectionMerged,
            "2.5D, merged" => Aggregation::D25Merged,
            "3D, averaged" => Aggregation::D3Averaged,
            "3D, merged" => Aggregation::D3Merged,
            "2D" => Aggregation::D2,
            "2.5D" => Aggregation::D25,
            "3D" => Aggregation::D3,
            _ => return None,
        })
    }

    /// True for aggregations computed from per-slice (in-plane) matrices.
    pub fn is_slice_based(self) -> bool {
        !matches!(self, Aggregation::D3Averaged | Aggregation::D3Merged | Aggregation::D3)
    }
}

/// Texture matrix parameters (IBSI defaults: all distances 1, coarseness 0).
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct TextureSettings {
    /// GLCM Chebyshev distance δ (direction vectors are multiplied by δ), default 1.
    pub glcm_distance: u32,
    /// NGTDM neighbourhood Chebyshev distance, default 1.
    pub ngtdm_distance: u32,
    /// NGLDM neighbourhood Chebyshev distance, default 1.
    pub ngldm_distance: u32,
    /// NGLDM coarseness α, default 0.
    pub ngldm_coarseness: u32,
    /// GLSZM/GLDZM zone linkage (Chebyshev) distance, default 1 (26-conn 3D, 8 in 2D).
    pub szm_linkage: u32,
}

impl Default for TextureSettings {
    fn default() -> Self {
        TextureSettings { glcm_distance: 1, ngtdm_distance: 1, ngldm_distance: 1, ngldm_coarseness: 0, szm_linkage: 1 }
    }
}

const MATRIX_AGGREGATIONS: [Aggregation; 6] = [
    Aggregation::D2Averaged,
    Aggregation::D2SliceMerged,
    Aggregation::D25DirectionMerged,
    Aggregation::D25Merged,
    Aggregation::D3Averaged,
    Aggregation::D3Merged,
];
const ZONE_AGGREGATIONS: [Aggregation; 3] = [Aggregation::D2, Aggregation::D25, Aggregation::D3];

/// The aggregations a family supports, in canonical order.
pub fn aggregations_for(family: TextureFamily) -> &'static [Aggregation] {
    match family {
        TextureFamily::Glcm | TextureFamily::Glrlm => &MATRIX_AGGREGATIONS,
        _ => &ZONE_AGGREGATIONS,
    }
}

/// The family's default aggregation (3d_mrg for GLCM/GLRLM, 3d for the others).
pub fn default_aggregation(family: TextureFamily) -> Aggregation {
    match family {
        TextureFamily::Glcm | TextureFamily::Glrlm => Aggregation::D3Merged,
        _ => Aggregation::D3,
    }
}

/// All features of one family under one aggregation. Errors for an aggregation the family
/// does not support and for inputs that break the contract (mask shapes differ, a level
/// above `n_levels`, a distance of 0). Degenerate ROIs (empty, one voxel, one grey level)
/// give IBSI-defined values or NaN, never panic.
pub fn compute(
    input: &TextureInput,
    family: TextureFamily,
    aggregation: Aggregation,
    settings: &TextureSettings,
) -> Result<Vec<Feature>, String> {
    compute_aggregations(input, family, &[aggregation], settings)
}

/// All features of one family under each of `aggregations`, building each texture matrix
/// once (per-slice and volume matrices are shared between aggregations). Same errors and
/// degenerate-input behaviour as [`compute`].
pub fn compute_aggregations(
    input: &TextureInput,
    family: TextureFamily,
    aggregations: &[Aggregation],
    settings: &TextureSettings,
) -> Result<Vec<Feature>, String> {
    if let Some(a) = aggregations.iter().find(|a| !aggregations_for(family).contains(a)) {
        return Err(format!("aggregation {} is not defined for {}", a.key(), family.key()));
    }
    let roi = prepare(input, settings)?;
    Ok(aggregate::family_features(&roi, family, aggregations, settings))
}

/// All features of one family under every aggregation it supports (see
/// [`compute_aggregations`]).
pub fn compute_all(
    input: &TextureInput,
    family: TextureFamily,
    settings: &TextureSettings,
) -> Result<Vec<Feature>, String> {
    compute_aggregations(input, family, aggregations_for(family), settings)
}

/// Input checked and cropped to the bounding box of intensity ∪ morphological mask.
pub struct PreparedRoi {
    pub levels: Array3<u32>,
    pub morph: Array3<bool>,
    pub n_levels: usize,
}

fn prepare(input: &TextureInput, settings: &TextureSettings) -> Result<PreparedRoi, String> {
    if input.levels.shape() != input.morph_mask.shape() {
        return Err(format!(
            "texture: grey level array shape {:?} differs from morphological mask shape {:?}",
            input.levels.shape(),
            input.morph_mask.shape()
        ));
    }
    let distances = [
        ("glcm_distance", settings.glcm_distance),
        ("ngtdm_distance", settings.ngtdm_distance),
        ("ngldm_distance", settings.ngldm_distance),
        ("szm_linkage", settings.szm_linkage),
    ];
    if let Some((name, _)) = distances.iter().find(|d| d.1 == 0) {
        return Err(format!("texture: {name} must be at least 1"));
    }
    let max_level = input.levels.iter().copied().max().unwrap_or(0);
    if max_level > input.n_levels {
        return Err(format!("texture: grey level {max_level} exceeds n_levels = {}", input.n_levels));
    }
    let mut lo = [usize::MAX; 3];
    let mut hi = [0usize; 3];
    ndarray::Zip::indexed(input.levels).and(input.morph_mask).for_each(|(i, j, k), &l, &m| {
        if l > 0 || m {
            for (a, x) in [i, j, k].into_iter().enumerate() {
                lo[a] = lo[a].min(x);
                hi[a] = hi[a].max(x + 1);
            }
        }
    });
    if lo[0] == usize::MAX {
        lo = [0; 3];
        hi = [0; 3];
    }
    let view = s![lo[0]..hi[0], lo[1]..hi[1], lo[2]..hi[2]];
    Ok(PreparedRoi {
        levels: input.levels.slice(view).to_owned(),
        morph: input.morph_mask.slice(view).to_owned(),
        n_levels: input.n_levels as usize,
    })
}
