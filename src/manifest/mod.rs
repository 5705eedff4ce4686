//! The study manifest: a TOML file parsed into typed, validated settings.
//!
//! Parsing rejects unknown keys (with a spelling suggestion), wrong types and missing keys,
//! and every error names the TOML key path and line. This module must not touch images,
//! cohorts or any other file than the manifest itself.

mod error;
mod types;

pub use error::ManifestError;
pub use types::*;

use std::path::{Path, PathBuf};

/// A parsed manifest together with the folder it came from (relative paths resolve there).
#[derive(Debug, Clone)]
pub struct Study {
    pub manifest: Manifest,
    /// The manifest file.
    pub path: PathBuf,
    /// The manifest text as read (for provenance).
    pub text: String,
}

impl Study {
    /// Resolve a path written in the manifest relative to the manifest's folder.
    pub fn resolve(&self, p: &str) -> PathBuf {
        let pb = PathBuf::from(p);
        if pb.is_absolute() {
            pb
        } else {
            self.path.parent().unwrap_or(Path::new(".")).join(pb)
        }
    }
}

/// Read and validate a manifest file.
pub fn load(path: &Path) -> Result<Study, ManifestError> {
    let text =
        std::fs::read_to_string(path).map_err(|e| ManifestError::Read { path: path.to_path_buf(), source: e })?;
    let manifest = parse(&text).map_err(|e| e.with_path(path))?;
    Ok(Study { manifest, path: path.to_path_buf(), text })
}

/// Parse and validate manifest text.
pub fn parse(text: &str) -> Result<Manifest, ManifestError> {
    let mut manifest: Manifest = toml::from_str(text).map_err(|e| error::from_toml(text, e))?;
    types::validate(&manifest)?;
    manifest.expand_sequence_grids();
    Ok(manifest)
}
