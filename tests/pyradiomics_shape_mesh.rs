//! Mesh-based shape features against PyRadiomics 3.1.4 itself: the values in
//! tests/data/pyradiomics/shape_reference.json were written by
//! tests/data/pyradiomics/make_shape_reference.py (PyRadiomics' own extractor on the five
//! sample cases, with and without resampling, and on a scattered synthetic mask). All 17 shape
//! features (deprecated ones included) must agree within 1e-6 relative.
mod common;

use std::path::PathBuf;

use ndarray::Array3;
use radstudy::features::pyrad::settings::FeatureClass;
use radstudy::features::pyrad::{self, EnabledClasses, PyradSettings};
use radstudy::image::io::read_image;
use radstudy::image::Volume;
use serde_json::Value;

const TOL: f64 = 1e-6;

fn reference() -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/pyradiomics/shape_reference.json");
    serde_json::from_str(&std::fs::read_to_string(p).expect("shape_reference.json")).expect("valid JSON")
}

fn all_shape(want: &serde_json::Map<String, Value>) -> EnabledClasses {
    EnabledClasses { classes: vec![(FeatureClass::Shape, Some(want.keys().cloned().collect()))] }
}

fn synthetic() -> (Volume<f32>, Volume<f32>) {
    // Same rule as make_shape_reference.py (`synthetic`), (x, y, z) indices.
    let sh = (13, 11, 9);
    let mask = Array3::from_shape_fn(sh, |(i, j, k)| {
        let inside = (2..=10).contains(&i) && (2..=8).contains(&j) && (1..=7).contains(&k);
        if inside && (37 * i + 91 * j + 53 * k + 7 * i * j + 3 * j * k) % 5 < 3 {
            1.0f32
        } else {
            0.0
        }
    });
    let mut m = Volume::new(mask, [0.7, 0.9, 2.0]);
    m.origin = [0.0; 3];
    let img = m.with_data(Array3::from_elem(sh, 1.0f32));
    (img, m)
}

#[test]
fn mesh_shape_matches_pyradiomics_3_1_4() {
    let r = reference();
    let data = common::reference_dir().join("pyradiomics/data");
    let mut checked = 0;
    let mut failures = Vec::new();
    for (key, want) in r["cases"].as_object().unwrap() {
        let (case, config) = key.split_once('/').unwrap();
        let (img, lab) = if case == "synthetic" {
            synthetic()
        } else {
            (
                read_image(&data.join(format!("{case}_image.nrrd"))).unwrap(),
                read_image(&data.join(format!("{case}_label.nrrd"))).unwrap(),
            )
        };
        let mut s = PyradSettings::default();
        if config == "resampled" {
            s.resampledPixelSpacing = Some(vec![2.0, 2.0, 2.0]);
            s.interpolator = Some(Value::String("sitkBSpline".into()));
        }
        let want = want.as_object().unwrap();
        let prepared = pyrad::prepare(&img, &lab, &s).unwrap_or_else(|e| panic!("{key}: {e}"));
        let got = pyrad::extract_shape(&prepared, &s, &all_shape(want)).unwrap();
        assert_eq!(got.len(), want.len(), "{key}: feature count");
        for (name, w) in want {
            let w = w.as_f64().unwrap();
            let g = got.iter().find(|(n, _)| n == &format!("original_shape_{name}")).unwrap().1;
            if ((g - w) / w).abs() > TOL {
                failures.push(format!("{key} {name}: got {g}, PyRadiomics {w}"));
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(checked, 11 * 17);
}
