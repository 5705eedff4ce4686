//! Shared helpers for integration tests: where the external reference data lives.
#![allow(dead_code)]
use std::path::PathBuf;

/// `../shared/reference` next to the repository (or `$RADSTUDY_REFERENCE`).
pub fn reference_dir() -> PathBuf {
    if let Ok(p) = std::env::var("RADSTUDY_REFERENCE") {
        return PathBuf::from(p);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/reference")
}

/// Run the `radstudy` binary quietly with `--data DIR` (generated cohorts go there).
pub fn radstudy(args: &[&str], data: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_radstudy"))
        .args(args)
        .arg("--quiet")
        .arg("--data")
        .arg(data)
        .output()
        .expect("run radstudy")
}

/// The small two-centre synthetic study the end-to-end tests share.
pub fn small_study() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/small_study.toml")
}
