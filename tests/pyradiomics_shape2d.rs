//! shape2D (force2D) against PyRadiomics 3.1.4 itself: tests/data/shape2d/shape2d_reference.json
//! was written by tests/data/shape2d/make_shape2d_reference.py (PyRadiomics' extractor on
//! single-slice masks cut from the five sample label maps along each axis, plus a scattered
//! synthetic slice). Every feature within 1e-9 relative; the cases PyRadiomics refuses (ROI
//! thicker than one pixel) must be errors and the ones it skips must give no shape2D columns.
mod common;

use std::path::PathBuf;

use ndarray::{Array3, Axis};
use radstudy::features::pyrad::settings::FeatureClass;
use radstudy::features::pyrad::{self, EnabledClasses, PyradSettings};
use radstudy::image::io::read_image;
use radstudy::image::Volume;
use serde_json::Value;

const TOL: f64 = 1e-9;

fn reference() -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/shape2d/shape2d_reference.json");
    serde_json::from_str(&std::fs::read_to_string(p).expect("shape2d_reference.json")).expect("valid JSON")
}

/// Keep label-1 voxels on index `slice` of numpy axis `dim` (Volume axes are (x, y, z)).
fn cut(label: &Volume<f32>, dim: usize, slice: i64) -> Volume<f32> {
    if slice < 0 {
        return label.clone();
    }
    let axis = 2 - dim;
    let mut data = Array3::<f32>::zeros(label.data.raw_dim());
    data.index_axis_mut(Axis(axis), slice as usize)
        .assign(&label.data.index_axis(Axis(axis), slice as usize).mapv(|v| if v == 1.0 { 1.0 } else { 0.0 }));
    label.with_data(data)
}

fn synthetic() -> (Volume<f32>, Volume<f32>) {
    // Same rule as make_shape2d_reference.py, (x, y, z) indices.
    let mask = Array3::from_shape_fn((17, 13, 1), |(i, j, _)| {
        let inside = (1..=15).contains(&i) && (1..=11).contains(&j);
        if inside && (37 * i + 91 * j + 7 * i * j) % 7 < 4 {
            1.0f32
        } else {
            0.0
        }
    });
    let mut m = Volume::new(mask, [0.7, 0.9, 2.5]);
    m.origin = [0.0; 3];
    (m.with_data(Array3::from_elem((17, 13, 1), 1.0f32)), m)
}

#[test]
fn shape2d_matches_pyradiomics_3_1_4() {
    let r = reference();
    let names: Vec<String> = r["features"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().into()).collect();
    let classes = EnabledClasses { classes: vec![(FeatureClass::Shape2D, Some(names.clone()))] };
    let data = common::reference_dir().join("pyradiomics/data");
    let (mut checked, mut errors, mut skipped) = (0, 0, 0);
    let mut failures = Vec::new();
    let mut max_rel = 0.0f64;
    for (key, want) in r["cases"].as_object().unwrap() {
        let case = key.split_once('/').unwrap().0;
        let (img, lab) = if case == "synthetic" {
            synthetic()
        } else {
            let lab = read_image(&data.join(format!("{case}_label.nrrd"))).unwrap();
            let dim = want["dim"].as_u64().unwrap() as usize;
            let lab = cut(&lab, dim, want["slice"].as_i64().unwrap());
            (read_image(&data.join(format!("{case}_image.nrrd"))).unwrap(), lab)
        };
        let s = PyradSettings {
            force2D: true,
            force2Ddimension: want["dim"].as_u64().unwrap() as usize,
            ..PyradSettings::default()
        };
        let prepared = pyrad::prepare(&img, &lab, &s).unwrap_or_else(|e| panic!("{key}: {e}"));
        let got = pyrad::extract_shape(&prepared, &s, &classes);
        if want.get("error").is_some() {
            let e = got.expect_err(key).to_string();
            assert!(e.contains("one pixel thick"), "{key}: {e}");
            errors += 1;
            continue;
        }
        let got = got.unwrap_or_else(|e| panic!("{key}: {e}"));
        if want.get("skipped").is_some() {
            assert!(got.is_empty(), "{key}: PyRadiomics skips shape2D here, got {got:?}");
            skipped += 1;
            continue;
        }
        let want = want["features"].as_object().unwrap();
        assert_eq!(got.len(), want.len(), "{key}: feature count");
        for (name, w) in want {
            let w = w.as_f64().unwrap();
            let g = got.iter().find(|(n, _)| n == &format!("original_shape2D_{name}")).unwrap().1;
            max_rel = max_rel.max(((g - w) / w).abs());
            if ((g - w) / w).abs() > TOL {
                failures.push(format!("{key} {name}: got {g}, PyRadiomics {w}"));
            }
            checked += 1;
        }
    }
    eprintln!("shape2D: {checked} values, max relative difference {max_rel:e}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!((checked, errors, skipped), (11 * 10, 5, 5));
}
