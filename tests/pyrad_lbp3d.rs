//! The LBP3D image type against PyRadiomics 3.1.4 itself (scipy 1.14, trimesh 5):
//! tests/data/lbp3d/reference.json was written by tests/data/lbp3d/make_lbp3d_reference.py on a
//! crop of PyRadiomics' breast1 case whose faces the ROI touches. Checked: the ROI values of
//! every image `getLBP3DImage` yields (int16 and float32 sampling), the firstorder features of
//! `RadiomicsFeatureExtractor.execute` (defaults, levels 3 / radius 2 / subdivision 2,
//! normalize; whole breast1 with preCrop; whole brain1 with glcm too) through `extract_case`, and
//! the whole breast1 image with preCrop through `radstudy extract --params`.

mod common;

use std::path::PathBuf;

use radstudy::features::pyrad::{extract_case, parse_params_yaml};
use radstudy::image::filters::lbp3d::{lbp3d, Lbp3dParams, SampleType};
use radstudy::image::filters::{spec_from_pyradiomics, FilterSpec};
use radstudy::image::io::read_image;
use radstudy::image::roi::crop;
use radstudy::image::Volume;
use serde_json::Value;

/// Largest relative error allowed (each value against PyRadiomics').
const TOL: f64 = 1e-9;

fn reference() -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/lbp3d/reference.json");
    serde_json::from_str(&std::fs::read_to_string(p).expect("reference.json")).expect("valid JSON")
}

fn breast1_paths() -> (PathBuf, PathBuf) {
    let d = common::reference_dir().join("pyradiomics/data");
    (d.join("breast1_image.nrrd"), d.join("breast1_label.nrrd"))
}

fn triple(v: &Value) -> [usize; 3] {
    let a = v.as_array().expect("3 numbers");
    std::array::from_fn(|i| a[i].as_u64().expect("index") as usize)
}

/// breast1 image and label map cropped as the generator crops them; `pixel` float32 maps
/// x → x·0.5 + 0.25 as the generator does (exact in f32).
fn cropped(r: &Value, pixel: &str) -> (Volume<f32>, Volume<f32>) {
    let (ip, lp) = breast1_paths();
    let bbox = (triple(&r["crop"]["lower_xyz"]), triple(&r["crop"]["upper_exclusive_xyz"]));
    let img = crop(&read_image(&ip).expect("breast1 image"), bbox);
    let lab = crop(&read_image(&lp).expect("breast1 label"), bbox);
    let img = if pixel == "float32" { img.with_data(img.data.mapv(|v| v * 0.5 + 0.25)) } else { img };
    (img, lab)
}

fn rel_err(got: f64, want: f64) -> f64 {
    let d = (got - want).abs();
    if want == 0.0 {
        d
    } else {
        d / want.abs()
    }
}

/// Compare PyRadiomics' features (null = NaN) with ours; returns the largest relative error.
fn compare_features(what: &str, cfg: &Value, got: &[(String, f64)]) -> f64 {
    let want = cfg["features"].as_object().unwrap();
    let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
    let want_names: Vec<&str> = cfg["feature_order"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(names, want_names, "{what}: feature columns and order");
    let mut worst = 0.0f64;
    for (name, v) in got {
        match want[name].as_f64() {
            None => assert!(v.is_nan(), "{what} {name}: PyRadiomics NaN, ours {v}"),
            Some(w) => {
                let e = rel_err(*v, w);
                assert!(e <= TOL, "{what} {name}: ours {v}, PyRadiomics {w} (relative error {e:.3e})");
                worst = worst.max(e);
            }
        }
    }
    worst
}

#[test]
fn roi_values_equal_pyradiomics() {
    let r = reference();
    let mut worst = 0.0f64;
    let mut checked = 0;
    for cfg in r["configs"].as_array().unwrap() {
        let Some(values) = cfg["roi_values"].as_object() else { continue };
        let pixel = cfg["pixel"].as_str().unwrap();
        let (img, lab) = cropped(&r, pixel);
        let merged = cfg["params"]["imageType"]["LBP3D"].as_object().unwrap();
        let FilterSpec::Lbp3d(params) = spec_from_pyradiomics("LBP3D", merged).unwrap() else { panic!("LBP3D spec") };
        let sample =
            if pixel == "float32" { SampleType::Float32 } else { SampleType::Integer { min: -32768.0, max: 32767.0 } };
        let image = img.with_data(img.data.mapv(f64::from));
        let roi = lab.with_data(lab.data.mapv(|v| v == 1.0));
        let out = lbp3d(&image, &roi, &params, sample).unwrap();
        let names: Vec<&str> = out.iter().map(|(n, _)| n.as_str()).collect();
        let want_names: Vec<&str> =
            cfg["image_order"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(names, want_names, "{}: image names", cfg["name"]);
        let [nx, ny, nz] = image.shape();
        for (name, vol) in &out {
            let want = values[name].as_array().unwrap();
            // ROI voxels in numpy C order (z, y, x).
            let mut got = Vec::new();
            for z in 0..nz {
                for y in 0..ny {
                    for x in 0..nx {
                        if roi.data[[x, y, z]] {
                            got.push(vol.data[[x, y, z]]);
                        } else {
                            assert_eq!(vol.data[[x, y, z]], 0.0, "outside the ROI is 0");
                        }
                    }
                }
            }
            assert_eq!(got.len(), want.len());
            for (i, (g, w)) in got.iter().zip(want).enumerate() {
                match w.as_f64() {
                    None => assert!(g.is_nan(), "{} {name} voxel {i}: PyRadiomics NaN, ours {g}", cfg["name"]),
                    Some(w) => {
                        let e = rel_err(*g, w);
                        assert!(e <= TOL, "{} {name} voxel {i}: ours {g}, PyRadiomics {w} ({e:.3e})", cfg["name"]);
                        worst = worst.max(e);
                    }
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 143 * (3 + 4 + 3));
    eprintln!("LBP3D ROI values: {checked} checked, largest relative error {worst:.3e}");
}

#[test]
fn features_equal_pyradiomics() {
    let r = reference();
    let mut worst = 0.0f64;
    let mut configs = 0;
    for cfg in r["configs"].as_array().unwrap() {
        let pixel = cfg["pixel"].as_str().unwrap();
        let (img, lab) = if pixel == "whole" {
            let d = common::reference_dir().join("pyradiomics/data");
            let case = cfg["case"].as_str().unwrap();
            let read = |what: &str| read_image(&d.join(format!("{case}_{what}.nrrd"))).unwrap();
            (read("image"), read("label"))
        } else {
            cropped(&r, pixel)
        };
        // The parameter file is JSON, which is YAML.
        let params = parse_params_yaml(&cfg["params"].to_string()).unwrap();
        let out = extract_case(&img, &lab, &params).unwrap();
        worst = worst.max(compare_features(cfg["name"].as_str().unwrap(), cfg, &out.features));
        configs += 1;
    }
    assert_eq!(configs, 6);
    eprintln!("LBP3D firstorder features: largest relative error {worst:.3e}");
}

/// `radstudy extract --params X.yaml` on the whole breast1 image with preCrop (the box read).
#[test]
fn cli_extract_with_lbp3d() {
    let r = reference();
    let cfg =
        r["configs"].as_array().unwrap().iter().find(|c| c["name"] == "precrop_whole_image").expect("preCrop config");
    let dir = tempfile::tempdir().unwrap();
    let yaml = dir.path().join("lbp3d.yaml");
    std::fs::write(&yaml, cfg["params"].to_string()).unwrap();
    let csv_path = dir.path().join("out.csv");
    let (ip, lp) = breast1_paths();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_radstudy"))
        .args(["extract", "--image"])
        .arg(&ip)
        .arg("--mask")
        .arg(&lp)
        .arg("--params")
        .arg(&yaml)
        .arg("--out")
        .arg(&csv_path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut rdr = csv::Reader::from_path(&csv_path).unwrap();
    let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    let row = rdr.records().next().unwrap().unwrap();
    let got: Vec<(String, f64)> = header
        .iter()
        .zip(row.iter())
        .skip(2)
        .map(|(h, v)| (h.clone(), if v == "nan" { f64::NAN } else { v.parse().unwrap() }))
        .collect();
    let worst = compare_features("precrop whole image (CLI)", cfg, &got);
    eprintln!("LBP3D via radstudy extract: largest relative error {worst:.3e}");
}

/// The mask-less box path refuses LBP3D instead of computing it on an empty ROI.
#[test]
fn box_filters_refuse_lbp3d() {
    let img = Volume::new(ndarray::Array3::<f32>::zeros((4, 4, 4)), [1.0; 3]);
    let spec = FilterSpec::Lbp3d(Lbp3dParams { levels: 2, radius: 1.0, subdivision: 1 });
    let mut emitted = 0;
    let e = radstudy::image::filters::for_each_box(&img, &spec, ([0, 0, 0], [3, 3, 3]), |_, _| {
        emitted += 1;
        Ok::<(), radstudy::image::filters::FilterError>(())
    })
    .unwrap_err();
    assert_eq!(emitted, 0, "no image is given out");
    assert!(e.to_string().contains("mask"), "{e}");
}
