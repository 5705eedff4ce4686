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

/// `radstudy extract --batch --timings`: the CSV has one row per case (the same case twice gives
/// the same values) and standard error gives each case's time after the total.
#[test]
fn cli_batch_timings_give_each_case() {
    let r = common::reference_dir().join("pyradiomics");
    let dir = tempfile::tempdir().unwrap();
    let (image, mask) = (r.join("data/breast1_image.nrrd"), r.join("data/breast1_label.nrrd"));
    let line = format!("{},{}\n", image.display(), mask.display());
    let batch = dir.path().join("cases.csv");
    std::fs::write(&batch, format!("Image,Mask\n{line}{line}")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_radstudy"))
        .args(["--quiet", "--timings", "--threads", "2", "extract", "--batch"])
        .arg(&batch)
        .arg("--params")
        .arg(r.join("params/baseline_default.yaml"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("timings: ")).collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(lines[0].starts_with("timings: extract ") && lines[0].contains(", 2 case(s), "), "{err}");
    for (k, l) in lines[1..].iter().enumerate() {
        let t = l.strip_prefix(&format!("timings: case {} of 2: ", k + 1)).and_then(|r| r.strip_suffix(" s"));
        let secs: f64 = t.unwrap_or_else(|| panic!("bad line {l:?}")).parse().unwrap();
        assert!(secs > 0.0 && secs < 60.0, "{l}");
    }
    let mut rdr = csv::Reader::from_reader(out.stdout.as_slice());
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert!(rows[0].len() > 100 && rows[0] == rows[1], "the same case gives the same row");
}
