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
