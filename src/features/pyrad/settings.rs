//! PyRadiomics settings (`setting:` keys, PyRadiomics names and defaults) and the parser of a
//! PyRadiomics parameter YAML (`setting:`, `imageType:`, `featureClass:`, `voxelSetting:`).
//! Keys are checked against PyRadiomics' `paramSchema.yaml`: an unknown key is an error naming it.
//! This module must not compute anything on images.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::PyradError;

/// Every PyRadiomics `setting:` key, with PyRadiomics 3.1 defaults (featureextractor defaults
/// merged with the feature-class defaults). Filter keys are kept for the image-filter stage.
#[allow(non_snake_case)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PyradSettings {
    pub minimumROIDimensions: u32,
    pub minimumROISize: Option<u64>,
    pub geometryTolerance: Option<f64>,
    pub correctMask: bool,
    pub additionalInfo: bool,
    pub label: u32,
    pub label_channel: Option<u32>,
    pub binWidth: f64,
    pub binCount: Option<u32>,
    pub normalize: bool,
    pub normalizeScale: f64,
    pub removeOutliers: Option<f64>,
    pub resampledPixelSpacing: Option<Vec<f64>>,
    /// SimpleITK interpolator name (`sitkBSpline`, `sitkLinear`, `sitkNearestNeighbor`) or its
    /// integer code; `None` disables resampling (as in PyRadiomics).
    pub interpolator: Option<Value>,
    pub padDistance: i64,
    pub distances: Vec<i64>,
    pub force2D: bool,
    pub force2Ddimension: usize,
    pub resegmentRange: Option<Vec<f64>>,
    pub resegmentMode: String,
    pub resegmentShape: bool,
    pub preCrop: bool,
    pub sigma: Option<Vec<f64>>,
    pub start_level: Option<u32>,
    pub level: Option<u32>,
    pub wavelet: Option<String>,
    pub gradientUseSpacing: Option<bool>,
    pub lbp2DRadius: Option<f64>,
    pub lbp2DSamples: Option<u32>,
    pub lbp2DMethod: Option<String>,
    pub lbp3DLevels: Option<u32>,
    pub lbp3DIcosphereRadius: Option<f64>,
    pub lbp3DIcosphereSubdivision: Option<u32>,
    pub voxelArrayShift: f64,
    pub symmetricalGLCM: bool,
    pub weightingNorm: Option<String>,
    pub gldm_a: i64,
    /// Accepted for compatibility; this implementation has no C/Python split.
    pub enableCExtensions: Option<bool>,
}

impl Default for PyradSettings {
    fn default() -> Self {
        PyradSettings {
            minimumROIDimensions: 2,
            minimumROISize: None,
            geometryTolerance: None,
            correctMask: false,
            additionalInfo: true,
            label: 1,
            label_channel: None,
            binWidth: 25.0,
            binCount: None,
            normalize: false,
            normalizeScale: 1.0,
            removeOutliers: None,
            resampledPixelSpacing: None,
            interpolator: Some(Value::String("sitkBSpline".into())),
            padDistance: 5,
            distances: vec![1],
            force2D: false,
            force2Ddimension: 0,
            resegmentRange: None,
            resegmentMode: "absolute".into(),
            resegmentShape: false,
            preCrop: false,
            sigma: None,
            start_level: None,
            level: None,
            wavelet: None,
            gradientUseSpacing: None,
            lbp2DRadius: None,
            lbp2DSamples: None,
            lbp2DMethod: None,
            lbp3DLevels: None,
            lbp3DIcosphereRadius: None,
            lbp3DIcosphereSubdivision: None,
            voxelArrayShift: 0.0,
            symmetricalGLCM: true,
            weightingNorm: None,
            gldm_a: 0,
            enableCExtensions: None,
        }
    }
}

/// The interpolators this implementation reproduces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interpolator {
    NearestNeighbor,
    Linear,
    BSpline,
}

impl PyradSettings {
    /// Settings from a JSON object of PyRadiomics keys (missing keys take the defaults).
    pub fn from_json(v: &Value) -> Result<Self, PyradError> {
        serde_json::from_value(v.clone()).map_err(|e| PyradError::Settings(e.to_string()))
    }

    /// These settings with the keys of `overrides` (a JSON object) replaced, as PyRadiomics
    /// applies per-image-type custom settings.
    pub fn with_overrides(&self, overrides: &Map<String, Value>) -> Result<Self, PyradError> {
        let mut base = serde_json::to_value(self).map_err(|e| PyradError::Settings(e.to_string()))?;
        if let Value::Object(m) = &mut base {
            for (k, v) in overrides {
                m.insert(k.clone(), v.clone());
            }
        }
        Self::from_json(&base)
    }

    /// The interpolator to resample with, `None` when resampling is disabled.
    pub fn interpolator_kind(&self) -> Result<Option<Interpolator>, PyradError> {
        let Some(v) = &self.interpolator else { return Ok(None) };
        let kind = match v {
            Value::String(s) => match s.as_str() {
                "sitkNearestNeighbor" => Interpolator::NearestNeighbor,
                "sitkLinear" => Interpolator::Linear,
                "sitkBSpline" | "sitkBSpline3" => Interpolator::BSpline,
                other => return Err(PyradError::Settings(format!("interpolator {other:?} is not supported"))),
            },
            Value::Number(n) => match n.as_i64() {
                Some(1) => Interpolator::NearestNeighbor,
                Some(2) => Interpolator::Linear,
                Some(3) => Interpolator::BSpline,
                _ => return Err(PyradError::Settings(format!("interpolator code {n} is not supported"))),
            },
            Value::Null => return Ok(None),
            other => return Err(PyradError::Settings(format!("interpolator {other} is not a name"))),
        };
        Ok(Some(kind))
    }
}

/// PyRadiomics feature classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FeatureClass {
    FirstOrder,
    Glcm,
    Gldm,
    Glrlm,
    Glszm,
    Ngtdm,
    Shape,
    Shape2D,
}

impl FeatureClass {
    /// PyRadiomics module name (`firstorder`, `glcm`, …), used in column names.
    pub fn name(self) -> &'static str {
        match self {
            FeatureClass::FirstOrder => "firstorder",
            FeatureClass::Glcm => "glcm",
            FeatureClass::Gldm => "gldm",
            FeatureClass::Glrlm => "glrlm",
            FeatureClass::Glszm => "glszm",
            FeatureClass::Ngtdm => "ngtdm",
            FeatureClass::Shape => "shape",
            FeatureClass::Shape2D => "shape2D",
        }
    }

    /// Class from its PyRadiomics name.
    pub fn from_name(s: &str) -> Result<Self, PyradError> {
        Ok(match s {
            "firstorder" => FeatureClass::FirstOrder,
            "glcm" => FeatureClass::Glcm,
            "gldm" => FeatureClass::Gldm,
            "glrlm" => FeatureClass::Glrlm,
            "glszm" => FeatureClass::Glszm,
            "ngtdm" => FeatureClass::Ngtdm,
            "shape" => FeatureClass::Shape,
            "shape2D" => FeatureClass::Shape2D,
            other => return Err(PyradError::Settings(format!("unknown feature class {other:?}"))),
        })
    }
}

/// Enabled feature classes in PyRadiomics order; `None` = all non-deprecated features of
/// the class, `Some(list)` = exactly those features, in that order.
#[derive(Debug, Clone, PartialEq)]
pub struct EnabledClasses {
    pub classes: Vec<(FeatureClass, Option<Vec<String>>)>,
}

impl EnabledClasses {
    /// PyRadiomics' default: every class except shape2D, all features.
    pub fn all() -> Self {
        use FeatureClass::*;
        let classes = [FirstOrder, Glcm, Gldm, Glrlm, Glszm, Ngtdm, Shape].into_iter().map(|c| (c, None)).collect();
        EnabledClasses { classes }
    }

    /// Only the given classes (all their features), in the given order.
    pub fn only(classes: &[FeatureClass]) -> Self {
        EnabledClasses { classes: classes.iter().map(|&c| (c, None)).collect() }
    }

    /// The feature list for `class` if it is enabled.
    pub fn get(&self, class: FeatureClass) -> Option<&Option<Vec<String>>> {
        self.classes.iter().find(|(c, _)| *c == class).map(|(_, f)| f)
    }
}

/// A parsed PyRadiomics parameter file.
#[derive(Debug, Clone, PartialEq)]
pub struct PyradParams {
    pub settings: PyradSettings,
    /// Enabled image types in file order, each with its custom settings (a JSON object).
    pub image_types: Vec<(String, Map<String, Value>)>,
    pub classes: EnabledClasses,
    /// `voxelSetting:` keys (voxel-based extraction is not implemented; kept for reporting).
    pub voxel_settings: Map<String, Value>,
}

const IMAGE_TYPES: [&str; 10] =
    ["Original", "LoG", "Wavelet", "Square", "SquareRoot", "Logarithm", "Exponential", "Gradient", "LBP2D", "LBP3D"];
const VOXEL_KEYS: [&str; 4] = ["kernelRadius", "maskedKernel", "initValue", "voxelBatch"];

/// Parse a PyRadiomics parameter YAML. Unknown top-level sections, setting keys, image types
/// or feature classes are errors naming the offending key. Missing sections take PyRadiomics'
/// defaults (`Original` only; all classes when `featureClass` is empty).
pub fn parse_params_yaml(text: &str) -> Result<PyradParams, PyradError> {
    let doc: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(text).map_err(|e| PyradError::Settings(format!("YAML: {e}")))?;
    let top = yaml_entries(&doc, "parameter file")?;
    let mut settings_obj = Map::new();
    let mut image_types = Vec::new();
    let mut classes = Vec::new();
    let mut voxel_settings = Map::new();
    for (key, val) in &top {
        match key.as_str() {
            "setting" => settings_obj = as_map(&to_json(val)?, "setting")?,
            "voxelSetting" => {
                voxel_settings = as_map(&to_json(val)?, "voxelSetting")?;
                if let Some(k) = voxel_settings.keys().find(|k| !VOXEL_KEYS.contains(&k.as_str())) {
                    return Err(PyradError::Settings(format!("unknown voxelSetting {k:?}")));
                }
            }
            "imageType" => {
                for (name, custom) in yaml_entries(val, "imageType")? {
                    if !IMAGE_TYPES.contains(&name.as_str()) {
                        return Err(PyradError::Settings(format!("unknown image type {name:?}")));
                    }
                    let custom = as_map(&to_json(&custom)?, &name)?;
                    PyradSettings::default().with_overrides(&custom)?; // validates the keys
                    image_types.push((name, custom));
                }
            }
            "featureClass" => {
                for (name, feats) in yaml_entries(val, "featureClass")? {
                    let class = FeatureClass::from_name(&name)?;
                    let list = match to_json(&feats)? {
                        Value::Null => None,
                        Value::Array(a) if a.is_empty() => None,
                        Value::Array(a) => Some(
                            a.iter().map(|f| f.as_str().map(str::to_string)).collect::<Option<Vec<_>>>().ok_or_else(
                                || PyradError::Settings(format!("feature names of {name} must be strings")),
                            )?,
                        ),
                        _ => return Err(PyradError::Settings(format!("featureClass {name}: expected a list"))),
                    };
                    if let Some(l) = &list {
                        for f in l {
                            super::names::check_feature_name(class, f)?;
                        }
                    }
                    classes.push((class, list));
                }
            }
            other => return Err(PyradError::Settings(format!("unknown section {other:?}"))),
        }
    }
    let settings = PyradSettings::from_json(&Value::Object(settings_obj))?;
    if image_types.is_empty() {
        image_types.push(("Original".to_string(), Map::new()));
    }
    let classes = if classes.is_empty() {
        let mut all = EnabledClasses::all();
        all.classes.push((FeatureClass::Shape2D, None));
        all
    } else {
        EnabledClasses { classes }
    };
    Ok(PyradParams { settings, image_types, classes, voxel_settings })
}

/// Entries of a YAML mapping in file order (null = empty).
fn yaml_entries(v: &serde_yaml_ng::Value, what: &str) -> Result<Vec<(String, serde_yaml_ng::Value)>, PyradError> {
    match v {
        serde_yaml_ng::Value::Null => Ok(Vec::new()),
        serde_yaml_ng::Value::Mapping(m) => m
            .iter()
            .map(|(k, v)| {
                k.as_str()
                    .map(|k| (k.to_string(), v.clone()))
                    .ok_or_else(|| PyradError::Settings(format!("{what}: keys must be strings")))
            })
            .collect(),
        _ => Err(PyradError::Settings(format!("{what}: expected a mapping"))),
    }
}

fn to_json(v: &serde_yaml_ng::Value) -> Result<Value, PyradError> {
    serde_json::to_value(v).map_err(|e| PyradError::Settings(e.to_string()))
}

fn as_map(v: &Value, what: &str) -> Result<Map<String, Value>, PyradError> {
    match v {
        Value::Object(m) => Ok(m.clone()),
        Value::Null => Ok(Map::new()),
        _ => Err(PyradError::Settings(format!("{what}: expected a mapping"))),
    }
}

/// Parse the Python-literal settings dict PyRadiomics writes in
/// `diagnostics_Configuration_Settings` (e.g. `{'binWidth': 25, 'interpolator': None}`).
pub fn parse_python_settings_dict(text: &str) -> Result<PyradSettings, PyradError> {
    let mut json = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, json: &mut String| {
        match word.as_str() {
            "None" => json.push_str("null"),
            "True" => json.push_str("true"),
            "False" => json.push_str("false"),
            w => json.push_str(w),
        }
        word.clear();
    };
    let mut in_str = false;
    for ch in text.chars() {
        if in_str {
            json.push(if ch == '\'' { '"' } else { ch });
            in_str = ch != '\'';
        } else if ch == '\'' {
            flush(&mut word, &mut json);
            json.push('"');
            in_str = true;
        } else if ch.is_ascii_alphabetic() {
            word.push(ch);
        } else {
            flush(&mut word, &mut json);
            json.push(ch);
        }
    }
    flush(&mut word, &mut json);
    let v: Value = serde_json::from_str(&json).map_err(|e| PyradError::Settings(format!("settings dict: {e}")))?;
    PyradSettings::from_json(&v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_setting_is_named() {
        let err = parse_params_yaml("setting:\n  binWidht: 25\n").unwrap_err().to_string();
        assert!(err.contains("binWidht"), "{err}");
    }

    #[test]
    fn python_dict_parses() {
        let s = parse_python_settings_dict(
            "{'binWidth': 5, 'interpolator': None, 'force2D': True, 'resegmentRange': [-3, 3]}",
        )
        .unwrap();
        assert_eq!(s.binWidth, 5.0);
        assert!(s.interpolator.is_none());
        assert!(s.force2D);
        assert_eq!(s.resegmentRange, Some(vec![-3.0, 3.0]));
        assert_eq!(s.voxelArrayShift, 0.0);
    }
}
