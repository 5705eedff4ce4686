//! PyRadiomics regression baseline (`pyradiomics/data/baseline/baseline_<class>.csv`): every
//! case × configuration column, settings parsed from its `diagnostics_Configuration_Settings`,
//! every feature row compared at 1e-6 relative. Prints a pass table per class × config.
//! `PYRAD_CASES=brain1,breast1` restricts the cases (default: all five).

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use radstudy::features::pyrad::settings::parse_python_settings_dict;
use radstudy::features::pyrad::{self, EnabledClasses, FeatureClass, Prepared, PyradSettings};
use radstudy::image::io::read_image;
use radstudy::image::Volume;

const CLASSES: [(&str, FeatureClass); 7] = [
    ("firstorder", FeatureClass::FirstOrder),
    ("glcm", FeatureClass::Glcm),
    ("glrlm", FeatureClass::Glrlm),
    ("glszm", FeatureClass::Glszm),
    ("gldm", FeatureClass::Gldm),
    ("ngtdm", FeatureClass::Ngtdm),
    ("shape", FeatureClass::Shape),
];
const REL_TOL: f64 = 1e-6;
/// The shipped baseline was computed with an older PyRadiomics mesh: mesh features at 1e-3.
const MESH_TOL: f64 = 1e-3;
const MESH_FEATURES: [&str; 10] = [
    "MeshVolume",
    "SurfaceArea",
    "SurfaceVolumeRatio",
    "Sphericity",
    "Maximum3DDiameter",
    "Maximum2DDiameterSlice",
    "Maximum2DDiameterColumn",
    "Maximum2DDiameterRow",
    "Compactness1",
    "Compactness2",
];

struct Baseline {
    columns: Vec<String>,
    rows: Vec<(String, Vec<String>)>,
}

fn data_dir() -> PathBuf {
    common::reference_dir().join("pyradiomics/data")
}

fn load_baseline(class: &str) -> Baseline {
    let path = data_dir().join(format!("baseline/baseline_{class}.csv"));
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).from_path(&path).expect("baseline csv");
    let columns: Vec<String> = rdr.headers().unwrap().iter().skip(1).map(str::to_string).collect();
    let rows = rdr
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r.iter().skip(1).map(str::to_string).collect())
        })
        .collect();
    Baseline { columns, rows }
}

fn row<'a>(b: &'a Baseline, name: &str) -> &'a [String] {
    &b.rows.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("row {name}")).1
}

fn close(got: f64, want: f64, tol: f64) -> bool {
    if want.is_nan() || got.is_nan() {
        return want.is_nan() && got.is_nan();
    }
    if want == 0.0 {
        return got.abs() < tol;
    }
    ((got - want) / want).abs() <= tol
}

#[test]
fn pyradiomics_baseline_all_classes() {
    let only: Option<Vec<String>> =
        std::env::var("PYRAD_CASES").ok().map(|s| s.split(',').map(|c| c.trim().to_string()).collect());
    let mut images: BTreeMap<String, (Volume<f32>, Volume<f32>)> = BTreeMap::new();
    let mut prepared: BTreeMap<String, (PyradSettings, Prepared)> = BTreeMap::new();
    let mut table: Vec<(String, String, usize, usize, usize)> = Vec::new();
    let mut failures = Vec::new();
    for (cname, class) in CLASSES {
        let b = load_baseline(cname);
        let cases = row(&b, "diagnostics_Configuration_TestCase").to_vec();
        let settings_row = row(&b, "diagnostics_Configuration_Settings").to_vec();
        let prefix = format!("original_{cname}_");
        for (c, column) in b.columns.iter().enumerate() {
            let case = &cases[c];
            if only.as_ref().is_some_and(|o| !o.contains(case)) {
                continue;
            }
            let settings = parse_python_settings_dict(&settings_row[c]).expect("settings dict");
            if !images.contains_key(case) {
                let img = read_image(&data_dir().join(format!("{case}_image.nrrd"))).expect("image");
                let lab = read_image(&data_dir().join(format!("{case}_label.nrrd"))).expect("label");
                images.insert(case.clone(), (img, lab));
            }
            let reuse = prepared.get(column).is_some_and(|(s, _)| *s == settings);
            if !reuse {
                let (img, lab) = &images[case];
                let p = pyrad::prepare(img, lab, &settings).unwrap_or_else(|e| panic!("{column}: {e}"));
                prepared.insert(column.clone(), (settings.clone(), p));
            }
            let p = &prepared[column].1;
            let classes = EnabledClasses::only(&[class]);
            let got = if class == FeatureClass::Shape {
                pyrad::extract_shape(p, &settings, &classes)
            } else {
                pyrad::extract_from_image("original", &p.image, p, &settings, &classes)
            }
            .unwrap_or_else(|e| panic!("{column} {cname}: {e}"));
            let (mut pass, mut fail, mut missing) = (0, 0, 0);
            for (name, vals) in b.rows.iter().filter(|(n, _)| n.starts_with(&prefix)) {
                let want: f64 = vals[c].parse().unwrap_or(f64::NAN);
                let short = &name[prefix.len()..];
                let tol = if class == FeatureClass::Shape
                    && (MESH_FEATURES.contains(&short) || short == "SphericalDisproportion")
                {
                    MESH_TOL
                } else {
                    REL_TOL
                };
                match got.iter().find(|(n, _)| n == name) {
                    None => missing += 1,
                    Some((_, g)) if close(*g, want, tol) => pass += 1,
                    Some((_, g)) => {
                        fail += 1;
                        failures.push(format!("{column} {name}: got {g}, want {want}"));
                    }
                }
            }
            table.push((cname.to_string(), column.clone(), pass, fail, missing));
        }
    }
    println!("{:<11} {:<24} {:>5} {:>5} {:>8}", "class", "column", "pass", "fail", "missing");
    for (c, col, p, f, m) in &table {
        println!("{c:<11} {col:<24} {p:>5} {f:>5} {m:>8}");
    }
    let tot: (usize, usize, usize) = table.iter().fold((0, 0, 0), |a, (_, _, p, f, m)| (a.0 + p, a.1 + f, a.2 + m));
    println!("total: {} passed, {} failed, {} not computed", tot.0, tot.1, tot.2);
    for f in &failures {
        println!("FAIL {f}");
    }
    assert!(failures.is_empty(), "{} baseline values differ beyond {REL_TOL}", failures.len());
}
