//! Determinism across thread counts: `--threads 1`, `2` and `4` on the small study give
//! byte-identical tables, feature parquet and PNG figures.

use std::path::{Path, PathBuf};
use std::process::Command;

fn run(out: &Path, data: &Path, threads: &str) {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/small_study.toml");
    let o = Command::new(env!("CARGO_BIN_EXE_radstudy"))
        .arg("run")
        .arg(&manifest)
        .arg("--out")
        .arg(out)
        .arg("--data")
        .arg(data)
        .args(["--quiet", "--threads", threads])
        .output()
        .expect("run radstudy");
    assert!(o.status.success(), "--threads {threads}: {}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn thread_counts_give_byte_identical_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    // Each thread count generates its own synthetic cohort too, so generation is covered.
    let runs: Vec<(String, PathBuf)> = ["1", "2", "4"]
        .iter()
        .map(|t| {
            let out = tmp.path().join(format!("out{t}"));
            run(&out, &tmp.path().join(format!("data{t}")), t);
            (t.to_string(), out)
        })
        .collect();
    let mut files: Vec<String> =
        ["metrics.csv", "icc.csv", "features.parquet", "predictions.csv", "selected_features.csv"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    let mut pngs: Vec<String> = std::fs::read_dir(&runs[0].1)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".png"))
        .collect();
    pngs.sort();
    assert!(pngs.len() >= 2, "expected ROC and calibration PNGs, got {pngs:?}");
    files.extend(pngs);
    for f in &files {
        let first = std::fs::read(runs[0].1.join(f)).unwrap();
        for (t, out) in &runs[1..] {
            assert!(std::fs::read(out.join(f)).unwrap() == first, "{f} differs between --threads 1 and --threads {t}");
        }
    }
    // The generated cohorts are identical too (every image and mask).
    for (t, _) in &runs[1..] {
        let a = tmp.path().join("data1/small");
        let b = tmp.path().join(format!("data{t}/small"));
        for sub in ["cohort.csv", "truth.json"] {
            assert_eq!(std::fs::read(a.join(sub)).unwrap(), std::fs::read(b.join(sub)).unwrap(), "{sub}, threads {t}");
        }
        for sub in ["images", "masks"] {
            for e in std::fs::read_dir(a.join(sub)).unwrap().flatten() {
                let other = b.join(sub).join(e.file_name());
                assert!(
                    std::fs::read(e.path()).unwrap() == std::fs::read(&other).unwrap(),
                    "{} differs",
                    other.display()
                );
            }
        }
    }
}
