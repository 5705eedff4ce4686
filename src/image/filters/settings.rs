//! Build a `FilterSpec` from a PyRadiomics image-type name and its settings (the merged
//! `setting` + `imageType.<name>` mapping of a PyRadiomics parameter file, as JSON values).
//! Must not run filters; unknown or ill-typed values are errors, absent ones take
//! PyRadiomics 3.1's defaults.

use serde_json::{Map, Value};

use super::{FilterError, FilterSpec, LbpMethod};

fn number(s: &Map<String, Value>, key: &str, default: f64) -> Result<f64, FilterError> {
    match s.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(v) => v.as_f64().ok_or_else(|| FilterError::InvalidSetting(format!("{key} must be a number, got {v}"))),
    }
}

fn count(s: &Map<String, Value>, key: &str, default: u64) -> Result<u64, FilterError> {
    match s.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(v) => v
            .as_u64()
            .ok_or_else(|| FilterError::InvalidSetting(format!("{key} must be a non-negative integer, got {v}"))),
    }
}

/// PyRadiomics image type `name` ("Original", "LoG", "Wavelet", "Square", "SquareRoot",
/// "Logarithm", "Exponential", "Gradient", "LBP2D", "LBP3D") with `settings` keys `sigma`,
/// `wavelet`, `start_level`, `level`, `gradientUseSpacing`, `lbp2DRadius`, `lbp2DSamples`,
/// `lbp2DMethod`, `force2Ddimension`, `lbp3DLevels`, `lbp3DIcosphereRadius`,
/// `lbp3DIcosphereSubdivision`; other keys are ignored.
pub fn spec_from_pyradiomics(name: &str, settings: &Map<String, Value>) -> Result<FilterSpec, FilterError> {
    Ok(match name {
        "Original" => FilterSpec::Original,
        "LoG" => {
            let sigma = match settings.get("sigma") {
                Some(Value::Array(a)) => a
                    .iter()
                    .map(|v| {
                        v.as_f64()
                            .ok_or_else(|| FilterError::InvalidSetting(format!("sigma entry {v} is not a number")))
                    })
                    .collect::<Result<Vec<f64>, _>>()?,
                Some(v) if v.is_number() => vec![v.as_f64().unwrap_or(f64::NAN)],
                _ => return Err(FilterError::InvalidSetting("LoG needs a 'sigma' list (mm)".into())),
            };
            FilterSpec::Log { sigma_mm: sigma }
        }
        "Wavelet" => FilterSpec::Wavelet {
            wavelet: match settings.get("wavelet") {
                None | Some(Value::Null) => "coif1".to_string(),
                Some(Value::String(w)) => w.clone(),
                Some(v) => return Err(FilterError::InvalidSetting(format!("wavelet must be a name, got {v}"))),
            },
            start_level: u32::try_from(count(settings, "start_level", 0)?)
                .map_err(|_| FilterError::InvalidSetting("start_level too large".into()))?,
            level: u32::try_from(count(settings, "level", 1)?)
                .map_err(|_| FilterError::InvalidSetting("level too large".into()))?,
        },
        "Square" => FilterSpec::Square,
        "SquareRoot" => FilterSpec::SquareRoot,
        "Logarithm" => FilterSpec::Logarithm,
        "Exponential" => FilterSpec::Exponential,
        "Gradient" => FilterSpec::Gradient {
            use_spacing: match settings.get("gradientUseSpacing") {
                None | Some(Value::Null) => true,
                Some(Value::Bool(b)) => *b,
                Some(v) => {
                    return Err(FilterError::InvalidSetting(format!("gradientUseSpacing must be true/false, got {v}")))
                }
            },
        },
        "LBP2D" => FilterSpec::Lbp2d {
            radius: number(settings, "lbp2DRadius", 1.0)?,
            samples: u32::try_from(count(settings, "lbp2DSamples", 8)?)
                .map_err(|_| FilterError::InvalidSetting("lbp2DSamples too large".into()))?,
            method: LbpMethod::from_name(settings.get("lbp2DMethod").and_then(Value::as_str).unwrap_or("uniform"))?,
            force_2d_dimension: count(settings, "force2Ddimension", 0)? as usize,
        },
        "LBP3D" => FilterSpec::Lbp3d(super::lbp3d::Lbp3dParams {
            levels: u32::try_from(count(settings, "lbp3DLevels", 2)?)
                .map_err(|_| FilterError::InvalidSetting("lbp3DLevels too large".into()))?,
            radius: number(settings, "lbp3DIcosphereRadius", 1.0)?,
            subdivision: u32::try_from(count(settings, "lbp3DIcosphereSubdivision", 1)?)
                .map_err(|_| FilterError::InvalidSetting("lbp3DIcosphereSubdivision too large".into()))?,
        }),
        other => return Err(FilterError::InvalidSetting(format!("unknown PyRadiomics image type '{other}'"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_pyradiomics() {
        let empty = Map::new();
        assert_eq!(spec_from_pyradiomics("Wavelet", &empty).unwrap(), FilterSpec::default_wavelet());
        assert_eq!(spec_from_pyradiomics("LBP2D", &empty).unwrap(), FilterSpec::default_lbp2d());
        assert_eq!(spec_from_pyradiomics("Gradient", &empty).unwrap(), FilterSpec::Gradient { use_spacing: true });
        assert!(spec_from_pyradiomics("LoG", &empty).is_err());
        assert_eq!(spec_from_pyradiomics("LBP3D", &empty).unwrap(), FilterSpec::default_lbp3d());
        let mut custom = Map::new();
        custom.insert("lbp3DLevels".into(), Value::from(3));
        custom.insert("lbp3DIcosphereRadius".into(), Value::from(2.5));
        custom.insert("lbp3DIcosphereSubdivision".into(), Value::from(2));
        let want = super::super::lbp3d::Lbp3dParams { levels: 3, radius: 2.5, subdivision: 2 };
        assert_eq!(spec_from_pyradiomics("LBP3D", &custom).unwrap(), FilterSpec::Lbp3d(want));
        custom.insert("lbp3DLevels".into(), Value::from(1.5));
        assert!(spec_from_pyradiomics("LBP3D", &custom).is_err());
    }
}
