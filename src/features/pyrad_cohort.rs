//! The study-level side of PyRadiomics interop: checking the `[features]` keys of the
//! PyRadiomics convention, loading its parameters (a YAML file next to the manifest or inline
//! TOML keys), extracting one cohort region with them, and reading existing PyRadiomics
//! feature CSVs (`[features] table` / `table_2`) in place of extraction.
//! This module must not compute features itself (see `pyrad/`) nor select or fit anything.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ndarray::Array2;

use super::pyrad::{extract_case, parse_params_yaml, region_as_labels, PyradParams};
use super::table::FeatureTable;
use crate::cohort::Cohort;
use crate::image::Volume;
use crate::manifest::{FeaturesSection, ManifestError, Study};

/// Manifest checks for the `[features]` keys of both conventions.
pub fn validate_manifest_keys(f: &FeaturesSection) -> Result<(), ManifestError> {
    match f.convention.as_str() {
        "ibsi" => {
            if f.pyradiomics_params.is_some() || f.pyradiomics.is_some() {
                return Err(ManifestError::at(
                    "features.pyradiomics_params",
                    "PyRadiomics parameters need `convention = \"pyradiomics\"`",
                ));
            }
        }
        "pyradiomics" => {
            if f.table.is_none() && f.pyradiomics_params.is_some() == f.pyradiomics.is_some() {
                return Err(ManifestError::at(
                    "features.pyradiomics_params",
                    "convention \"pyradiomics\" needs exactly one of `pyradiomics_params = \"file.yaml\"` or an inline `[features.pyradiomics]` table",
                ));
            }
            if let Some(t) = &f.pyradiomics {
                params_from_toml(t).map_err(|e| ManifestError::at("features.pyradiomics", e))?;
            }
        }
        other => {
            return Err(ManifestError::at(
                "features.convention",
                format!("`{other}` is not a convention; use \"ibsi\" or \"pyradiomics\""),
            ))
        }
    }
    if f.table_2.is_some() && f.table.is_none() {
        return Err(ManifestError::at("features.table_2", "`table_2` needs `table` (the first observer's features)"));
    }
    Ok(())
}

/// Inline `[features.pyradiomics]` keys (same layout as a PyRadiomics YAML) parsed.
fn params_from_toml(t: &toml::Table) -> Result<PyradParams, String> {
    let yaml = serde_yaml_ng::to_string(t).map_err(|e| format!("cannot convert to PyRadiomics parameters: {e}"))?;
    parse_params_yaml(&yaml).map_err(|e| e.to_string())
}

/// The study's PyRadiomics parameters, `None` for the IBSI convention.
pub fn load_params(study: &Study) -> Result<Option<PyradParams>, String> {
    let f = &study.manifest.features;
    if f.convention != "pyradiomics" {
        return Ok(None);
    }
    if let Some(t) = &f.pyradiomics {
        return params_from_toml(t).map(Some).map_err(|e| format!("manifest key `features.pyradiomics`: {e}"));
    }
    let rel = f.pyradiomics_params.as_deref().ok_or("manifest key `features.pyradiomics_params` is missing")?;
    let path = study.resolve(rel);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("manifest key `features.pyradiomics_params`: cannot read {}: {e}", path.display()))?;
    parse_params_yaml(&text).map(Some).map_err(|e| format!("{}: {e}", path.display()))
}

/// PyRadiomics features of one cohort region (binary mask on the image grid), the whole image
/// given to PyRadiomics as it is (no cropping beyond PyRadiomics' own).
pub fn extract_region(
    image: &Volume<f32>,
    region: &Volume<u8>,
    params: &PyradParams,
) -> Result<Vec<(String, f64)>, String> {
    let labels = region_as_labels(region, params.settings.label);
    extract_case(image, &labels, params).map(|o| o.features).map_err(|e| e.to_string())
}

/// Feature tables read from `[features] table` (and `table_2`), rows in cohort order.
pub fn load_feature_tables(study: &Study, cohort: &Cohort) -> Result<Vec<FeatureTable>, String> {
    let f = &study.manifest.features;
    let mut out = Vec::new();
    for (key, rel, observer) in [("table", &f.table, 0usize), ("table_2", &f.table_2, 1)] {
        if let Some(rel) = rel {
            let path = study.resolve(rel);
            out.push(read_feature_csv(&path, cohort, observer).map_err(|e| format!("features.{key}: {e}"))?);
        }
    }
    if out.len() == 2 && out[0].columns != out[1].columns {
        return Err("features.table_2: its feature columns differ from `features.table`'s".into());
    }
    Ok(out)
}

/// Columns that identify a row or describe the run rather than hold a feature.
fn is_id_column(name: &str) -> bool {
    matches!(name, "patient" | "Image" | "Mask" | "Label" | "Label_channel" | "Reader" | "")
        || name.starts_with("diagnostics_")
}

/// Read one PyRadiomics-style feature CSV and map its rows to the cohort's patients: by the
/// `patient` column when there is one, else by `Mask` (or `Image`) path — a row belongs to the
/// patient whose mask of this observer (or any image) is the same file.
fn read_feature_csv(path: &Path, cohort: &Cohort, observer: usize) -> Result<FeatureTable, String> {
    let shown = path.display();
    let mut rdr = csv::Reader::from_path(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let headers: Vec<String> = rdr.headers().map_err(|e| format!("{shown}: {e}"))?.iter().map(str::to_string).collect();
    let pos = |n: &str| headers.iter().position(|h| h == n);
    let (pid, img_col, mask_col) = (pos("patient"), pos("Image"), pos("Mask"));
    if pid.is_none() && img_col.is_none() && mask_col.is_none() {
        return Err(format!("{shown}: needs a `patient` column or PyRadiomics' `Image`/`Mask` columns"));
    }
    let feat_idx: Vec<usize> = (0..headers.len()).filter(|&j| !is_id_column(&headers[j])).collect();
    if feat_idx.is_empty() {
        return Err(format!("{shown}: no feature columns"));
    }
    let base = path.parent().unwrap_or(Path::new("."));
    let by_file = file_index(cohort, observer);
    let mut rows: BTreeMap<usize, Vec<f64>> = BTreeMap::new();
    for (r, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| format!("{shown}: row {}: {e}", r + 2))?;
        let line = r + 2;
        let patient = if let Some(c) = pid {
            let id = rec.get(c).unwrap_or("").trim();
            cohort.patients.iter().position(|p| p.id == id)
        } else {
            [mask_col, img_col]
                .into_iter()
                .flatten()
                .find_map(|c| by_file.get(&canonical(&base.join(rec.get(c).unwrap_or("").trim()))).copied())
        };
        let Some(i) = patient else { continue };
        if rows.contains_key(&i) {
            return Err(format!("{shown}: line {line}: patient `{}` has a second row", cohort.patients[i].id));
        }
        let mut vals = Vec::with_capacity(feat_idx.len());
        for &j in &feat_idx {
            let s = rec.get(j).unwrap_or("").trim();
            let v = if s.is_empty() || s.eq_ignore_ascii_case("nan") {
                f64::NAN
            } else {
                s.parse::<f64>()
                    .map_err(|_| format!("{shown}: line {line}, column `{}`: `{s}` is not a number", headers[j]))?
            };
            vals.push(v);
        }
        rows.insert(i, vals);
    }
    let missing: Vec<&str> =
        (0..cohort.patients.len()).filter(|i| !rows.contains_key(i)).map(|i| cohort.patients[i].id.as_str()).collect();
    if !missing.is_empty() {
        return Err(format!(
            "{shown}: no row for patient(s) {} (rows are matched by `patient`, else by the `Mask`/`Image` file)",
            missing.join(", ")
        ));
    }
    let mut values = Array2::<f64>::zeros((cohort.patients.len(), feat_idx.len()));
    for (i, v) in rows {
        for (j, x) in v.into_iter().enumerate() {
            values[[i, j]] = x;
        }
    }
    Ok(FeatureTable {
        patients: cohort.patients.iter().map(|p| p.id.clone()).collect(),
        columns: feat_idx.iter().map(|&j| headers[j].clone()).collect(),
        values,
    })
}

/// Canonical path when the file exists, else the path as given.
fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Patient index by the canonical path of this observer's mask and of every image.
fn file_index(cohort: &Cohort, observer: usize) -> BTreeMap<PathBuf, usize> {
    let mut m = BTreeMap::new();
    for (i, p) in cohort.patients.iter().enumerate() {
        if let Some(mask) = p.masks.get(observer) {
            m.insert(canonical(mask), i);
        }
        for img in p.images.values() {
            m.entry(canonical(img)).or_insert(i);
        }
    }
    m
}
