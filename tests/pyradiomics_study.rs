//! The e2e fixture study (tests/data/small_study.toml) in PyRadiomics mode: `[features]
//! convention = "pyradiomics"` with a parameter YAML gives `SEQ.ROI.<PyRadiomics name>` columns
//! (shape, Original and LoG image types); the same study started from a PyRadiomics-style
//! feature CSV (`[features] table`, rows matched by `patient` or by `Mask` path) skips
//! extraction and still runs to a report; bad keys fail with exit code 2.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use radstudy::features::table::FeatureTable;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn study_text(features: &str) -> String {
    let base = std::fs::read_to_string(crate_dir().join("tests/data/small_study.toml")).unwrap();
    let old = "[features]\nfamilies = [\"stats\", \"glcm\"]\n";
    assert!(base.contains(old), "fixture layout changed");
    base.replace(old, &format!("[features]\n{features}\n"))
}

fn run(dir: &Path, name: &str, text: &str, data: &Path) -> (Output, PathBuf) {
    let manifest = dir.join(format!("{name}.toml"));
    std::fs::write(&manifest, text).unwrap();
    let out = dir.join(format!("out_{name}"));
    let o = Command::new(env!("CARGO_BIN_EXE_radstudy"))
        .args(["run", manifest.to_str().unwrap(), "--out", out.to_str().unwrap(), "--quiet", "--data"])
        .arg(data)
        .output()
        .unwrap();
    (o, out)
}

fn ok(o: &Output) {
    assert!(o.status.success(), "radstudy failed: {}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn small_study_in_pyradiomics_mode_and_from_a_feature_table() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let params = crate_dir().join("tests/data/pyradiomics/small_study_params.yaml");
    std::fs::copy(&params, tmp.path().join("params.yaml")).unwrap();

    // 1. PyRadiomics convention with a parameter file next to the manifest.
    let text = study_text("convention = \"pyradiomics\"\npyradiomics_params = \"params.yaml\"");
    let (o, out) = run(tmp.path(), "pyrad", &text, &data);
    ok(&o);
    let t = FeatureTable::read_parquet(&out.join("features.parquet")).unwrap();
    for col in [
        "PVP.tumour.original_shape_MeshVolume",
        "PVP.tumour.original_glcm_Contrast",
        "AP.peri3.log-sigma-2-0-mm-3D_firstorder_Mean",
        "AP.tumour.original_firstorder_Kurtosis",
    ] {
        assert!(t.columns.iter().any(|c| c == col), "missing column {col}; have {:?}", &t.columns[..5]);
    }
    // 14 shape + (18 firstorder + 24 glcm) × 2 image types, per sequence × ROI.
    assert_eq!(t.columns.len(), 2 * 2 * (14 + 42 * 2));
    assert!(!t.columns.iter().any(|c| c.contains("_glrlm_")));

    // 2. The same study from a feature CSV with a `patient` column (no extraction).
    let mut csv = String::from("patient");
    for c in &t.columns {
        csv.push(',');
        csv.push_str(c);
    }
    csv.push('\n');
    for (i, p) in t.patients.iter().enumerate() {
        csv.push_str(p);
        for v in t.values.row(i) {
            csv.push_str(&format!(",{v}"));
        }
        csv.push('\n');
    }
    std::fs::write(tmp.path().join("features.csv"), &csv).unwrap();
    let (o, out2) = run(tmp.path(), "table", &study_text("table = \"features.csv\""), &data);
    ok(&o);
    let t2 = FeatureTable::read_parquet(&out2.join("features.parquet")).unwrap();
    assert_eq!(t2.columns, t.columns);
    assert_eq!(t2.values, t.values);

    // 3. PyRadiomics' batch layout: rows matched to patients through the `Mask` file.
    let cohort = std::fs::read_to_string(data.join("small/cohort.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(cohort.as_bytes());
    let h = rdr.headers().unwrap().clone();
    let pos = |n: &str| h.iter().position(|x| x == n).unwrap_or_else(|| panic!("cohort.csv has no {n}"));
    let (pc, mc, ic, oc) = (pos("patient"), pos("mask"), pos("image_AP"), pos("response"));
    let mut expected = Vec::new();
    let mut batch = String::from("Image,Mask,diagnostics_Versions_PyRadiomics,original_firstorder_Mean\n");
    for (k, rec) in rdr.records().map(Result::unwrap).enumerate() {
        let abs = |c: usize| data.join("small").join(&rec[c]).display().to_string();
        assert_eq!(&rec[pc], t.patients[k].as_str());
        // A feature that separates the outcome, so selection keeps it.
        let y: f64 = rec[oc].parse().unwrap();
        expected.push(10.0 * y + k as f64 * 0.01);
        batch.push_str(&format!("{},{},v3.1.4,{}\n", abs(ic), abs(mc), expected[k]));
    }
    std::fs::write(tmp.path().join("batch.csv"), batch).unwrap();
    let text = study_text("table = \"batch.csv\"").replace("threshold = 0.6", "enabled = false");
    let (o, out3) = run(tmp.path(), "batch", &text, &data);
    ok(&o);
    let t3 = FeatureTable::read_parquet(&out3.join("features.parquet")).unwrap();
    assert_eq!(t3.columns, vec!["original_firstorder_Mean".to_string()]);
    assert_eq!(t3.values.column(0).to_vec(), expected);

    // 4. Bad keys: exit code 2 naming the key.
    let (o, _) = run(tmp.path(), "bad", &study_text("convention = \"pyradiomics\""), &data);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("pyradiomics_params"));
}
