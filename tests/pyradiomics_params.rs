//! PyRadiomics parameter files (`pyradiomics/params/*.yaml`) parse with our settings type,
//! every `setting:` key of PyRadiomics' `paramSchema.yaml` is a known setting, and the
//! baseline's ready-made YAML equals the settings dict recorded in the baseline CSV.

mod common;

use radstudy::features::pyrad::settings::parse_python_settings_dict;
use radstudy::features::pyrad::{parse_params_yaml, FeatureClass, PyradSettings};

fn params_dir() -> std::path::PathBuf {
    common::reference_dir().join("pyradiomics/params")
}

#[test]
fn shipped_parameter_files_parse() {
    for f in ["Params.yaml", "baseline_default.yaml", "exampleCT.yaml", "exampleMR_NoResampling.yaml"] {
        let text = std::fs::read_to_string(params_dir().join(f)).unwrap();
        let p = parse_params_yaml(&text).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(!p.image_types.is_empty(), "{f}");
        assert!(!p.classes.classes.is_empty(), "{f}");
    }
    let ct = parse_params_yaml(&std::fs::read_to_string(params_dir().join("exampleCT.yaml")).unwrap()).unwrap();
    assert_eq!(ct.settings.resampledPixelSpacing, Some(vec![1.0, 1.0, 1.0]));
    assert_eq!(ct.settings.voxelArrayShift, 1000.0);
    assert_eq!(ct.settings.padDistance, 10);
    let names: Vec<&str> = ct.image_types.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Original", "LoG", "Wavelet"]);
    let log = ct.settings.with_overrides(&ct.image_types[1].1).unwrap();
    assert_eq!(log.sigma, Some(vec![1.0, 2.0, 3.0, 4.0, 5.0]));
    // glcm lists every feature but SumAverage, in file order.
    let glcm = ct.classes.get(FeatureClass::Glcm).unwrap().as_ref().unwrap();
    assert_eq!(glcm.len(), 22);
    assert!(!glcm.iter().any(|n| n == "SumAverage"));
    let mr =
        parse_params_yaml(&std::fs::read_to_string(params_dir().join("exampleMR_NoResampling.yaml")).unwrap()).unwrap();
    assert!(mr.settings.force2D && mr.settings.normalize && mr.settings.preCrop);
    assert_eq!(mr.settings.binWidth, 5.0);
}

#[test]
fn every_schema_setting_is_known() {
    let text = std::fs::read_to_string(params_dir().join("paramSchema.yaml")).unwrap();
    let schema: serde_json::Value = serde_yaml_ng::from_str(&text).unwrap();
    let keys = schema["mapping"]["setting"]["mapping"].as_object().expect("setting mapping");
    let ours = serde_json::to_value(PyradSettings::default()).unwrap();
    for k in keys.keys() {
        assert!(ours.get(k).is_some(), "schema setting {k} missing from PyradSettings");
    }
    assert!(keys.len() >= 30);
}

#[test]
fn baseline_yaml_equals_baseline_column_settings() {
    let text = std::fs::read_to_string(params_dir().join("baseline_default.yaml")).unwrap();
    let from_yaml = parse_params_yaml(&text).unwrap().settings;
    let csv = common::reference_dir().join("pyradiomics/data/baseline/baseline_firstorder.csv");
    let mut rdr = csv::Reader::from_path(csv).unwrap();
    let rec = rdr.records().map(Result::unwrap).find(|r| &r[0] == "diagnostics_Configuration_Settings").unwrap();
    let from_csv = parse_python_settings_dict(&rec[1]).unwrap();
    assert_eq!(from_yaml.binWidth, from_csv.binWidth);
    assert_eq!(from_yaml.voxelArrayShift, from_csv.voxelArrayShift);
    assert_eq!(from_yaml.minimumROIDimensions, from_csv.minimumROIDimensions);
    assert_eq!(from_yaml.distances, from_csv.distances);
    assert_eq!(from_yaml.resampledPixelSpacing, from_csv.resampledPixelSpacing);
}

#[test]
fn unknown_keys_are_named() {
    let e = parse_params_yaml("setting:\n  binWidth: 25\n  foo: 1\n").unwrap_err().to_string();
    assert!(e.contains("foo"), "{e}");
    let e = parse_params_yaml("featureClass:\n  glcm: ['NotAFeature']\n").unwrap_err().to_string();
    assert!(e.contains("NotAFeature"), "{e}");
    let e = parse_params_yaml("imageType:\n  Foo: {}\n").unwrap_err().to_string();
    assert!(e.contains("Foo"), "{e}");
}
