//! PyRadiomics feature names per class, in PyRadiomics' enumeration order (sorted getter
//! names), with their deprecation status, and the selection of enabled features.
//! This module must not compute feature values.

use super::settings::FeatureClass;
use super::PyradError;

/// How a PyRadiomics feature behaves when enabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Enabled by default.
    Active,
    /// Deprecated but still computed when named explicitly.
    DeprecatedComputed,
    /// Deprecated; PyRadiomics raises and returns no value even when named.
    DeprecatedNoValue,
}

use Status::*;

/// (name, status) for every feature of `class`, in PyRadiomics order.
pub fn class_features(class: FeatureClass) -> &'static [(&'static str, Status)] {
    match class {
        FeatureClass::FirstOrder => &[
            ("10Percentile", Active),
            ("90Percentile", Active),
            ("Energy", Active),
            ("Entropy", Active),
            ("InterquartileRange", Active),
            ("Kurtosis", Active),
            ("Maximum", Active),
            ("MeanAbsoluteDeviation", Active),
            ("Mean", Active),
            ("Median", Active),
            ("Minimum", Active),
            ("Range", Active),
            ("RobustMeanAbsoluteDeviation", Active),
            ("RootMeanSquared", Active),
            ("Skewness", Active),
            ("StandardDeviation", DeprecatedComputed),
            ("TotalEnergy", Active),
            ("Uniformity", Active),
            ("Variance", Active),
        ],
        FeatureClass::Glcm => &[
            ("Autocorrelation", Active),
            ("ClusterProminence", Active),
            ("ClusterShade", Active),
            ("ClusterTendency", Active),
            ("Contrast", Active),
            ("Correlation", Active),
            ("DifferenceAverage", Active),
            ("DifferenceEntropy", Active),
            ("DifferenceVariance", Active),
            ("Dissimilarity", DeprecatedNoValue),
            ("Homogeneity1", DeprecatedNoValue),
            ("Homogeneity2", DeprecatedNoValue),
            ("Id", Active),
            ("Idm", Active),
            ("Idmn", Active),
            ("Idn", Active),
            ("Imc1", Active),
            ("Imc2", Active),
            ("InverseVariance", Active),
            ("JointAverage", Active),
            ("JointEnergy", Active),
            ("JointEntropy", Active),
            ("MCC", Active),
            ("MaximumProbability", Active),
            ("SumAverage", Active),
            ("SumEntropy", Active),
            ("SumSquares", Active),
            ("SumVariance", DeprecatedNoValue),
        ],
        FeatureClass::Gldm => &[
            ("DependenceEntropy", Active),
            ("DependenceNonUniformity", Active),
            ("DependenceNonUniformityNormalized", Active),
            ("DependencePercentage", DeprecatedNoValue),
            ("DependenceVariance", Active),
            ("GrayLevelNonUniformity", Active),
            ("GrayLevelNonUniformityNormalized", DeprecatedNoValue),
            ("GrayLevelVariance", Active),
            ("HighGrayLevelEmphasis", Active),
            ("LargeDependenceEmphasis", Active),
            ("LargeDependenceHighGrayLevelEmphasis", Active),
            ("LargeDependenceLowGrayLevelEmphasis", Active),
            ("LowGrayLevelEmphasis", Active),
            ("SmallDependenceEmphasis", Active),
            ("SmallDependenceHighGrayLevelEmphasis", Active),
            ("SmallDependenceLowGrayLevelEmphasis", Active),
        ],
        FeatureClass::Glrlm => &[
            ("GrayLevelNonUniformity", Active),
            ("GrayLevelNonUniformityNormalized", Active),
            ("GrayLevelVariance", Active),
            ("HighGrayLevelRunEmphasis", Active),
            ("LongRunEmphasis", Active),
            ("LongRunHighGrayLevelEmphasis", Active),
            ("LongRunLowGrayLevelEmphasis", Active),
            ("LowGrayLevelRunEmphasis", Active),
            ("RunEntropy", Active),
            ("RunLengthNonUniformity", Active),
            ("RunLengthNonUniformityNormalized", Active),
            ("RunPercentage", Active),
            ("RunVariance", Active),
            ("ShortRunEmphasis", Active),
            ("ShortRunHighGrayLevelEmphasis", Active),
            ("ShortRunLowGrayLevelEmphasis", Active),
        ],
        FeatureClass::Glszm => &[
            ("GrayLevelNonUniformity", Active),
            ("GrayLevelNonUniformityNormalized", Active),
            ("GrayLevelVariance", Active),
            ("HighGrayLevelZoneEmphasis", Active),
            ("LargeAreaEmphasis", Active),
            ("LargeAreaHighGrayLevelEmphasis", Active),
            ("LargeAreaLowGrayLevelEmphasis", Active),
            ("LowGrayLevelZoneEmphasis", Active),
            ("SizeZoneNonUniformity", Active),
            ("SizeZoneNonUniformityNormalized", Active),
            ("SmallAreaEmphasis", Active),
            ("SmallAreaHighGrayLevelEmphasis", Active),
            ("SmallAreaLowGrayLevelEmphasis", Active),
            ("ZoneEntropy", Active),
            ("ZonePercentage", Active),
            ("ZoneVariance", Active),
        ],
        FeatureClass::Ngtdm => &[
            ("Busyness", Active),
            ("Coarseness", Active),
            ("Complexity", Active),
            ("Contrast", Active),
            ("Strength", Active),
        ],
        FeatureClass::Shape => &[
            ("Compactness1", DeprecatedComputed),
            ("Compactness2", DeprecatedComputed),
            ("Elongation", Active),
            ("Flatness", Active),
            ("LeastAxisLength", Active),
            ("MajorAxisLength", Active),
            ("Maximum2DDiameterColumn", Active),
            ("Maximum2DDiameterRow", Active),
            ("Maximum2DDiameterSlice", Active),
            ("Maximum3DDiameter", Active),
            ("MeshVolume", Active),
            ("MinorAxisLength", Active),
            ("SphericalDisproportion", DeprecatedComputed),
            ("Sphericity", Active),
            ("SurfaceArea", Active),
            ("SurfaceVolumeRatio", Active),
            ("VoxelVolume", Active),
        ],
        FeatureClass::Shape2D => &[
            ("Elongation", Active),
            ("MajorAxisLength", Active),
            ("MaximumDiameter", Active),
            ("MeshSurface", Active),
            ("MinorAxisLength", Active),
            ("Perimeter", Active),
            ("PerimeterSurfaceRatio", Active),
            ("PixelSurface", Active),
            ("SphericalDisproportion", DeprecatedComputed),
            ("Sphericity", Active),
        ],
    }
}

/// Error unless `name` is a feature of `class` (PyRadiomics raises `LookupError`).
pub fn check_feature_name(class: FeatureClass, name: &str) -> Result<(), PyradError> {
    if class_features(class).iter().any(|(n, _)| *n == name) {
        Ok(())
    } else {
        Err(PyradError::Settings(format!("feature {name:?} not found in class {}", class.name())))
    }
}

/// The features to output, in order: the explicit list (minus those PyRadiomics returns no
/// value for) or all active features.
pub fn selected(class: FeatureClass, list: &Option<Vec<String>>) -> Result<Vec<&'static str>, PyradError> {
    let all = class_features(class);
    match list {
        None => Ok(all.iter().filter(|(_, s)| *s == Active).map(|(n, _)| *n).collect()),
        Some(names) => {
            let mut out = Vec::new();
            for name in names {
                check_feature_name(class, name)?;
                let (n, s) = all.iter().find(|(n, _)| n == name).copied().expect("checked");
                if s != DeprecatedNoValue && !out.contains(&n) {
                    out.push(n);
                }
            }
            Ok(out)
        }
    }
}

/// Pick `names` (in that order) out of computed `(name, value)` pairs.
pub fn pick(computed: &[(&'static str, f64)], names: &[&'static str]) -> Vec<(&'static str, f64)> {
    names.iter().filter_map(|n| computed.iter().find(|(c, _)| c == n).copied()).collect()
}
