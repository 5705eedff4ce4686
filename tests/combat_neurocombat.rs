//! ComBat against the neuroCombat 0.2.12 package (tests/data/combat/, made by
//! tests/data/combat/make_reference.py): harmonised data and γ*, δ* within 1e-6.
use ndarray::{Array2, Axis};
use radstudy::harmonise::{combat_fit, CombatError, CombatModel, CombatOptions, UnseenBatch};
use std::path::PathBuf;

const TOL: f64 = 1e-6;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/combat")
}

struct Input {
    x: Array2<f64>,
    batch: Vec<String>,
    cov: Array2<f64>,
    test: Vec<bool>,
}

fn read_input() -> Input {
    let mut rdr = csv::Reader::from_path(data_dir().join("input.csv")).unwrap();
    let (mut rows, mut batch, mut cov, mut test) = (vec![], vec![], vec![], vec![]);
    for rec in rdr.records() {
        let r = rec.unwrap();
        batch.push(r[1].to_string());
        cov.push(vec![r[2].parse::<f64>().unwrap(), r[3].parse::<f64>().unwrap()]);
        test.push(&r[4] == "test");
        rows.push(r.iter().skip(5).map(|v| v.parse::<f64>().unwrap()).collect::<Vec<f64>>());
    }
    Input { x: to_array(&rows), batch, cov: to_array(&cov), test }
}

fn to_array(rows: &[Vec<f64>]) -> Array2<f64> {
    Array2::from_shape_fn((rows.len(), rows[0].len()), |(i, j)| rows[i][j])
}

/// neuroCombat output file: (patient ids, patients × features).
fn read_output(name: &str) -> (Vec<usize>, Array2<f64>) {
    let mut rdr = csv::Reader::from_path(data_dir().join(format!("combat_{name}.csv"))).unwrap();
    let (mut ids, mut rows) = (vec![], vec![]);
    for rec in rdr.records() {
        let r = rec.unwrap();
        ids.push(r[0].parse::<usize>().unwrap());
        rows.push(r.iter().skip(1).map(|v| v.parse::<f64>().unwrap()).collect::<Vec<f64>>());
    }
    (ids, to_array(&rows))
}

fn estimates(mode: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(data_dir().join("estimates.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v[mode].clone()
}

fn max_abs_diff(a: &Array2<f64>, b: &Array2<f64>) -> f64 {
    assert_eq!(a.dim(), b.dim());
    a.iter().zip(b.iter()).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max)
}

fn json_matrix(v: &serde_json::Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect())
        .collect();
    to_array(&rows)
}

fn check_estimates(model: &CombatModel, mode: &str) {
    let e = estimates(mode);
    let batches: Vec<String> =
        e["batches"].as_array().unwrap().iter().map(|b| b.as_str().unwrap().to_string()).collect();
    assert_eq!(model.batches, batches);
    let dg = max_abs_diff(&model.gamma_star, &json_matrix(&e["gamma_star"]));
    let dd = max_abs_diff(&model.delta_star, &json_matrix(&e["delta_star"]));
    println!("{mode}: max |Δγ*| = {dg:.2e}, max |Δδ*| = {dd:.2e}");
    assert!(dg < TOL && dd < TOL, "{mode}: γ* diff {dg}, δ* diff {dd}");
    let vp: Vec<f64> = e["var_pooled"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
    for (a, b) in model.var_pooled.iter().zip(&vp) {
        assert!((a - b).abs() < TOL * b.max(1.0), "{mode}: var_pooled {a} vs {b}");
    }
}

fn full_data_case(mode: &str, opts: CombatOptions) {
    let inp = read_input();
    let model = combat_fit(&inp.x, &inp.batch, Some(&inp.cov), &opts).unwrap();
    check_estimates(&model, mode);
    let out = model.apply(&inp.x, &inp.batch, Some(&inp.cov)).unwrap();
    let (_, want) = read_output(mode);
    let d = max_abs_diff(&out, &want);
    println!("{mode}: max |Δ data| = {d:.2e}");
    assert!(d < TOL, "{mode}: harmonised data differ by {d}");
}

#[test]
fn parametric_matches_neurocombat() {
    full_data_case("parametric", CombatOptions::neurocombat_default());
}

#[test]
fn nonparametric_matches_neurocombat() {
    full_data_case("nonparametric", CombatOptions { parametric: false, ..Default::default() });
}

#[test]
fn mean_only_matches_neurocombat() {
    let opts = CombatOptions { mean_only: true, ..CombatOptions::neurocombat_default() };
    full_data_case("meanonly_parametric", opts);
    full_data_case(
        "meanonly_nonparametric",
        CombatOptions { parametric: false, mean_only: true, ..Default::default() },
    );
}

#[test]
fn reference_batch_matches_neurocombat() {
    let r = Some("scanner_B".to_string());
    full_data_case(
        "ref_parametric",
        CombatOptions { reference_batch: r.clone(), ..CombatOptions::neurocombat_default() },
    );
    full_data_case("ref_nonparametric", CombatOptions { reference_batch: r, ..Default::default() });
}

/// Fit on the training rows only; training output equals neuroCombat on those rows, and the
/// held-out rows equal `neuroCombatFromTraining` (which uses the mean training covariate effect).
#[test]
fn fit_on_train_apply_on_test_matches_neurocombat_from_training() {
    let inp = read_input();
    let train: Vec<usize> = (0..inp.test.len()).filter(|&i| !inp.test[i]).collect();
    let test: Vec<usize> = (0..inp.test.len()).filter(|&i| inp.test[i]).collect();
    let pick = |idx: &[usize]| idx.iter().map(|&i| inp.batch[i].clone()).collect::<Vec<_>>();
    let opts = CombatOptions::neurocombat_default();
    for (suffix, with_cov) in [("", true), ("_nocov", false)] {
        let cov_train = inp.cov.select(Axis(0), &train);
        let cov = with_cov.then_some(&cov_train);
        let model = combat_fit(&inp.x.select(Axis(0), &train), &pick(&train), cov, &opts).unwrap();
        let mode = format!("train{suffix}_parametric");
        check_estimates(&model, &mode);
        let (ids, want) = read_output(&mode);
        assert_eq!(ids, train);
        let d_train = max_abs_diff(&model.apply(&inp.x.select(Axis(0), &train), &pick(&train), cov).unwrap(), &want);
        let (ids, want) = read_output(&format!("from_training{suffix}"));
        assert_eq!(ids, test);
        let got = model.apply(&inp.x.select(Axis(0), &test), &pick(&test), None).unwrap();
        let d_test = max_abs_diff(&got, &want);
        println!("train{suffix}: max |Δ| train rows {d_train:.2e}, held-out rows {d_test:.2e}");
        assert!(d_train < TOL && d_test < TOL, "train {d_train}, test {d_test}");
    }
}

#[test]
fn unseen_batch_is_an_error_or_the_chosen_fallback() {
    let inp = read_input();
    let model = combat_fit(&inp.x, &inp.batch, None, &CombatOptions::neurocombat_default()).unwrap();
    let mut labels = inp.batch.clone();
    labels[3] = "scanner_Z".to_string();
    let err = model.apply(&inp.x, &labels, None).unwrap_err();
    assert_eq!(err, CombatError::UnseenBatch { batch: "scanner_Z".into() });
    let msg = err.to_string();
    assert!(msg.contains("scanner_Z") && msg.contains("manifest"), "{msg}");
    let reference = model.apply(&inp.x, &inp.batch, None).unwrap();
    for unseen in [UnseenBatch::NoCorrection, UnseenBatch::PooledOnly] {
        let mut m = model.clone();
        m.options.unseen = unseen;
        let out = m.apply(&inp.x, &labels, None).unwrap();
        assert_eq!(out.row(3), inp.x.row(3));
        assert_eq!(out.row(4), reference.row(4));
    }
}

#[test]
fn degenerate_inputs_are_errors() {
    let inp = read_input();
    let opts = CombatOptions::neurocombat_default();
    let one: Vec<String> = vec!["a".into(); inp.x.nrows()];
    assert!(matches!(combat_fit(&inp.x, &one, None, &opts), Err(CombatError::TooFewBatches { found: 1 })));
    let mut small = inp.batch.clone();
    small[0] = "lonely".into();
    assert!(matches!(combat_fit(&inp.x, &small, None, &opts), Err(CombatError::BatchTooSmall { n: 1, .. })));
    // a covariate equal to a batch indicator is confounded with batch
    let confounded = Array2::from_shape_fn((inp.x.nrows(), 1), |(i, _)| f64::from(inp.batch[i] == "scanner_A"));
    assert!(matches!(combat_fit(&inp.x, &inp.batch, Some(&confounded), &opts), Err(CombatError::Confounded(_))));
    let bad_ref = CombatOptions { reference_batch: Some("nope".into()), ..opts.clone() };
    assert!(matches!(combat_fit(&inp.x, &inp.batch, None, &bad_ref), Err(CombatError::UnknownReference { .. })));
    let mut nan = inp.x.clone();
    nan[[0, 0]] = f64::NAN;
    assert!(matches!(combat_fit(&nan, &inp.batch, None, &opts), Err(CombatError::NonFinite(_))));
    let model = combat_fit(&inp.x, &inp.batch, None, &opts).unwrap();
    assert!(matches!(model.apply(&inp.x, &inp.batch, Some(&inp.cov)), Err(CombatError::CovariateMismatch(_))));
}

/// neuroCombat's non-parametric likelihood (2πδ)^(−n/2)·exp(…) underflows to 0/0 for batches of
/// a few thousand rows; the log-space evaluation here stays finite and still removes a shift
/// shared by all features (the estimate of one feature borrows from the others only).
#[test]
fn nonparametric_is_finite_for_large_batches() {
    use rand::SeedableRng;
    use rand_distr::{Distribution, Normal};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let normal = Normal::new(0.0, 1.0).unwrap();
    let n = 3000;
    let batch: Vec<String> = (0..n).map(|i| if i % 2 == 0 { "a".into() } else { "b".into() }).collect();
    let x =
        Array2::from_shape_fn((n, 6), |(i, j)| normal.sample(&mut rng) + j as f64 + if i % 2 == 0 { 2.0 } else { 0.0 });
    let opts = CombatOptions { parametric: false, ..Default::default() };
    let model = combat_fit(&x, &batch, None, &opts).unwrap();
    let out = model.apply(&x, &batch, None).unwrap();
    assert!(out.iter().all(|v| v.is_finite()));
    for j in 0..6 {
        let mean = |b: usize| (0..n).filter(|i| i % 2 == b).map(|i| out[[i, j]]).sum::<f64>() / (n / 2) as f64;
        assert!((mean(0) - mean(1)).abs() < 0.1, "feature {j}: batch means {} vs {}", mean(0), mean(1));
    }
}
