//! mRMR-FCQ, k-best and RFE on the WDBC training rows against the external references:
//! `modelling/results/wdbc_feature_selection.json` (mrmr_selection 0.2.8),
//! `modelling/results/wdbc_train_univariate.csv` (scipy / sklearn statistics) and
//! tests/data/rfe/rfe_wdbc.json (scikit-learn RFE, made by tests/data/rfe/make_reference.py).
mod common;

use ndarray::{Array1, Array2};
use radstudy::select::kbest::{k_best, percentile_best, rank_by_score, rank_features, UnivariateScore};
use radstudy::select::mrmr::{mrmr_fcq, mrmr_fcq_with_scores};
use radstudy::select::rfe::{rfe_logistic, RfeOptions, RfeStep};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn modelling() -> PathBuf {
    common::reference_dir().join("modelling")
}

/// WDBC training rows (folds/wdbc_split.csv set == train): feature names, X, y = malignant.
fn wdbc_train() -> (Vec<String>, Array2<f64>, Array1<f64>) {
    let mut split = csv::Reader::from_path(modelling().join("folds/wdbc_split.csv")).unwrap();
    let train: Vec<bool> = split.records().map(|r| &r.unwrap()[1] == "train").collect();
    let mut rdr = csv::Reader::from_path(modelling().join("data/wdbc.csv")).unwrap();
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    let feat_cols: Vec<usize> = (0..header.len())
        .filter(|&c| !["row_id", "sklearn_target", "malignant"].contains(&header[c].as_str()))
        .collect();
    let y_col = header.iter().position(|h| h == "malignant").unwrap();
    let (mut rows, mut y) = (vec![], vec![]);
    for rec in rdr.records() {
        let r = rec.unwrap();
        let id: usize = r[0].parse().unwrap();
        if train[id] {
            rows.push(feat_cols.iter().map(|&c| r[c].parse::<f64>().unwrap()).collect::<Vec<f64>>());
            y.push(r[y_col].parse::<f64>().unwrap());
        }
    }
    let x = Array2::from_shape_fn((rows.len(), feat_cols.len()), |(i, j)| rows[i][j]);
    (feat_cols.iter().map(|&c| header[c].clone()).collect(), x, Array1::from(y))
}

fn json(path: PathBuf) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn names(v: &serde_json::Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect()
}

#[test]
fn mrmr_fcq_order_matches_mrmr_selection() {
    let (features, x, y) = wdbc_train();
    assert_eq!(x.nrows(), 398);
    let reference = json(modelling().join("results/wdbc_feature_selection.json"));
    let want = names(&reference["mrmr_fcq_K10"]["mrmr_selection_package"]);
    let got: Vec<String> = mrmr_fcq(&x, &y, 10).into_iter().map(|j| features[j].clone()).collect();
    assert_eq!(got, want);
    let want_scores: Vec<f64> =
        reference["mrmr_fcq_K10"]["own_scores"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    let worst = mrmr_fcq_with_scores(&x, &y, 10)
        .iter()
        .zip(&want_scores)
        .map(|((_, s), w)| ((s - w) / w).abs())
        .fold(0.0, f64::max);
    println!("mRMR order equal; max relative score difference {worst:.1e}");
    assert!(worst < 1e-9);
    assert_eq!(mrmr_fcq(&x, &y, 100).len(), 30);
}

fn univariate_reference() -> BTreeMap<String, BTreeMap<String, f64>> {
    let mut rdr = csv::Reader::from_path(modelling().join("results/wdbc_train_univariate.csv")).unwrap();
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    let mut out = BTreeMap::new();
    for rec in rdr.records() {
        let r = rec.unwrap();
        let vals = (1..header.len()).map(|c| (header[c].clone(), r[c].parse::<f64>().unwrap())).collect();
        out.insert(r[0].to_string(), vals);
    }
    out
}

#[test]
fn k_best_ranks_as_the_reference_statistics() {
    let (features, x, y) = wdbc_train();
    let reference = univariate_reference();
    let stat = |col: &str, f: fn(f64) -> f64| -> Vec<f64> { features.iter().map(|n| f(reference[n][col])).collect() };
    let cases = [
        (UnivariateScore::MannWhitneyP, rank_by_score(&stat("mwu_p", |v| v), true)),
        (UnivariateScore::AnovaF, rank_by_score(&stat("anova_F", |v| v), false)),
        (UnivariateScore::AucDistance, rank_by_score(&stat("auc", |a| (a - 0.5).abs()), false)),
    ];
    for (score, want) in cases {
        let got = rank_features(&x, &y, score);
        assert_eq!(got, want, "{score:?}");
        let mut top10 = want[..10].to_vec();
        top10.sort_unstable();
        assert_eq!(k_best(&x, &y, score, 10), top10, "{score:?}");
    }
    let top5 = names(&json(modelling().join("results/wdbc_feature_selection.json"))["univariate"]["top5_by_auc"]);
    let got: Vec<String> =
        rank_features(&x, &y, UnivariateScore::AucDistance)[..5].iter().map(|&j| features[j].clone()).collect();
    assert_eq!(got, top5);
    // 20 % of 30 features = 6, the sklearn SelectPercentile count
    assert_eq!(percentile_best(&x, &y, UnivariateScore::AnovaF, 20.0).len(), 6);
}

#[test]
fn k_best_ties_break_by_column_index() {
    // identical columns have identical scores: the lower index wins
    let x = Array2::from_shape_fn((8, 3), |(i, j)| if j == 1 { 0.0 } else { i as f64 });
    let y = Array1::from(vec![0., 0., 0., 1., 0., 1., 1., 1.]);
    assert_eq!(k_best(&x, &y, UnivariateScore::AnovaF, 1), vec![0]);
    // the constant column has an undefined F and ranks last
    assert_eq!(rank_features(&x, &y, UnivariateScore::AnovaF), vec![0, 2, 1]);
}

#[test]
fn rfe_matches_sklearn() {
    let (features, x, y) = wdbc_train();
    let reference = json(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/rfe/rfe_wdbc.json"));
    assert_eq!(names(&reference["features"]), features);
    let mut checked = 0;
    for case in reference["cases"].as_array().unwrap() {
        let c = case["C"].as_f64().unwrap();
        let k = case["k"].as_u64().unwrap() as usize;
        let step = RfeStep::Count(case["step"].as_u64().unwrap() as usize);
        let res = rfe_logistic(&x, &y, k, &RfeOptions { c, step, standardize: true }).unwrap();
        let got: Vec<String> = res.selected.iter().map(|&j| features[j].clone()).collect();
        assert_eq!(got, names(&case["exact"]["selected"]), "C {c} k {k} {step:?}");
        let ranking: Vec<usize> =
            case["exact"]["ranking"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize).collect();
        assert_eq!(res.ranking, ranking, "C {c} k {k} {step:?}");
        checked += 1;
    }
    assert_eq!(checked, 8);
    // a fraction 0.1 of 30 features removes 3 per round, as sklearn's float step
    let frac = rfe_logistic(&x, &y, 10, &RfeOptions { step: RfeStep::Fraction(0.1), ..Default::default() }).unwrap();
    let three = rfe_logistic(&x, &y, 10, &RfeOptions { step: RfeStep::Count(3), ..Default::default() }).unwrap();
    assert_eq!(frac, three);
    assert!(rfe_logistic(&x, &y, 0, &RfeOptions::default()).is_err());
    assert!(rfe_logistic(&x, &y, 5, &RfeOptions { step: RfeStep::Fraction(1.5), ..Default::default() }).is_err());
}

#[test]
fn mrmr_skips_irrelevant_features_and_duplicates() {
    // column 2 is constant (F undefined → not a candidate); column 1 duplicates column 0
    let y = Array1::from(vec![0., 0., 0., 0., 1., 1., 1., 1.]);
    let x = Array2::from_shape_fn((8, 4), |(i, j)| match j {
        0 | 1 => i as f64,
        2 => 3.0,
        _ => [1., 0., 2., 1., 2., 3., 1., 3.][i],
    });
    // after column 0, the duplicate's mean |r| is exactly 1 and scores 0: column 3 comes first.
    // Expected order = mrmr_selection 0.2.8 `mrmr_classif(x, y, K=4)` on this table: ['0', '3', '1'].
    assert_eq!(mrmr_fcq(&x, &y, 4), vec![0, 3, 1]);
}
