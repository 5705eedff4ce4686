//! Derived images (PyRadiomics image types) against PyRadiomics 3.1.4 itself: the summaries in
//! tests/data/filters/reference.json were written by tests/data/filters/make_reference.py
//! (PyRadiomics' own imageoperations on brain1 cropped as preCrop does, and a formula volume).
mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use ndarray::Array3;
use radstudy::image::filters::{apply, spec_from_pyradiomics, wavelet::filter_bank};
use radstudy::image::io::{read_image, read_mask};
use radstudy::image::roi::crop;
use radstudy::image::Volume;
use serde_json::Value;

fn reference() -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/filters/reference.json");
    serde_json::from_str(&std::fs::read_to_string(p).expect("reference.json")).expect("valid JSON")
}

fn synthetic(case: &Value) -> (Volume<f32>, Volume<u8>) {
    // Same integer formula as make_reference.py (synthetic_value / synthetic_mask).
    let size: Vec<usize> = case["size_xyz"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize).collect();
    let spacing: Vec<f64> = case["spacing_xyz"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    let sh = (size[0], size[1], size[2]);
    let img = Array3::from_shape_fn(sh, |(i, j, k)| {
        let (i, j, k) = (i as i64, j as i64, k as i64);
        (((i * 37 + j * 91 + k * 53 + i * j * 7 + j * k * 3) % 101) - 40 + 2 * i) as f32
    });
    let mask = Array3::from_shape_fn(sh, |(i, j, k)| {
        let (i, j, k) = (i as i64, j as i64, k as i64);
        u8::from((i - 7).pow(2) * 144 + (j - 6).pow(2) * 225 + (k - 4).pow(2) * 400 <= 3600)
    });
    let sp = [spacing[0], spacing[1], spacing[2]];
    (Volume::new(img, sp), Volume::new(mask, sp))
}

fn brain1(case: &Value) -> (Volume<f32>, Volume<u8>) {
    let dir = common::reference_dir().join("pyradiomics/data");
    let img = read_image(&dir.join("brain1_image.nrrd")).expect("brain1 image");
    let mask = read_mask(&dir.join("brain1_label.nrrd"), Some(1)).expect("brain1 label");
    let lo: Vec<usize> =
        case["crop"]["lower_xyz"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize).collect();
    let hi: Vec<usize> = case["crop"]["upper_inclusive_xyz"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as usize + 1)
        .collect();
    let bbox = ([lo[0], lo[1], lo[2]], [hi[0], hi[1], hi[2]]);
    (crop(&img, bbox), crop(&mask, bbox))
}

/// count, mean, population sd, min, max in f64.
fn stats(values: &[f64]) -> [f64; 5] {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    let min = values.iter().cloned().fold(f64::INFINITY, f64::min);
    let max = values.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    [n, mean, var.sqrt(), min, max]
}

/// Largest error seen per image type: (plain relative error, error relative to max(|ref|, sd)).
type Worst = BTreeMap<String, (f64, f64)>;

fn check(worst: &mut Worst, kind: &str, what: &str, got: f64, want: f64, scale: f64, tol: f64) {
    let diff = (got - want).abs();
    let rel = if want == 0.0 { diff } else { diff / want.abs() };
    let scaled = diff / want.abs().max(scale).max(f64::MIN_POSITIVE);
    let e = worst.entry(kind.to_string()).or_insert((0.0, 0.0));
    e.0 = e.0.max(rel);
    e.1 = e.1.max(scaled);
    assert!(scaled <= tol, "{what}: got {got}, PyRadiomics {want} (scaled error {scaled:.3e} > {tol:e})");
}

fn compare_image(
    worst: &mut Worst,
    kind: &str,
    label: &str,
    got: &Volume<f32>,
    mask: &Volume<u8>,
    want: &Value,
    tol: f64,
) {
    let all: Vec<f64> = got.data.iter().map(|&v| f64::from(v)).collect();
    let inside: Vec<f64> =
        got.data.iter().zip(mask.data.iter()).filter(|(_, &m)| m > 0).map(|(&v, _)| f64::from(v)).collect();
    let scale = want["all"]["sd"].as_f64().unwrap();
    for (region, vals) in [("in_mask", &inside), ("all", &all)] {
        let s = stats(vals);
        for (i, key) in ["count", "mean", "sd", "min", "max"].iter().enumerate() {
            let w = want[region][key].as_f64().unwrap();
            check(worst, kind, &format!("{label} {region}.{key}"), s[i], w, scale, tol);
        }
    }
    for v in want["voxels"].as_array().unwrap() {
        let idx: Vec<usize> = (0..3).map(|a| v[a].as_u64().unwrap() as usize).collect();
        let g = f64::from(got.data[[idx[0], idx[1], idx[2]]]);
        check(worst, kind, &format!("{label} voxel {idx:?}"), g, v[3].as_f64().unwrap(), scale, tol);
    }
}

fn tolerance(image_type: &str) -> f64 {
    if image_type == "LoG" {
        1e-5
    } else {
        1e-6
    }
}

#[test]
fn filter_banks_equal_pywavelets() {
    let r = reference();
    for (name, bank) in r["wavelet_filter_banks"].as_object().unwrap() {
        let (lo, hi) = filter_bank(name).unwrap();
        let want = |k: &str| -> Vec<f64> { bank[k].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect() };
        // serde_json (without its float_roundtrip feature) may parse a decimal 1 ulp off, so
        // "bit-exact" here means within 1 ulp of the JSON value.
        for (key, got) in [("dec_lo", &lo), ("dec_hi", &hi)] {
            let w = want(key);
            assert_eq!(got.len(), w.len(), "{name} {key} length");
            for (g, w) in got.iter().zip(&w) {
                let ulps = (g.to_bits() as i64 - w.to_bits() as i64).abs();
                assert!(g.signum() == w.signum() && ulps <= 1, "{name} {key}: {g} vs pywt {w}");
            }
        }
    }
}

#[test]
fn derived_images_match_pyradiomics() {
    let r = reference();
    let mut worst = Worst::new();
    for (case_name, case) in r["cases"].as_object().unwrap() {
        let (image, mask) = if case_name == "synthetic" { synthetic(case) } else { brain1(case) };
        for run in case["runs"].as_array().unwrap() {
            let image_type = run["image_type"].as_str().unwrap();
            let sp = spec_from_pyradiomics(image_type, run["settings"].as_object().unwrap()).unwrap();
            let got = apply(&image, &mask, &sp).unwrap_or_else(|e| panic!("{case_name} {sp:?}: {e}"));
            let want = run["images"].as_array().unwrap();
            let got_names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
            let want_names: Vec<&str> = want.iter().map(|w| w["name"].as_str().unwrap()).collect();
            assert_eq!(got_names, want_names, "{case_name} {sp:?}");
            for ((name, vol), w) in got.iter().zip(want) {
                let label = format!("{case_name} {image_type} {} {name}", run["settings"]);
                compare_image(&mut worst, image_type, &label, vol, &mask, w, tolerance(image_type));
            }
        }
    }
    for (kind, (rel, scaled)) in &worst {
        println!("{kind:12} worst relative error {rel:.2e}, worst error / max(|ref|, sd) {scaled:.2e}");
    }
}
