//! Random forest on the shipped WDBC split against scikit-learn's RandomForestClassifier AUC.
mod common;
mod wdbc;

use radstudy::model::forest::{fit_random_forest, ForestParams};

#[test]
fn forest_test_auc_matches_sklearn_within_sanity_tolerance() {
    let d = wdbc::load_split();
    let forest = fit_random_forest(d.x_train.view(), &d.y_train, &ForestParams::default()).unwrap();
    let p = forest.predict_proba(d.x_test.view()).unwrap();
    let ours = wdbc::auc(p.as_slice().unwrap(), &d.y_test);
    let reference = wdbc::reference_test_auc("rf");
    let sk_rf = wdbc::reference_test_predictions("rf", &d.test_row_ids);
    let max_prob_diff = p.iter().zip(&sk_rf).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    println!("rf test AUC ours {ours:.6} sklearn {reference:.6}; max |p - p_sklearn| {max_prob_diff:.4}");
    assert!((ours - reference).abs() <= 0.02, "AUC {ours} vs {reference}");
    assert!(p.iter().all(|v| (0.0..=1.0).contains(v)));
}

#[test]
fn forest_is_identical_on_one_and_two_threads() {
    let d = wdbc::load_split();
    let params = ForestParams { n_trees: 60, seed: 7, ..ForestParams::default() };
    let fit_with = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| {
            let f = fit_random_forest(d.x_train.view(), &d.y_train, &params).unwrap();
            (f.predict_proba(d.x_test.view()).unwrap(), f)
        })
    };
    let (p1, f1) = fit_with(1);
    let (p2, f2) = fit_with(2);
    assert_eq!(f1, f2);
    assert_eq!(p1, p2);
    let other_seed = fit_random_forest(d.x_train.view(), &d.y_train, &ForestParams { seed: 8, ..params }).unwrap();
    assert_ne!(other_seed.predict_proba(d.x_test.view()).unwrap(), p1);
}

#[test]
fn single_gini_trees_equal_sklearn_decision_tree() {
    use radstudy::model::tree::{grow_tree, TreeParams};
    use rand::SeedableRng;
    let d = wdbc::load_split();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/trees/tree_reference.json");
    let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let target: Vec<f64> = d.y_train.iter().map(|&v| f64::from(u8::from(v))).collect();
    let weight = vec![1.0; target.len()];
    let rows: Vec<usize> = (0..target.len()).collect();
    let mut cases: Vec<(TreeParams, serde_json::Value)> = [1usize, 2, 3]
        .iter()
        .map(|&depth| {
            (TreeParams { max_depth: Some(depth), ..TreeParams::default() }, r["dtc_proba"][depth.to_string()].clone())
        })
        .collect();
    cases.push((
        TreeParams { max_depth: Some(4), min_samples_leaf: 10, ..TreeParams::default() },
        r["dtc_min_leaf10_proba"].clone(),
    ));
    for (params, sk) in cases {
        let sk: Vec<f64> = serde_json::from_value(sk).unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
        let tree = grow_tree(d.x_train.view(), &target, &weight, &rows, &params, &mut rng);
        let diff =
            d.x_test.rows().into_iter().zip(&sk).map(|(row, s)| (tree.predict_row(row) - s).abs()).fold(0.0, f64::max);
        assert!(diff < 1e-12, "{params:?}: max |p - sklearn| {diff}");
    }
}
