//! Leakage guard: every data-fitted object (ComBat, selection, scaler, model) is fitted on a
//! split's training rows only. (1) A feature that carries the outcome only in the held-out rows
//! is never selected and does not change the held-out AUC, fold by fold and through the fixed
//! split design; (2) corrupting held-out rows with huge values leaves every fitted parameter
//! unchanged; (3) a held-out patient from a batch unseen in training gets the clear error, or
//! is left uncorrected when the manifest says so.

mod design_util;

use design_util::{manifest, synthetic, Data};
use radstudy::harmonise::UnseenBatch;
use radstudy::validate::harmonise::CombatPlan;
use radstudy::validate::{fit::fit_split, stratified_kfold, FitPlan};

const SELECT: &str = r#"
[select]
steps = [
  { method = "mann_whitney", p = 0.2 },
  { method = "correlation", max_abs_r = 0.9 },
  { method = "lasso", folds = 5, rule = "min" },
]
"#;

/// `d` with one more radiomics column: the outcome (plus a little noise) in `held` rows, 0 elsewhere.
fn with_leak(d: &Data, held: &[usize], leak: bool) -> Data {
    let n = d.x.nrows();
    let p = d.x.ncols();
    let mut x = ndarray::Array2::<f64>::zeros((n, p + 1));
    x.slice_mut(ndarray::s![.., ..p]).assign(&d.x);
    for &i in held {
        x[[i, p]] = if leak { 3.0 * d.y[i] + 0.01 * i as f64 } else { 0.01 * i as f64 };
    }
    let mut columns = d.columns.clone();
    columns.push("AP.tumour.stats.leak".into());
    Data {
        x,
        y: d.y.clone(),
        time: d.time.clone(),
        columns,
        n_radiomics: p + 1,
        centres: d.centres.clone(),
        patients: d.patients.clone(),
        extra: d.extra.clone(),
    }
}

fn plan_for<'a>(m: &'a radstudy::manifest::Manifest, cand: &'a [usize], combat: Option<&'a CombatPlan>) -> FitPlan<'a> {
    FitPlan {
        candidates: cand,
        forced: &[],
        steps: &m.select.steps,
        spec: &m.models[0],
        combat,
        inner_folds: 3,
        unsupervised: false,
    }
}

#[test]
fn a_feature_leaking_only_in_held_out_rows_is_never_selected_and_does_not_raise_cv_auc() {
    let base = synthetic(&["A"], 120, 12, 5, false);
    let m = manifest(
        false,
        &format!(
            "{SELECT}\n[[model]]\nname = \"lr\"\nkind = \"logistic\"\n\n[validation]\ninternal = {{ folds = 5 }}\n"
        ),
    );
    let rows: Vec<usize> = (0..120).collect();
    let splits = stratified_kfold(&rows, &base.y.to_vec(), 5, 3, "cv");
    let cand: Vec<usize> = (0..13).collect();
    let plan = plan_for(&m, &cand, None);
    let (mut oof_leak, mut oof_clean) = (vec![f64::NAN; 120], vec![f64::NAN; 120]);
    for (k, s) in splits.iter().enumerate() {
        let leak = with_leak(&base, &s.test, true);
        let clean = with_leak(&base, &s.test, false);
        let fl = fit_split(&s.train_set(&leak.design()), &plan, k as u64).unwrap();
        let fc = fit_split(&s.train_set(&clean.design()), &plan, k as u64).unwrap();
        assert!(!fl.columns.contains(&12), "fold {k}: the leaking feature was selected: {:?}", fl.columns);
        assert_eq!(fl.columns, fc.columns, "fold {k}: selection differs");
        assert!(!fl.columns.is_empty(), "fold {k}: nothing selected; the test would be vacuous");
        let pl = fl.predict(&s.held_out(&leak.design())).unwrap();
        let pc = fc.predict(&s.held_out(&clean.design())).unwrap();
        for (j, &i) in s.test.iter().enumerate() {
            oof_leak[i] = pl[j];
            oof_clean[i] = pc[j];
        }
    }
    let y = base.y.to_vec();
    let (a_leak, a_clean) = (radstudy::metrics::auc(&oof_leak, &y), radstudy::metrics::auc(&oof_clean, &y));
    assert_eq!(a_leak, a_clean, "CV AUC changed by a feature leaking only in held-out rows");
    assert!(a_clean > 0.6, "the informative features should give some AUC ({a_clean})");
    // The leaking feature on its own would be near-perfect on the held-out rows — it is the
    // guard, not a weak leak, that keeps the AUC unchanged.
    let leak_col: Vec<f64> = splits.iter().flat_map(|s| s.test.iter()).map(|&i| 3.0 * y[i] + 0.01 * i as f64).collect();
    let ys: Vec<f64> = splits.iter().flat_map(|s| s.test.iter()).map(|&i| y[i]).collect();
    assert!(radstudy::metrics::auc(&leak_col, &ys) > 0.99);
}

#[test]
fn fixed_split_design_ignores_a_feature_leaking_in_its_test_rows() {
    let mut base = synthetic(&["A"], 100, 10, 8, false);
    let labels: Vec<String> = (0..100).map(|i| if i % 3 == 0 { "test" } else { "train" }.to_string()).collect();
    base.extra.fixed_split = Some(labels.clone());
    let test: Vec<usize> = (0..100).filter(|i| i % 3 == 0).collect();
    let m = manifest(
        false,
        &format!(
            "{SELECT}\n[[model]]\nname = \"lr\"\nkind = \"logistic\"\n\n[validation]\ninternal = {{ scheme = \"fixed\", column = \"split\" }}\n"
        ),
    );
    let run = |d: &Data| radstudy::validate::run(&m, &d.design(), &|_| {}).unwrap();
    let leak = run(&with_leak(&base, &test, true));
    let clean = run(&with_leak(&base, &test, false));
    let fixed = |r: &[radstudy::validate::ModelResult]| {
        r[0].cohorts.iter().find(|c| c.cohort == "fixed test").unwrap().prob.clone()
    };
    assert_eq!(fixed(&leak), fixed(&clean));
    assert!(leak[0].coefficients.iter().all(|c| c.name != "AP.tumour.stats.leak"));
}

#[test]
fn fitted_objects_do_not_change_when_held_out_rows_are_corrupted() {
    let d = synthetic(&["A", "B", "C"], 40, 8, 21, false);
    let m = manifest(
        false,
        &format!(
            "{SELECT}\n[[model]]\nname = \"lr\"\nkind = \"logistic\"\npenalty = \"l2\"\n\n[harmonise]\ncombat = {{ batch = \"centre\" }}\n\n[validation]\ninternal = {{ folds = 4 }}\n"
        ),
    );
    let combat = CombatPlan::from_spec(m.harmonise.as_ref().unwrap().combat.as_ref().unwrap(), &d.columns).unwrap();
    let cand: Vec<usize> = (0..8).collect();
    let plan = plan_for(&m, &cand, Some(&combat));
    let rows: Vec<usize> = (0..120).collect();
    let split = &stratified_kfold(&rows, &d.y.to_vec(), 4, 9, "cv")[1];
    let mut bad = Data { x: d.x.clone(), ..synthetic(&["A", "B", "C"], 40, 8, 21, false) };
    for &i in &split.test {
        bad.x.row_mut(i).mapv_inplace(|v| v * 1e6 + 1e9);
    }
    let f1 = fit_split(&split.train_set(&d.design()), &plan, 4).unwrap();
    let f2 = fit_split(&split.train_set(&bad.design()), &plan, 4).unwrap();
    assert_eq!(f1.harmoniser.as_ref().unwrap().model, f2.harmoniser.as_ref().unwrap().model, "ComBat changed");
    assert_eq!(f1.scaler, f2.scaler, "scaler changed");
    assert_eq!(f1.columns, f2.columns, "selection changed");
    assert_eq!(f1.coefficients(), f2.coefficients(), "model changed");
    assert!(f1.harmoniser.as_ref().unwrap().model.batches.len() == 3);
    // and the corrupted rows do reach prediction (the guard is about fitting, not hiding data)
    let p1 = f1.predict(&split.held_out(&d.design())).unwrap();
    let p2 = f2.predict(&split.held_out(&bad.design())).unwrap();
    assert_ne!(p1, p2);
}

#[test]
fn unseen_batch_is_a_clear_error_or_left_uncorrected_as_the_manifest_says() {
    let d = synthetic(&["A", "B", "C"], 30, 6, 2, false);
    let body = |unseen: &str| {
        format!(
            "{SELECT}\n[[model]]\nname = \"lr\"\nkind = \"logistic\"\n\n[harmonise]\ncombat = {{ unseen = \"{unseen}\" }}\n\n[validation]\nexternal = {{ train = [\"A\", \"B\"], test = [\"C\"] }}\n"
        )
    };
    let m = manifest(false, &body("error"));
    let err = radstudy::validate::run(&m, &d.design(), &|_| {}).unwrap_err();
    let msg = format!("{err:#}");
    assert!(msg.contains("batch `C`"), "{msg}");
    assert!(msg.contains("patient `P060`"), "{msg}");
    assert!(msg.contains("harmonise] combat.unseen"), "{msg}");

    let m = manifest(false, &body("no_correction"));
    let r = radstudy::validate::run(&m, &d.design(), &|_| {}).unwrap();
    let ext = r[0].cohorts.iter().find(|c| c.cohort == "external C").unwrap();
    assert_eq!(ext.prob.len(), 30);
    assert!(ext.prob.iter().all(|p| p.is_finite()));
    let h = CombatPlan::from_spec(m.harmonise.as_ref().unwrap().combat.as_ref().unwrap(), &d.columns).unwrap();
    assert_eq!(h.options.unseen, UnseenBatch::NoCorrection);
}
