//! Reading a cohort table. Columns: `patient`, the centre column, the outcome column,
//! `image_<SEQ>` per sequence, `mask` (+ `mask_2`, `mask_3`, … for further observers) and any
//! clinical columns. Paths are relative to the table's folder. Must not open the images.

use super::{Cohort, CohortError, Patient};
use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What the study needs from the table.
pub struct TableSpec<'a> {
    pub centre_column: &'a str,
    pub outcome: &'a str,
    /// Survival time column, for survival studies.
    pub time: Option<&'a str>,
    pub sequences: &'a [String],
    pub clinical: &'a [String],
}

/// Read and check a cohort table.
pub fn load_cohort(path: &Path, spec: &TableSpec) -> Result<Cohort, CohortError> {
    let err = |message: String| CohortError { file: path.to_path_buf(), message };
    if !path.is_file() {
        return Err(err("file not found".into()));
    }
    let df = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .and_then(|r| r.finish())
        .map_err(|e| err(format!("not a readable CSV table: {e}")))?;
    let names: Vec<String> = df.get_column_names().iter().map(|s| s.to_string()).collect();
    let col = |name: &str| -> Result<Vec<Option<String>>, CohortError> {
        let c = df
            .column(name)
            .map_err(|_| err(format!("missing column `{name}` (columns present: {})", names.join(", "))))?;
        let s = c.str().map_err(|e| err(format!("column `{name}`: {e}")))?;
        Ok(s.iter().map(|v| v.map(|x| x.trim().to_string()).filter(|x| !x.is_empty())).collect())
    };
    let ids = col("patient")?;
    let centres = col(spec.centre_column)?;
    let outcome = col(spec.outcome)?;
    let times = spec.time.map(col).transpose()?;
    let images: Vec<(String, Vec<Option<String>>)> =
        spec.sequences.iter().map(|s| col(&format!("image_{s}")).map(|c| (s.clone(), c))).collect::<Result<_, _>>()?;
    let mut mask_cols = vec![col("mask")?];
    for k in 2.. {
        let name = format!("mask_{k}");
        if !names.contains(&name) {
            break;
        }
        mask_cols.push(col(&name)?);
    }
    let clinical: Vec<(String, Vec<Option<String>>)> =
        spec.clinical.iter().map(|c| col(c).map(|v| (c.clone(), v))).collect::<Result<_, _>>()?;

    let base = path.parent().unwrap_or(Path::new("."));
    let mut seen = BTreeSet::new();
    let mut patients = Vec::with_capacity(df.height());
    for r in 0..df.height() {
        let row = r + 2; // 1-based, after the header line
        let id = ids[r].clone().ok_or_else(|| err(format!("line {row}: empty `patient`")))?;
        if !seen.insert(id.clone()) {
            return Err(err(format!("patient `{id}` appears twice (line {row}); patient ids must be unique")));
        }
        let centre =
            centres[r].clone().ok_or_else(|| err(format!("patient `{id}`: empty `{}`", spec.centre_column)))?;
        let outcome = match outcome[r].as_deref() {
            Some("0") | Some("0.0") => 0,
            Some("1") | Some("1.0") => 1,
            None => {
                return Err(err(format!(
                    "patient `{id}`: outcome `{}` is missing; remove the patient or fill the value",
                    spec.outcome
                )))
            }
            Some(v) => {
                return Err(err(format!(
                    "patient `{id}`: outcome `{}` is `{v}`; it must be 0 or 1 (binary outcome or event indicator)",
                    spec.outcome
                )))
            }
        };
        let time = match (&times, spec.time) {
            (Some(t), Some(name)) => {
                let v = t[r].as_deref().ok_or_else(|| {
                    err(format!(
                        "patient `{id}`: survival time `{name}` is missing; remove the patient or fill the value"
                    ))
                })?;
                let x: f64 = v.parse().map_err(|_| err(format!("patient `{id}`: `{name}` = `{v}` is not a number")))?;
                if !(x > 0.0 && x.is_finite()) {
                    return Err(err(format!(
                        "patient `{id}`: survival time `{name}` = {v}; times must be > 0 (use a small positive time for events at day 0)"
                    )));
                }
                x
            }
            _ => f64::NAN,
        };
        let mut imgs = BTreeMap::new();
        for (s, c) in &images {
            let p = c[r].clone().ok_or_else(|| err(format!("patient `{id}`: empty `image_{s}`")))?;
            imgs.insert(s.clone(), base.join(p));
        }
        let mut masks = Vec::new();
        for (k, c) in mask_cols.iter().enumerate() {
            match (&c[r], k) {
                (Some(p), _) => masks.push(base.join(p)),
                (None, 0) => return Err(err(format!("patient `{id}`: empty `mask`"))),
                (None, _) => {}
            }
        }
        let mut clin = BTreeMap::new();
        for (name, c) in &clinical {
            let v = match c[r].as_deref() {
                None | Some("NA") | Some("nan") => f64::NAN,
                Some(v) => {
                    v.parse::<f64>().map_err(|_| err(format!("patient `{id}`: `{name}` = `{v}` is not a number")))?
                }
            };
            clin.insert(name.clone(), v);
        }
        patients.push(Patient { id, centre, outcome, time, clinical: clin, images: imgs, masks });
    }
    if patients.is_empty() {
        return Err(err("the table has no patients".into()));
    }
    Ok(Cohort { patients, source: path.to_path_buf() })
}
