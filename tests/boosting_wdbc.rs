//! Gradient boosting on the shipped WDBC split against scikit-learn's GradientBoostingClassifier.
mod common;
mod wdbc;

use radstudy::model::boosting::{fit_gradient_boosting, BoostingParams};

#[test]
fn boosting_test_auc_matches_sklearn_within_sanity_tolerance() {
    let d = wdbc::load_split();
    let model = fit_gradient_boosting(d.x_train.view(), &d.y_train, &BoostingParams::default()).unwrap();
    let p = model.predict_proba(d.x_test.view()).unwrap();
    let ours = wdbc::auc(p.as_slice().unwrap(), &d.y_test);
    let reference = wdbc::reference_test_auc("gb");
    let sk = wdbc::reference_test_predictions("gb", &d.test_row_ids);
    let max_prob_diff = p.iter().zip(&sk).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    println!("gb test AUC ours {ours:.6} sklearn {reference:.6}; max |p - p_sklearn| {max_prob_diff:.3e}");
    assert!((ours - reference).abs() <= 0.02, "AUC {ours} vs {reference}");
}

#[test]
fn stochastic_boosting_is_seeded() {
    let d = wdbc::load_split();
    let params = BoostingParams { n_trees: 20, subsample: 0.5, seed: 3, ..BoostingParams::default() };
    let a = fit_gradient_boosting(d.x_train.view(), &d.y_train, &params).unwrap();
    let b = fit_gradient_boosting(d.x_train.view(), &d.y_train, &params).unwrap();
    assert_eq!(a, b);
    let c = fit_gradient_boosting(d.x_train.view(), &d.y_train, &BoostingParams { seed: 4, ..params }).unwrap();
    assert_ne!(a, c);
    let p = a.predict_proba(d.x_test.view()).unwrap();
    assert!(wdbc::auc(p.as_slice().unwrap(), &d.y_test) > 0.95);
}

/// tests/data/trees/tree_reference.json (make_tree_reference.py, scikit-learn 1.9.1).
fn tree_reference() -> serde_json::Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/trees/tree_reference.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn first_boosting_stages_equal_sklearn_exactly() {
    let d = wdbc::load_split();
    let r = tree_reference();
    let ids: Vec<usize> = serde_json::from_value(r["test_row_ids"].clone()).unwrap();
    assert_eq!(ids, d.test_row_ids);
    for m in [1usize, 2, 3] {
        let sk: Vec<f64> = serde_json::from_value(r["gb_proba"][m.to_string()].clone()).unwrap();
        let params = BoostingParams { n_trees: m, ..BoostingParams::default() };
        let p = fit_gradient_boosting(d.x_train.view(), &d.y_train, &params)
            .unwrap()
            .predict_proba(d.x_test.view())
            .unwrap();
        let diff = p.iter().zip(&sk).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        println!("{m} stage(s): max |p - sklearn| {diff:.2e}");
        assert!(diff < 1e-12, "{m} stages: {diff}");
    }
}
