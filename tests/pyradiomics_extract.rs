//! End-to-end `extract_pyradiomics` on PyRadiomics' breast1 case with the baseline's default
//! settings (`params/baseline_default.yaml`): PyRadiomics column order (shape, then the other
//! classes in parameter-file order, features in PyRadiomics order) and values equal to the
//! baseline CSVs; errors for a missing label.

mod common;

use radstudy::features::pyrad::{extract_pyradiomics, parse_params_yaml};
use radstudy::image::io::read_image;

#[test]
fn breast1_default_columns_and_values() {
    let r = common::reference_dir().join("pyradiomics");
    let params = parse_params_yaml(&std::fs::read_to_string(r.join("params/baseline_default.yaml")).unwrap()).unwrap();
    let img = read_image(&r.join("data/breast1_image.nrrd")).unwrap();
    let lab = read_image(&r.join("data/breast1_label.nrrd")).unwrap();
    let out = extract_pyradiomics(&img, &lab, &params.settings, &params.classes).unwrap();
    assert!(out[0].0.starts_with("original_shape_"));
    let first_fo = out.iter().position(|(n, _)| n.starts_with("original_firstorder_")).unwrap();
    assert_eq!(out[first_fo].0, "original_firstorder_10Percentile");
    assert_eq!(out[first_fo + 7].0, "original_firstorder_MeanAbsoluteDeviation");
    assert_eq!(out.last().unwrap().0, "original_ngtdm_Strength");
    let mut checked = 0;
    for class in ["firstorder", "glcm", "glrlm", "glszm", "gldm", "ngtdm"] {
        let mut rdr = csv::Reader::from_path(r.join(format!("data/baseline/baseline_{class}.csv"))).unwrap();
        let col = rdr.headers().unwrap().iter().position(|h| h == "breast1").unwrap();
        for rec in rdr.records().map(Result::unwrap) {
            if let Some((_, v)) = out.iter().find(|(n, _)| n == &rec[0]) {
                let want: f64 = rec[col].parse().unwrap();
                assert!((v - want).abs() <= 1e-6 * want.abs().max(1e-12), "{}: {v} vs {want}", &rec[0]);
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 18 + 24 + 16 + 16 + 14 + 5);
    let mut s = params.settings.clone();
    s.label = 7;
    let e = extract_pyradiomics(&img, &lab, &s, &params.classes).unwrap_err().to_string();
    assert!(e.contains("label 7"), "{e}");
}
