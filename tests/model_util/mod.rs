//! Loaders for the modelling reference data (`reference/modelling`) used by the model tests.
#![allow(dead_code)]
use ndarray::{Array1, Array2};
use std::collections::BTreeMap;
use std::path::PathBuf;

#[path = "../common/mod.rs"]
mod common;

pub fn modelling_dir() -> PathBuf {
    common::reference_dir().join("modelling")
}

/// A CSV as header + rows of strings.
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn read(rel: &str) -> Table {
        let path = modelling_dir().join(rel);
        let mut rdr = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let header = rdr.headers().unwrap().iter().map(|s| s.to_string()).collect();
        let rows = rdr.records().map(|r| r.unwrap().iter().map(|s| s.to_string()).collect()).collect();
        Table { header, rows }
    }
    pub fn col_idx(&self, name: &str) -> usize {
        self.header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"))
    }
    pub fn f64_col(&self, name: &str) -> Vec<f64> {
        let j = self.col_idx(name);
        self.rows.iter().map(|r| r[j].parse::<f64>().unwrap()).collect()
    }
    pub fn str_col(&self, name: &str) -> Vec<String> {
        let j = self.col_idx(name);
        self.rows.iter().map(|r| r[j].clone()).collect()
    }
    pub fn matrix(&self, names: &[String]) -> Array2<f64> {
        let cols: Vec<Vec<f64>> = names.iter().map(|n| self.f64_col(n)).collect();
        Array2::from_shape_fn((self.rows.len(), names.len()), |(i, j)| cols[j][i])
    }
}

pub fn json(rel: &str) -> serde_json::Value {
    let path = modelling_dir().join(rel);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

pub fn select_rows(x: &Array2<f64>, rows: &[usize]) -> Array2<f64> {
    x.select(ndarray::Axis(0), rows)
}

/// WDBC: feature names, X (569 x 30), y = malignant.
pub fn wdbc() -> (Vec<String>, Array2<f64>, Array1<f64>) {
    let t = Table::read("data/wdbc.csv");
    let names: Vec<String> = t.header[1..31].to_vec();
    let x = t.matrix(&names);
    let y = Array1::from(t.f64_col("malignant"));
    (names, x, y)
}

/// Row ids of a split file's set ("train" / "test"), ascending.
pub fn split_rows(file: &str, set: &str) -> Vec<usize> {
    let t = Table::read(file);
    let ids = t.f64_col("row_id");
    let sets = t.str_col("set");
    let mut rows: Vec<usize> = ids.iter().zip(&sets).filter(|(_, s)| *s == set).map(|(i, _)| *i as usize).collect();
    rows.sort_unstable();
    rows
}

/// Fold id of each row in `rows` from a `row_id,fold` file.
pub fn folds_for(file: &str, rows: &[usize]) -> Vec<usize> {
    let t = Table::read(file);
    let m: BTreeMap<usize, usize> =
        t.f64_col("row_id").iter().zip(t.f64_col("fold")).map(|(&r, f)| (r as usize, f as usize)).collect();
    rows.iter().map(|r| m[r]).collect()
}

/// Map name -> f64 from a JSON object.
pub fn named(v: &serde_json::Value) -> BTreeMap<String, f64> {
    v.as_object().unwrap().iter().map(|(k, x)| (k.clone(), x.as_f64().unwrap())).collect()
}

pub fn max_abs_diff(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max)
}

pub const WHAS_COVARIATES: [&str; 14] =
    ["age", "gender", "hr", "sysbp", "diasbp", "bmi", "cvd", "afb", "sho", "chf", "av3", "miord", "mitype", "los"];

/// WHAS500: covariate names, X (500 x 14 raw), time (lenfol), event (fstat = 1).
pub fn whas500() -> (Vec<String>, Array2<f64>, Vec<f64>, Vec<bool>) {
    let t = Table::read("data/whas500.csv");
    let names: Vec<String> = WHAS_COVARIATES.iter().map(|s| s.to_string()).collect();
    let x = t.matrix(&names);
    let time = t.f64_col("lenfol");
    let event = t.f64_col("fstat").iter().map(|&v| v == 1.0).collect();
    (names, x, time, event)
}
