//! Test-only loaders for the modelling reference files (CSV columns by header name, JSON values).
#![allow(dead_code)]
use std::collections::BTreeMap;
use std::path::PathBuf;

use super::common::reference_dir;

/// `<reference>/modelling/<rel>`.
pub fn modelling(rel: &str) -> PathBuf {
    reference_dir().join("modelling").join(rel)
}

/// A CSV table as string columns keyed by header.
pub struct Table {
    pub columns: BTreeMap<String, Vec<String>>,
    pub n_rows: usize,
}

impl Table {
    pub fn f64(&self, name: &str) -> Vec<f64> {
        self.col(name).iter().map(|s| s.parse::<f64>().unwrap_or_else(|_| panic!("{name}: bad number {s}"))).collect()
    }
    pub fn bool01(&self, name: &str) -> Vec<bool> {
        self.f64(name).iter().map(|&v| v != 0.0).collect()
    }
    pub fn col(&self, name: &str) -> &Vec<String> {
        self.columns.get(name).unwrap_or_else(|| panic!("missing column {name}"))
    }
}

/// Reads a headed CSV file.
pub fn read_csv(rel: &str) -> Table {
    let path = modelling(rel);
    let mut rdr = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let headers: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    let mut columns: BTreeMap<String, Vec<String>> = headers.iter().map(|h| (h.clone(), Vec::new())).collect();
    let mut n_rows = 0;
    for rec in rdr.records() {
        let rec = rec.unwrap();
        for (h, v) in headers.iter().zip(rec.iter()) {
            columns.get_mut(h).unwrap().push(v.to_string());
        }
        n_rows += 1;
    }
    Table { columns, n_rows }
}

/// Reads a header-less integer matrix (one row per line).
pub fn read_index_matrix(rel: &str) -> Vec<Vec<usize>> {
    let text = std::fs::read_to_string(modelling(rel)).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(|v| v.trim().parse().unwrap()).collect())
        .collect()
}

/// Parses a JSON file.
pub fn read_json(rel: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(modelling(rel)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// JSON number (panics with the path if absent).
pub fn num(v: &serde_json::Value, path: &str) -> f64 {
    let mut cur = v;
    for key in path.split('/') {
        cur = match (cur.as_array(), key.parse::<usize>()) {
            (Some(a), Ok(i)) => &a[i],
            _ => &cur[key],
        };
    }
    cur.as_f64().unwrap_or_else(|| panic!("no number at {path}: {cur}"))
}

/// Asserts |a − b| ≤ tol (NaN never passes).
#[track_caller]
pub fn close(what: &str, got: f64, want: f64, tol: f64) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got:.17e}, want {want:.17e}, diff {:.3e} > {tol:e}",
        (got - want).abs()
    );
}
