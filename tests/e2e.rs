//! End to end: a small synthetic two-centre study through the real binary. Checks every
//! output exists, that reruns and thread counts give byte-identical tables, and that bad input
//! ends with exit code 2, one clear line, and no damage to a previous report.

mod common;
use std::path::{Path, PathBuf};
use std::process::Output;

const OUTPUTS: &[&str] = &[
    "metrics.csv",
    "features.parquet",
    "icc.csv",
    "selected_features.csv",
    "predictions.csv",
    "roc.png",
    "roc.svg",
    "calibration.png",
    "calibration.svg",
    "report.html",
    "report.md",
    "provenance.json",
];

use common::small_study as manifest;

use common::radstudy;

fn run_into(out: &Path, data: &Path, threads: &str) {
    let o =
        radstudy(&["run", manifest().to_str().unwrap(), "--out", out.to_str().unwrap(), "--threads", threads], data);
    assert!(o.status.success(), "radstudy run failed: {}", String::from_utf8_lossy(&o.stderr));
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn small_study_runs_and_is_deterministic() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    let c = tmp.path().join("c");
    run_into(&a, &data, "1");
    for f in OUTPUTS {
        assert!(a.join(f).is_file(), "missing output {f}");
    }
    run_into(&b, &data, "2");
    run_into(&c, &data, "1");
    for f in ["metrics.csv", "icc.csv", "features.parquet", "predictions.csv", "selected_features.csv", "roc.png"] {
        assert_eq!(read(&a.join(f)), read(&b.join(f)), "{f} differs between --threads 1 and 2");
        assert_eq!(read(&a.join(f)), read(&c.join(f)), "{f} differs between two runs");
    }
    let html = String::from_utf8(read(&a.join("report.html"))).unwrap();
    assert!(html.contains("Synthetic cohort"));
    assert!(html.contains("Published vs reproduced"));
    assert!(!html.contains("src=\"http"), "report must not load remote resources");
    let metrics = String::from_utf8(read(&a.join("metrics.csv"))).unwrap();
    assert!(metrics.lines().any(|l| l.starts_with("rad_lr,external B,14,")), "{metrics}");
}

/// Run a manifest text (written next to the fixture folder) and return the output.
fn run_text(dir: &Path, text: &str, data: &Path, out: &Path) -> Output {
    let p = dir.join("study.toml");
    std::fs::write(&p, text).unwrap();
    radstudy(&["run", p.to_str().unwrap(), "--out", out.to_str().unwrap()], data)
}

fn assert_bad(o: &Output, needles: &[&str]) {
    assert_eq!(o.status.code(), Some(2), "expected exit 2, stderr: {}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line, got: {err}");
    for n in needles {
        assert!(lines[0].contains(n), "`{}` does not mention `{n}`", lines[0]);
    }
}

#[test]
fn misspelt_key_is_named_with_a_suggestion() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(manifest()).unwrap().replace("seed = 7", "seeed = 7");
    let o = run_text(tmp.path(), &text, &tmp.path().join("data"), &tmp.path().join("out"));
    assert_bad(&o, &["seeed", "did you mean `seed`", "line"]);
    assert!(!tmp.path().join("out").exists(), "nothing may be written for a bad manifest");
}

/// Generate the small cohort once, then point a table-based manifest at an edited copy.
fn table_study(tmp: &Path, edit: impl Fn(&str) -> String) -> (PathBuf, PathBuf) {
    let data = tmp.join("data");
    let o = radstudy(&["synth", manifest().to_str().unwrap()], &data);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let cohort_dir = data.join("small");
    let csv = std::fs::read_to_string(cohort_dir.join("cohort.csv")).unwrap();
    std::fs::write(cohort_dir.join("edited.csv"), edit(&csv)).unwrap();
    let text = std::fs::read_to_string(manifest()).unwrap();
    let start = text.find("[cohort.synthetic]").unwrap();
    let end = text.find("[[sequence]]").unwrap();
    let table = format!("[cohort]\ntable = \"{}\"\n\n", cohort_dir.join("edited.csv").display());
    let text = format!("{}{}{}", &text[..start], table, &text[end..]);
    let p = tmp.join("table_study.toml");
    std::fs::write(&p, text).unwrap();
    (p, data)
}

#[test]
fn missing_image_names_patient_and_file_and_keeps_previous_report() {
    let tmp = tempfile::tempdir().unwrap();
    let (good, data) = table_study(tmp.path(), |s| s.to_string());
    let out = tmp.path().join("out");
    let o = radstudy(&["run", good.to_str().unwrap(), "--out", out.to_str().unwrap()], &data);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let before = read(&out.join("metrics.csv"));
    let (bad, data) =
        table_study(tmp.path(), |s| s.replacen("images/P0003_PVP.nii.gz", "images/P0003_PVP_missing.nii.gz", 1));
    let o = radstudy(&["run", bad.to_str().unwrap(), "--out", out.to_str().unwrap()], &data);
    assert_bad(&o, &["P0003", "P0003_PVP_missing.nii.gz"]);
    assert_eq!(before, read(&out.join("metrics.csv")), "a failed run must leave the previous report intact");
}

#[test]
fn mask_on_another_grid_names_patient_and_field() {
    let tmp = tempfile::tempdir().unwrap();
    let (p, data) = table_study(tmp.path(), |s| s.to_string());
    // Re-write patient P0005's mask with a shifted origin.
    let mask_path = data.join("small/masks/P0005_mask.nii.gz");
    let mut m = radstudy::image::io::read_mask(&mask_path, None).unwrap();
    m.origin[0] += 5.0;
    radstudy::image::io::write_nifti_u8(&mask_path, &m).unwrap();
    let o = radstudy(&["run", p.to_str().unwrap(), "--out", tmp.path().join("out").to_str().unwrap()], &data);
    assert_bad(&o, &["P0005", "origin", "P0005_mask.nii.gz"]);
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn one_mask_per_patient_uses_perturbed_resegmentations_for_icc() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(manifest())
        .unwrap()
        .replace("observers = 2", "observers = 1")
        .replace(
            "threshold = 0.6\n",
            "threshold = 0.6\nperturbations = [{ kind = \"dilate\", mm = 1.0 }, { kind = \"contour\", magnitude_mm = 1.0, smoothness_mm = 3.0 }]\n",
        );
    assert!(text.contains("perturbations"));
    let out = tmp.path().join("out");
    let o = run_text(tmp.path(), &text, &tmp.path().join("data"), &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let icc = String::from_utf8(read(&out.join("icc.csv"))).unwrap();
    let rows: Vec<&str> = icc.lines().skip(1).collect();
    assert!(rows.len() > 50, "icc.csv should list every feature: {icc}");
    let finite = rows.iter().filter(|l| l.split(',').nth(2).is_some_and(|v| v != "NA")).count();
    assert!(finite > rows.len() / 2, "most ICCs must be defined with perturbed re-segmentations");
    assert!(rows.iter().any(|l| l.ends_with(",false")), "a dilated ring must make some features unstable");
}
