//! The content-addressed feature cache. A cache entry holds the per-observer feature tables
//! (Parquet) and the extraction warnings of one cohort under `<cache>/<key>/`, where the key
//! is the SHA-256 of everything extraction depends on: the radstudy version, the manifest's
//! `[[sequence]]`, `[[roi]]`, `[preprocess]` and `[features]`, the number of observers, and
//! the SHA-256 of the cohort table and of every image and mask. Entries are written into a
//! temporary folder and renamed into place, so a reader never sees half an entry.
//! Must not extract, select or fit anything; a damaged entry is a miss, never an error.

use crate::features::table::FeatureTable;
use crate::manifest::Manifest;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// What extraction produced for a cohort (or a shard of it).
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// One table per observer (index 0 = primary segmentation), patients in cohort order.
    pub observers: Vec<FeatureTable>,
    pub warnings: Vec<String>,
}

/// The JSON document whose SHA-256 is the cache key (also stored in the entry as `key.json`).
pub fn key_material(m: &Manifest, observers: usize, input_hashes: &[(String, String)]) -> serde_json::Value {
    let hashes: Vec<&str> = input_hashes.iter().map(|(_, h)| h.as_str()).collect();
    serde_json::json!({
        "radstudy_version": env!("CARGO_PKG_VERSION"),
        "sequences": m.sequences,
        "rois": m.rois,
        "preprocess": m.preprocess,
        "features": m.features,
        "perturbations": m.stability.perturbations,
        "perturbation_seed": m.study.seed,
        "mask_label": m.cohort.mask_label,
        "origin_tolerance_mm": m.cohort.origin_tolerance_mm,
        "observers": observers,
        "input_sha256": hashes,
    })
}

/// The cache key: hex SHA-256 of `key_material`.
pub fn key(m: &Manifest, observers: usize, input_hashes: &[(String, String)]) -> String {
    let text = key_material(m, observers, input_hashes).to_string();
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The folder of one entry.
pub fn entry_dir(root: &Path, key: &str) -> PathBuf {
    root.join(key)
}

fn observer_file(dir: &Path, o: usize) -> PathBuf {
    dir.join(format!("observer_{}.parquet", o + 1))
}

/// Write an entry's files (tables, warnings) into `dir`, which must exist.
pub fn write_files(dir: &Path, entry: &Entry) -> anyhow::Result<()> {
    for (o, t) in entry.observers.iter().enumerate() {
        t.write_parquet(&observer_file(dir, o))?;
    }
    let w = serde_json::to_string_pretty(&entry.warnings)? + "\n";
    crate::io_util::write_atomic(&dir.join("warnings.json"), w.as_bytes())?;
    Ok(())
}

/// Read an entry's files from `dir`: `observers` tables and the warnings.
pub fn read_files(dir: &Path, observers: usize) -> anyhow::Result<Entry> {
    let tables = (0..observers)
        .map(|o| FeatureTable::read_parquet(&observer_file(dir, o)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let w = std::fs::read_to_string(dir.join("warnings.json"))
        .map_err(|e| anyhow::anyhow!("{}: {e}", dir.join("warnings.json").display()))?;
    let warnings: Vec<String> =
        serde_json::from_str(&w).map_err(|e| anyhow::anyhow!("{}: {e}", dir.join("warnings.json").display()))?;
    Ok(Entry { observers: tables, warnings })
}

/// Look an entry up. `None` (a miss) when it is absent, unreadable, or does not hold exactly
/// `patients` (in that order) for `observers` observers.
pub fn load(root: &Path, key: &str, patients: &[String], observers: usize) -> Option<Entry> {
    let dir = entry_dir(root, key);
    if !dir.is_dir() {
        return None;
    }
    let e = read_files(&dir, observers).ok()?;
    let first_cols = &e.observers.first()?.columns;
    let consistent = e
        .observers
        .iter()
        .all(|t| t.patients == patients && &t.columns == first_cols && t.values.nrows() == patients.len());
    consistent.then_some(e)
}

/// Store an entry atomically: files go into a temporary sibling folder that is then renamed to
/// `<root>/<key>`. If another process stored the same key first, its entry is kept (same key ⇒
/// same content). Returns the entry folder.
pub fn store(root: &Path, key: &str, entry: &Entry) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(root).map_err(|e| anyhow::anyhow!("feature cache {}: {e}", root.display()))?;
    let dir = entry_dir(root, key);
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = root.join(format!(".{key}.tmp-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let written = std::fs::create_dir(&tmp).map_err(anyhow::Error::from).and_then(|()| write_files(&tmp, entry));
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(anyhow::anyhow!("feature cache {}: {e}", tmp.display()));
    }
    if dir.exists() {
        // A stale or damaged entry under the same key is replaced; a good one is identical.
        let _ = std::fs::remove_dir_all(&dir);
    }
    if let Err(e) = std::fs::rename(&tmp, &dir) {
        let _ = std::fs::remove_dir_all(&tmp);
        if !dir.is_dir() {
            return Err(anyhow::anyhow!("feature cache {}: {e}", dir.display()));
        }
    }
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn entry() -> Entry {
        let t = FeatureTable {
            patients: vec!["p1".into(), "p2".into()],
            columns: vec!["AP.tumour.stats.mean".into(), "AP.tumour.stats.var".into()],
            values: array![[1.5, f64::NAN], [2.0, 3.25]],
        };
        Entry { observers: vec![t.clone(), t], warnings: vec!["patient `p1`: tiny".into()] }
    }

    #[test]
    fn store_then_load_round_trips_and_leaves_no_temp() {
        let root = tempfile::tempdir().unwrap();
        let e = entry();
        store(root.path(), "abc", &e).unwrap();
        let got = load(root.path(), "abc", &e.observers[0].patients, 2).unwrap();
        assert_eq!(got.warnings, e.warnings);
        assert_eq!(got.observers[0].columns, e.observers[0].columns);
        assert_eq!(got.observers[1].values[[1, 1]], 3.25);
        assert!(got.observers[0].values[[0, 1]].is_nan());
        let names: Vec<_> = std::fs::read_dir(root.path()).unwrap().map(|d| d.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("abc")]);
    }

    #[test]
    fn wrong_patients_or_missing_observer_is_a_miss() {
        let root = tempfile::tempdir().unwrap();
        let e = entry();
        store(root.path(), "k", &e).unwrap();
        assert!(load(root.path(), "k", &["p2".into(), "p1".into()], 2).is_none());
        assert!(load(root.path(), "k", &e.observers[0].patients, 3).is_none());
        assert!(load(root.path(), "other", &e.observers[0].patients, 2).is_none());
        std::fs::write(root.path().join("k/observer_1.parquet"), b"garbage").unwrap();
        assert!(load(root.path(), "k", &e.observers[0].patients, 2).is_none());
    }

    #[test]
    fn key_changes_with_inputs_and_settings() {
        let m = crate::manifest::parse(&std::fs::read_to_string("studies/tace_response.toml").unwrap()).unwrap();
        let h = vec![("a".to_string(), "00".to_string()), ("b".to_string(), "11".to_string())];
        let k = key(&m, 2, &h);
        assert_eq!(k, key(&m, 2, &h));
        let mut h2 = h.clone();
        h2[1].1 = "12".into();
        assert_ne!(k, key(&m, 2, &h2));
        assert_ne!(k, key(&m, 1, &h));
        let mut m2 = m.clone();
        m2.preprocess.discretise.bin_count = Some(16);
        assert_ne!(k, key(&m2, 2, &h));
        // Modelling settings do not touch the key.
        let mut m3 = m.clone();
        m3.report.bootstrap = 10;
        assert_eq!(k, key(&m3, 2, &h));
    }
}
