//! Translating the manifest's `[preprocess]` and `[features]` (MRI-study terms) into the
//! engine's `IbsiSettings`. Must not compute anything; one function, one mapping.

use super::extract::{FamilyName, IbsiSettings};
use crate::image::preprocess::{Discretisation, Interpolation, IvhDiscretisation, Normalisation, Resegmentation};
use crate::manifest::{self, Manifest};

/// The IBSI settings a study's manifest asks for. Families are in canonical order.
pub fn from_manifest(m: &Manifest) -> IbsiSettings {
    let p = &m.preprocess;
    let interpolation = match p.interpolation {
        manifest::Interpolation::Nearest => Interpolation::Nearest,
        manifest::Interpolation::Linear => Interpolation::Linear,
        manifest::Interpolation::Cubic => Interpolation::CubicSpline,
    };
    let normalisation = match p.normalise {
        manifest::Normalise::None => None,
        manifest::Normalise::Zscore => Some(Normalisation::ZScore),
        manifest::Normalise::Range => Some(Normalisation::Range),
        manifest::Normalise::Percentile => Some(Normalisation::Percentile { low: 1.0, high: 99.0, clip: false }),
    };
    let discretisation = match (p.discretise.bin_count, p.discretise.bin_width) {
        (_, Some(w)) => Discretisation::Fbs(w),
        (Some(n), None) => Discretisation::Fbn(n),
        (None, None) => Discretisation::Fbn(32),
    };
    let families =
        FamilyName::ALL.into_iter().filter(|f| m.features.families.iter().any(|name| family_key(*f) == name)).collect();
    IbsiSettings {
        resample_spacing: p.resample_mm,
        interpolation,
        normalisation,
        resegmentation: Resegmentation {
            min: p.resegment_range.map(|r| r[0]),
            max: p.resegment_range.map(|r| r[1]),
            outlier_sigma: p.outlier_sd,
        },
        discretisation,
        families,
        by_slice: m.features.by_slice,
        round_intensities: p.round_intensities,
        roi_partial_volume: p.roi_partial_volume,
        ivh_discretisation: match p.ivh_discretise {
            Some(d) => match (d.bin_count, d.bin_width) {
                (_, Some(w)) => IvhDiscretisation::Fbs(w),
                (Some(n), None) => IvhDiscretisation::Fbn(n),
                (None, None) => IvhDiscretisation::Fbn(1000),
            },
            None => IvhDiscretisation::Fbn(1000),
        },
        texture_aggregations: m.features.aggregation.clone(),
        ..IbsiSettings::default()
    }
}

/// The manifest name of a family (= its Feature.family key).
pub fn family_key(f: FamilyName) -> &'static str {
    match f {
        FamilyName::Morph => "morph",
        FamilyName::Li => "li",
        FamilyName::Stats => "stats",
        FamilyName::Ih => "ih",
        FamilyName::Ivh => "ivh",
        FamilyName::Glcm => "glcm",
        FamilyName::Glrlm => "glrlm",
        FamilyName::Glszm => "glszm",
        FamilyName::Gldzm => "gldzm",
        FamilyName::Ngtdm => "ngtdm",
        FamilyName::Ngldm => "ngldm",
    }
}
