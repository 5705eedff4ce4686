//! The report's new numbers against external references: ROC bootstrap bands (scikit-learn +
//! numpy) and the LOWESS calibration smooth (statsmodels) from the committed fixture
//! tests/data/report_refs/report_refs.json (script beside it), and the wiring of metrics.csv,
//! metrics_per_repeat.csv, dca.csv and delong_paired.csv rows against the WDBC references.
mod common;
mod refdata;

use radstudy::metrics::comparison::{dca_rows, dca_thresholds, paired_delong_rows};
use radstudy::metrics::loess::lowess;
use radstudy::metrics::roc_band::roc_band;
use radstudy::metrics::summary::{metric_row, per_repeat_rows, HL_GROUPS};
use radstudy::validate::{CohortPredictions, ModelResult};
use refdata::{close, num, read_csv, read_index_matrix, read_json, Table};
use serde_json::Value;

const EXACT: f64 = 1e-9;
const MODELS: [&str; 3] = ["logreg_l2", "rf", "svm_rbf"];

fn fixture() -> Value {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/report_refs/report_refs.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

fn test_preds() -> Table {
    read_csv("predictions/wdbc_test_predictions.csv")
}

#[test]
fn roc_band_matches_sklearn_numpy_on_shipped_resamples() {
    let f = fixture();
    let t = test_preds();
    let y = t.bool01("y");
    let idx = read_index_matrix("predictions/wdbc_test_bootstrap_idx_stratified.csv");
    let grid = floats(&f["grid"]);
    for m in MODELS {
        let band = roc_band(&y, &t.f64(m), &idx, &grid, 0.95).unwrap();
        assert_eq!(band.n_used as f64, num(&f["roc_band"][m], "n_boot"));
        for (k, (lo, hi)) in
            floats(&f["roc_band"][m]["lower"]).iter().zip(floats(&f["roc_band"][m]["upper"])).enumerate()
        {
            close(&format!("{m} band lower at {}", grid[k]), band.lower[k], *lo, EXACT);
            close(&format!("{m} band upper at {}", grid[k]), band.upper[k], hi, EXACT);
        }
    }
}

#[test]
fn lowess_matches_statsmodels() {
    let f = fixture();
    let t = test_preds();
    let y = t.f64("y");
    for m in ["logreg_l2", "svm_rbf"] {
        let fit = lowess(&t.f64(m), &y, 2.0 / 3.0).unwrap();
        let (xs, want) = (floats(&f["lowess"][m]["x"]), floats(&f["lowess"][m]["fit"]));
        assert_eq!(fit.len(), want.len());
        for (k, ((gx, gy), (wx, wy))) in fit.iter().zip(xs.iter().zip(&want)).enumerate() {
            // serde_json (no float_roundtrip) may round the last digit differently.
            close(&format!("{m} sorted x {k}"), *gx, *wx, 1e-15);
            close(&format!("{m} lowess {k}"), *gy, *wy, EXACT);
        }
    }
}

fn classification() -> Value {
    read_json("results/wdbc_classification.json")
}

#[test]
fn metric_row_wires_every_binary_metric() {
    let r = classification();
    let t = test_preds();
    let y = t.f64("y");
    for m in MODELS {
        let refm = &r["test"][m];
        let thr = num(refm, "youden_train_oof/threshold");
        let row = metric_row(m, "test", &y, &t.f64(m), thr, 0, 1);
        assert_eq!((row.n, row.events), (171, 64));
        let conf = &refm["youden_train_oof"]["test"];
        let (ppv, sens) = (num(conf, "ppv"), num(conf, "sensitivity"));
        for (got, want, what) in [
            (row.auc, num(refm, "delong/auc"), "auc"),
            (row.auc_se, num(refm, "delong/se"), "auc se"),
            (row.auc_ci.0, num(refm, "delong/ci_lower"), "auc ci lower"),
            (row.auc_ci.1, num(refm, "delong/ci_upper"), "auc ci upper"),
            (row.sensitivity, sens, "sensitivity"),
            (row.specificity, num(conf, "specificity"), "specificity"),
            (row.accuracy, num(conf, "accuracy"), "accuracy"),
            (row.ppv, ppv, "ppv"),
            (row.npv, num(conf, "npv"), "npv"),
            (row.f1, 2.0 * ppv * sens / (ppv + sens), "f1"),
            (row.brier, num(refm, "brier/brier"), "brier"),
            (row.scaled_brier, num(refm, "brier/brier_scaled"), "scaled brier"),
            (row.cal_slope, num(refm, "calibration/slope"), "calibration slope"),
            (row.cal_intercept, num(refm, "calibration/intercept_joint"), "calibration intercept"),
            (row.citl, num(refm, "calibration/citl_intercept"), "citl"),
        ] {
            close(&format!("{m} {what}"), got, want, EXACT);
        }
        let hl = &refm["hosmer_lemeshow_R_quantile"];
        assert_eq!(HL_GROUPS, 10);
        assert_eq!(row.hl_df as f64, num(hl, "df"));
        for (got, k) in [(row.hl_chi2, "chi2"), (row.hl_p, "p_value")] {
            match hl[k].as_f64() {
                Some(want) => close(&format!("{m} HL {k}"), got, want, EXACT),
                None => assert!(got.is_nan(), "{m} HL {k}: want null, got {got}"),
            }
        }
    }
}

fn result(model: &str, cohorts: Vec<CohortPredictions>) -> ModelResult {
    ModelResult {
        model: model.into(),
        cohorts,
        threshold: 0.5,
        survival: false,
        threshold_rule: "fixed 0.5 (test)".into(),
        intercept: 0.0,
        coefficients: vec![],
        trace: vec![],
        n_splits: 0,
        design: "test".into(),
        tuning: vec![],
        baseline_survival: vec![],
        subgroups: vec![],
    }
}

fn cohort(name: &str, y: &[f64], prob: Vec<f64>, per_repeat_prob: Vec<Vec<f64>>) -> CohortPredictions {
    CohortPredictions {
        cohort: name.into(),
        rows: (0..y.len()).collect(),
        y: y.to_vec(),
        time: vec![f64::NAN; y.len()],
        prob,
        per_repeat_auc: vec![],
        per_repeat_prob,
        risk: vec![],
        optimism: None,
    }
}

#[test]
fn per_repeat_rows_use_each_repeats_predictions() {
    // Two "repeats": the 5-fold pooled out-of-fold predictions of two models; each repeat row
    // must carry that repeat's pooled AUC, DeLong and Brier.
    let r = classification();
    let cv = read_csv("predictions/wdbc_cv5_oof_predictions.csv");
    let y = cv.f64("y");
    let reps = vec![cv.f64("logreg_l2"), cv.f64("svm_rbf")];
    let res = result("m", vec![cohort("internal CV", &y, reps[0].clone(), reps.clone())]);
    let rows = per_repeat_rows(&[res], 0, 1);
    assert_eq!(rows.len(), 2);
    for (row, m) in rows.iter().zip(["logreg_l2", "svm_rbf"]) {
        let refm = &r["cv5"][m];
        assert!(row.cohort.starts_with("internal CV repeat"));
        close(&format!("{m} repeat auc"), row.auc, num(refm, "pooled_oof_auc"), EXACT);
        close(&format!("{m} repeat se"), row.auc_se, num(refm, "pooled_oof_delong/se"), EXACT);
        close(&format!("{m} repeat brier"), row.brier, num(refm, "pooled_oof_brier"), EXACT);
    }
    assert_ne!(rows[0].auc, rows[1].auc);
}

#[test]
fn paired_delong_and_dca_rows_match_references() {
    let r = classification();
    let t = test_preds();
    let y = t.f64("y");
    let a = result("logreg_l2", vec![cohort("external test", &y, t.f64("logreg_l2"), vec![])]);
    let b = result("rf", vec![cohort("external test", &y, t.f64("rf"), vec![])]);
    let paired = paired_delong_rows(&[a.clone(), b.clone()]);
    assert_eq!(paired.len(), 1);
    let refp = &r["delong_paired_vs_logreg_l2"]["rf"];
    close("paired z", paired[0].z, num(refp, "z"), EXACT);
    close("paired p", paired[0].p, num(refp, "p_two_sided"), EXACT);
    close("paired diff", paired[0].diff, num(refp, "diff"), EXACT);

    let dca = read_csv("results/wdbc_test_dca.csv");
    let rows = dca_rows(&[a, b], &dca_thresholds());
    assert_eq!(rows.len(), 2 * 91);
    for row in &rows {
        let k = (0..dca.n_rows)
            .find(|&k| dca.col("model")[k] == row.model && dca.f64("threshold")[k] == row.threshold)
            .unwrap_or_else(|| panic!("no reference row for {} at {}", row.model, row.threshold));
        close("net benefit", row.net_benefit, dca.f64("net_benefit")[k], EXACT);
        close("treat all", row.treat_all, dca.f64("net_benefit_treat_all")[k], EXACT);
        close("treat none", row.treat_none, dca.f64("net_benefit_treat_none")[k], EXACT);
    }
}
