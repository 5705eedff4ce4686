//! Validation designs end to end on a seeded synthetic design matrix: each scheme's cohorts
//! have the rows the design promises (ratio split sizes, one cohort per left-out centre,
//! bootstrap optimism row, fixed split, several external cohorts each on its own), grid tuning
//! reports its choice per split, subgroups give odds ratios per cohort, Cox models give absolute
//! risks — and every design gives identical results on 1 and 2 threads for the same seed.

mod design_util;

use design_util::{manifest, manifest_seeded, synthetic, Data};
use radstudy::manifest::Manifest;
use radstudy::validate::ModelResult;

const SELECT: &str = r#"
[select]
steps = [
  { method = "mann_whitney", p = 0.2 },
  { method = "correlation", max_abs_r = 0.9 },
  { method = "k_best", k = 4 },
]
"#;

fn binary(model: &str, validation: &str) -> Manifest {
    manifest(false, &format!("{SELECT}\n{model}\n[validation]\n{validation}\n"))
}

const LR: &str = "[[model]]\nname = \"lr\"\nkind = \"logistic\"\npenalty = \"l2\"\n";

fn run_on(threads: usize, m: &Manifest, d: &Data) -> Vec<ModelResult> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    pool.install(|| radstudy::validate::run(m, &d.design(), &|_| {}).unwrap())
}

/// Everything a result holds, as text (NaN-safe comparison).
fn fingerprint(r: &[ModelResult]) -> String {
    r.iter()
        .map(|m| {
            format!(
                "{} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
                m.model,
                m.cohorts
                    .iter()
                    .map(|c| (&c.cohort, &c.rows, &c.prob, &c.per_repeat_auc, &c.risk, &c.optimism))
                    .collect::<Vec<_>>(),
                m.threshold,
                m.coefficients.iter().map(|c| (&c.name, c.coef, c.frequency)).collect::<Vec<_>>(),
                m.tuning,
                m.subgroups,
                m.baseline_survival,
                m.trace,
                m.intercept
            )
        })
        .collect()
}

/// Run on 1 and 2 threads; assert identical; return the result.
fn deterministic(m: &Manifest, d: &Data) -> Vec<ModelResult> {
    let a = run_on(1, m, d);
    let b = run_on(2, m, d);
    assert_eq!(fingerprint(&a), fingerprint(&b), "results differ between 1 and 2 threads");
    a
}

fn cohort<'a>(r: &'a ModelResult, name: &str) -> &'a radstudy::validate::CohortPredictions {
    r.cohorts.iter().find(|c| c.cohort == name).unwrap_or_else(|| {
        panic!("no cohort `{name}` in {:?}", r.cohorts.iter().map(|c| &c.cohort).collect::<Vec<_>>())
    })
}

#[test]
fn repeated_kfold_and_several_external_cohorts() {
    let d = synthetic(&["A", "B", "C", "D"], 40, 10, 1, false);
    let m = binary(
        LR,
        "internal = { folds = 4, repeats = 2 }\nexternal = { train = [\"A\", \"B\"], test = [\"C\", \"D\"] }",
    );
    let r = deterministic(&m, &d);
    let names: Vec<&str> = r[0].cohorts.iter().map(|c| c.cohort.as_str()).collect();
    assert_eq!(names, ["train (apparent)", "internal CV", "external C", "external D"]);
    assert_eq!(cohort(&r[0], "internal CV").per_repeat_auc.len(), 2);
    assert_eq!(cohort(&r[0], "external C").rows, (80..120).collect::<Vec<_>>());
    assert_eq!(cohort(&r[0], "external D").rows, (120..160).collect::<Vec<_>>());
    assert_eq!(r[0].n_splits, 8);
}

#[test]
fn stratified_ratio_split_holds_out_the_stated_share_per_class() {
    let d = synthetic(&["A"], 100, 8, 2, false);
    let m = binary(LR, "internal = { scheme = \"split\", ratio = 0.7 }");
    let r = deterministic(&m, &d);
    let t = cohort(&r[0], "internal test (split 0.70)");
    let pos_all = d.y.iter().filter(|&&v| v == 1.0).count();
    let pos_test = t.y.iter().filter(|&&v| v == 1.0).count();
    let neg_all = 100 - pos_all;
    let neg_test = t.y.len() - pos_test;
    assert_eq!(pos_test, pos_all - (pos_all as f64 * 0.7).round() as usize);
    assert_eq!(neg_test, neg_all - (neg_all as f64 * 0.7).round() as usize);
    // a different seed gives a different split
    let m2 =
        manifest_seeded(false, &format!("{SELECT}\n{LR}\n[validation]\ninternal = {{ scheme = \"split\" }}\n"), 12);
    let r2 = run_on(1, &m2, &d);
    assert_ne!(cohort(&r2[0], "internal test (split 0.70)").rows, t.rows);
}

#[test]
fn leave_one_centre_out_reports_each_centre() {
    let d = synthetic(&["A", "B", "C"], 35, 8, 3, false);
    let m = binary(LR, "internal = { scheme = \"loco\" }");
    let r = deterministic(&m, &d);
    for (k, c) in ["A", "B", "C"].iter().enumerate() {
        let co = cohort(&r[0], &format!("LOCO {c}"));
        assert_eq!(co.rows, (35 * k..35 * (k + 1)).collect::<Vec<_>>());
        assert!(co.prob.iter().all(|p| p.is_finite()));
    }
    assert_eq!(r[0].n_splits, 3);
}

#[test]
fn bootstrap_optimism_is_its_own_cohort_row() {
    // many noise features, few patients: selection + fit is optimistic
    let d = synthetic(&["A"], 60, 30, 4, false);
    let m = binary(LR, "internal = { scheme = \"bootstrap\", resamples = 25 }");
    let r = deterministic(&m, &d);
    let b = cohort(&r[0], "bootstrap optimism-corrected");
    let o = b.optimism.as_ref().unwrap();
    let apparent = radstudy::metrics::auc(&cohort(&r[0], "train (apparent)").prob, &b.y);
    assert!((o.apparent - apparent).abs() < 1e-12);
    assert!(o.optimism > 0.0, "optimism {o:?}");
    assert!((o.corrected - (o.apparent - o.optimism)).abs() < 1e-12);
    assert_eq!(o.resamples, 25);
    // the metrics table reports the corrected AUC on that row
    let rows = radstudy::metrics::summary::metric_rows(&r, 0, 1);
    let row = rows.iter().find(|x| x.cohort == "bootstrap optimism-corrected").unwrap();
    assert_eq!(row.auc, o.corrected);
}

#[test]
fn fixed_split_from_a_column() {
    let mut d = synthetic(&["A"], 90, 8, 5, false);
    d.extra.fixed_split = Some((0..90).map(|i| if i >= 60 { "test" } else { "train" }.to_string()).collect());
    let m = binary(LR, "internal = { scheme = \"fixed\", column = \"split\" }");
    let r = deterministic(&m, &d);
    assert_eq!(cohort(&r[0], "fixed test").rows, (60..90).collect::<Vec<_>>());
}

#[test]
fn nested_cv_tunes_the_grid_inside_each_outer_fold() {
    let d = synthetic(&["A"], 90, 8, 6, false);
    let model = format!("{LR}grid = {{ c = [0.001, 0.1, 10.0] }}\n");
    let m = binary(&model, "internal = { scheme = \"nested_cv\", folds = 3, repeats = 1, inner_folds = 3 }");
    let r = deterministic(&m, &d);
    assert_eq!(cohort(&r[0], "nested CV").rows.len(), 90);
    let t = &r[0].tuning;
    assert_eq!(t.len(), 4, "3 outer folds + final: {t:?}");
    assert_eq!(t[3].split, "final");
    for row in t {
        assert_eq!(row.params.len(), 1);
        assert!([0.001, 0.1, 10.0].contains(&row.params[0].1));
        assert!(row.inner_score > 0.5 && row.inner_score <= 1.0);
    }
    // forest grid: two keys
    let model =
        "[[model]]\nname = \"rf\"\nkind = \"random_forest\"\ngrid = { n_trees = [20, 40], max_depth = [2, 3] }\n";
    let m = binary(model, "internal = { scheme = \"split\", inner_folds = 2 }");
    let r = deterministic(&m, &d);
    assert_eq!(r[0].tuning[0].params.iter().map(|p| p.0.as_str()).collect::<Vec<_>>(), ["max_depth", "n_trees"]);
}

#[test]
fn subgroups_give_odds_ratios_per_cohort() {
    let d = synthetic(&["A", "B"], 60, 6, 7, false);
    for kind in ["kmeans", "hierarchical"] {
        let model = format!("[[model]]\nname = \"sub\"\nkind = \"{kind}\"\nclusters = 2\n");
        let m = binary(
            &model,
            "internal = { scheme = \"split\", ratio = 0.7 }\nexternal = { train = [\"A\"], test = [\"B\"] }",
        );
        let r = deterministic(&m, &d);
        let s = &r[0].subgroups;
        let cohorts: Vec<&str> = s.iter().map(|x| x.cohort.as_str()).collect();
        assert_eq!(cohorts, ["train (apparent)", "internal test (split 0.70)", "external B"], "{kind}");
        let train = &s[0];
        // split: the subgroups are fitted on the 70% training part of centre A
        let n_train = train.n_exposed + train.n_reference;
        assert_eq!(n_train + s[1].n_exposed + s[1].n_reference, 60);
        assert!((41..=43).contains(&n_train), "{n_train}");
        assert!(train.n_reference >= train.n_exposed, "subgroup 1 is the larger training cluster");
        assert_eq!(s[2].n_exposed + s[2].n_reference, 60);
        assert!(r[0].cohorts.is_empty());
        // default selection is outcome-free: variance + correlation only
        assert_eq!(
            r[0].trace.iter().map(|t| t.step.as_str()).collect::<Vec<_>>()[1..],
            ["variance > 0", "|Pearson r| ≤ 0.9"]
        );
    }
}

#[test]
fn subgroup_assignments_do_not_depend_on_the_outcome() {
    let d = synthetic(&["A", "B"], 50, 6, 8, false);
    let mut flipped = synthetic(&["A", "B"], 50, 6, 8, false);
    flipped.y.mapv_inplace(|v| 1.0 - v);
    let model = "[[model]]\nname = \"sub\"\nkind = \"kmeans\"\nclusters = 2\n";
    let m = binary(model, "external = { train = [\"A\"], test = [\"B\"] }");
    let a = run_on(1, &m, &d);
    let b = run_on(1, &m, &flipped);
    for (x, y) in a[0].subgroups.iter().zip(&b[0].subgroups) {
        assert_eq!((x.n_exposed, x.n_reference), (y.n_exposed, y.n_reference));
        assert_eq!(x.events_exposed, x.n_exposed - y.events_exposed);
    }
}

#[test]
fn cox_reports_absolute_risk_at_manifest_times() {
    let d = synthetic(&["A", "B"], 60, 6, 9, true);
    let body = "[select]\nsteps = [{ method = \"cox\", p = 0.2 }]\n\n[[model]]\nname = \"cox\"\nkind = \"cox\"\nrisk_times = [6, 12, 24]\n\n[validation]\ninternal = { folds = 3, repeats = 2 }\nexternal = { train = [\"A\"], test = [\"B\"] }\n";
    let m = manifest(true, body);
    let r = deterministic(&m, &d);
    for c in &r[0].cohorts {
        assert_eq!(c.risk.len(), 3, "{}", c.cohort);
        for (a, b) in c.risk[0].risk.iter().zip(&c.risk[2].risk) {
            assert!((0.0..=1.0).contains(a) && a <= b, "{}: risk must grow with time", c.cohort);
        }
    }
    // apparent risk = 1 − S0(t)^exp(η) with the reported baseline
    let train = cohort(&r[0], "train (apparent)");
    let (t, s0) = r[0].baseline_survival[1];
    assert_eq!(t, 12.0);
    for (k, &eta) in train.prob.iter().enumerate() {
        let expect = 1.0 - s0.powf(eta.exp());
        assert!((train.risk[1].risk[k] - expect).abs() < 1e-12);
    }
}

#[test]
fn combat_inside_each_split_is_deterministic() {
    let d = synthetic(&["A", "B", "C"], 30, 8, 10, false);
    let m = manifest(
        false,
        &format!("{SELECT}\n{LR}\n[harmonise]\ncombat = {{ batch = \"centre\", parametric = true }}\n\n[validation]\ninternal = {{ scheme = \"loco\" }}\n"),
    );
    // LOCO: each held-out centre is unseen in its training rows → the clear error by default
    let err = radstudy::validate::run(&m, &d.design(), &|_| {}).unwrap_err();
    assert!(format!("{err:#}").contains("combat.unseen"));
    let m = manifest(
        false,
        &format!("{SELECT}\n{LR}\n[harmonise]\ncombat = {{ unseen = \"no_correction\" }}\n\n[validation]\ninternal = {{ folds = 3, repeats = 2 }}\n"),
    );
    let r = deterministic(&m, &d);
    assert_eq!(cohort(&r[0], "internal CV").rows.len(), 90);
}
