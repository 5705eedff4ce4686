//! WDBC loader for integration tests: the shipped split, features z-scored with the training
//! mean and ddof-0 SD (as the reference procedure prepares them), and a Mann–Whitney AUC.
#![allow(dead_code)]
use ndarray::Array2;
use std::collections::BTreeMap;
use std::path::PathBuf;

pub fn modelling_dir() -> PathBuf {
    super::common::reference_dir().join("modelling")
}

pub struct WdbcSplit {
    pub x_train: Array2<f64>,
    pub y_train: Vec<bool>,
    pub x_test: Array2<f64>,
    pub y_test: Vec<bool>,
    pub test_row_ids: Vec<usize>,
}

/// Read a CSV into (header, rows of strings).
pub fn read_csv(path: PathBuf) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rdr = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = rdr.headers().unwrap().iter().map(String::from).collect();
    let rows = rdr.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
    (header, rows)
}

/// Column `name` of a CSV as f64.
pub fn column(header: &[String], rows: &[Vec<String>], name: &str) -> Vec<f64> {
    let j = header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    rows.iter().map(|r| r[j].parse().unwrap()).collect()
}

pub fn load_split() -> WdbcSplit {
    let dir = modelling_dir();
    let (h, rows) = read_csv(dir.join("data/wdbc.csv"));
    let feats: Vec<usize> =
        (0..h.len()).filter(|&j| !["row_id", "sklearn_target", "malignant"].contains(&h[j].as_str())).collect();
    assert_eq!(feats.len(), 30);
    let y_all = column(&h, &rows, "malignant");
    let (sh, srows) = read_csv(dir.join("folds/wdbc_split.csv"));
    let set: BTreeMap<usize, String> = srows.iter().map(|r| (r[0].parse().unwrap(), r[1].clone())).collect();
    assert_eq!(sh[1], "set");
    let pick = |which: &str| -> (Array2<f64>, Vec<bool>, Vec<usize>) {
        let ids: Vec<usize> = set.iter().filter(|(_, s)| s.as_str() == which).map(|(&i, _)| i).collect();
        let x = Array2::from_shape_fn((ids.len(), feats.len()), |(i, j)| rows[ids[i]][feats[j]].parse().unwrap());
        let y = ids.iter().map(|&i| y_all[i] == 1.0).collect();
        (x, y, ids)
    };
    let (mut x_train, y_train, _) = pick("train");
    let (mut x_test, y_test, test_row_ids) = pick("test");
    for j in 0..x_train.ncols() {
        let col = x_train.column(j);
        let mean = col.sum() / col.len() as f64;
        let sd = (col.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / col.len() as f64).sqrt();
        x_train.column_mut(j).mapv_inplace(|v| (v - mean) / sd);
        x_test.column_mut(j).mapv_inplace(|v| (v - mean) / sd);
    }
    WdbcSplit { x_train, y_train, x_test, y_test, test_row_ids }
}

/// AUC = P(score_pos > score_neg) + ½ P(tie), by pairwise counting.
pub fn auc(score: &[f64], y: &[bool]) -> f64 {
    let (mut num, mut pairs) = (0.0, 0.0);
    for (i, &si) in score.iter().enumerate() {
        if !y[i] {
            continue;
        }
        for (j, &sj) in score.iter().enumerate() {
            if y[j] {
                continue;
            }
            pairs += 1.0;
            num += if si > sj {
                1.0
            } else if si == sj {
                0.5
            } else {
                0.0
            };
        }
    }
    num / pairs
}

/// Reference test-set AUC of `model` from results/wdbc_classification.json.
pub fn reference_test_auc(model: &str) -> f64 {
    let text = std::fs::read_to_string(modelling_dir().join("results/wdbc_classification.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["test"][model]["auc"].as_f64().unwrap()
}

/// Column `name` of predictions/wdbc_test_predictions.csv, checked to be in `row_ids` order.
pub fn reference_test_predictions(name: &str, row_ids: &[usize]) -> Vec<f64> {
    let (h, rows) = read_csv(modelling_dir().join("predictions/wdbc_test_predictions.csv"));
    let ids: Vec<usize> = column(&h, &rows, "row_id").iter().map(|&v| v as usize).collect();
    assert_eq!(ids, row_ids);
    column(&h, &rows, name)
}
