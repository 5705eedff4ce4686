//! Text columns the validation designs need besides the numeric design matrix: the ComBat
//! batch label (`[harmonise] combat.batch`) and the fixed train/test assignment
//! (`[validation] internal = { scheme = "fixed", column, file }`), read from the cohort table
//! or the named CSV by patient id. Must not fit anything or read image files.

use crate::manifest::Study;
use std::collections::BTreeMap;
use std::path::Path;

/// Per-patient text columns (in cohort order); `None` when the manifest does not ask for it.
#[derive(Debug, Clone, Default)]
pub struct DesignColumns {
    /// ComBat batch per patient (None: the centre column).
    pub batch: Option<Vec<String>>,
    /// "train" / "test" per patient for the fixed split.
    pub fixed_split: Option<Vec<String>>,
}

/// Read what the manifest asks for. `table` is the cohort table, `patients` its ids in order.
pub fn read_design_columns(study: &Study, table: &Path, patients: &[String]) -> anyhow::Result<DesignColumns> {
    let m = &study.manifest;
    let mut out = DesignColumns::default();
    if let Some(c) = m.harmonise.as_ref().and_then(|h| h.combat.as_ref()) {
        if c.batch != m.cohort.centre_column {
            out.batch = Some(read_column(table, &c.batch, patients, "harmonise.combat.batch")?);
        }
    }
    if let Some(i) = m.validation.internal.as_ref().filter(|i| i.scheme == "fixed") {
        let column = i.column.as_deref().unwrap_or("split");
        let file = i.file.as_ref().map(|f| study.resolve(f)).unwrap_or_else(|| table.to_path_buf());
        let v = read_column(&file, column, patients, "validation.internal.column")?;
        let mut norm = Vec::with_capacity(v.len());
        for (p, s) in patients.iter().zip(v) {
            let s = s.to_ascii_lowercase();
            if s != "train" && s != "test" {
                anyhow::bail!(
                    "{}: patient `{p}` has `{column}` = `{s}`; use `train` or `test` (manifest key `validation.internal.column`)",
                    file.display()
                );
            }
            norm.push(s);
        }
        out.fixed_split = Some(norm);
    }
    Ok(out)
}

/// One text column by patient id; every patient must appear (extra rows are ignored).
fn read_column(file: &Path, column: &str, patients: &[String], key: &str) -> anyhow::Result<Vec<String>> {
    let mut r = csv::Reader::from_path(file)
        .map_err(|e| anyhow::anyhow!("{}: cannot read ({e}); check manifest key `{key}`", file.display()))?;
    let headers = r.headers().map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?.clone();
    let find = |name: &str| headers.iter().position(|h| h.trim() == name);
    let pi = find("patient").ok_or_else(|| anyhow::anyhow!("{}: no `patient` column", file.display()))?;
    let ci = find(column).ok_or_else(|| {
        anyhow::anyhow!("{}: no column `{column}` (manifest key `{key}`); columns present: {}", file.display(), {
            headers.iter().collect::<Vec<_>>().join(", ")
        })
    })?;
    let mut by_id = BTreeMap::new();
    for (line, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| anyhow::anyhow!("{}: row {}: {e}", file.display(), line + 2))?;
        let id = rec.get(pi).unwrap_or("").trim().to_string();
        let v = rec.get(ci).unwrap_or("").trim().to_string();
        by_id.insert(id, v);
    }
    patients
        .iter()
        .map(|p| match by_id.get(p) {
            Some(v) if !v.is_empty() => Ok(v.clone()),
            _ => {
                Err(anyhow::anyhow!("{}: patient `{p}` has no `{column}` value (manifest key `{key}`)", file.display()))
            }
        })
        .collect()
}
