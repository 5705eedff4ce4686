//! Binary-classification metrics against the WDBC references (wdbc_classification.json, DCA).
mod common;
mod refdata;

use radstudy::metrics::binary::*;
use refdata::{close, num, read_csv, read_index_matrix, read_json, Table};
use serde_json::Value;

const EXACT: f64 = 1e-9;
const MODELS: [&str; 7] = ["logreg_l2", "logreg_l1_saga", "logreg_l1_liblinear", "svm_linear", "svm_rbf", "rf", "gb"];

fn classification() -> Value {
    read_json("results/wdbc_classification.json")
}

fn preds(file: &str) -> Table {
    read_csv(&format!("predictions/{file}"))
}

#[test]
fn test_set_auc_and_delong() {
    let r = classification();
    let t = preds("wdbc_test_predictions.csv");
    let y = t.bool01("y");
    for m in MODELS {
        let s = t.f64(m);
        let refm = &r["test"][m];
        close(&format!("{m} auc"), auc(&y, &s).unwrap(), num(refm, "auc"), EXACT);
        let d = delong_auc(&y, &s).unwrap();
        for (got, key) in [
            (d.auc, "auc"),
            (d.se, "se"),
            (d.var, "var"),
            (d.ci_lower, "ci_lower"),
            (d.ci_upper, "ci_upper"),
            (d.ci_lower_unclipped, "ci_lower_unclipped"),
            (d.ci_upper_unclipped, "ci_upper_unclipped"),
        ] {
            close(&format!("{m} delong {key}"), got, num(refm, &format!("delong/{key}")), EXACT);
        }
        // the ROC curve integrates to the same AUC
        close(&format!("{m} roc area"), roc_curve(&y, &s).unwrap().area(), num(refm, "auc"), EXACT);
    }
}

#[test]
fn paired_delong_vs_logreg_l2() {
    let r = classification();
    let t = preds("wdbc_test_predictions.csv");
    let y = t.bool01("y");
    let base = t.f64("logreg_l2");
    for m in &MODELS[1..] {
        let d = delong_paired(&y, &base, &t.f64(m)).unwrap();
        let refm = &r["delong_paired_vs_logreg_l2"][*m];
        for (got, key) in [
            (d.auc1, "auc1"),
            (d.auc2, "auc2"),
            (d.diff, "diff"),
            (d.var_diff, "var_diff"),
            (d.cov12, "cov12"),
            (d.z, "z"),
            (d.p_two_sided, "p_two_sided"),
        ] {
            close(&format!("{m} paired {key}"), got, num(refm, key), EXACT);
        }
    }
}

#[test]
fn bootstrap_ci_from_shipped_index_matrix() {
    let r = classification();
    let t = preds("wdbc_test_predictions.csv");
    let y = t.bool01("y");
    let idx = read_index_matrix("predictions/wdbc_test_bootstrap_idx_stratified.csv");
    assert_eq!(idx.len(), 2000);
    for m in MODELS {
        let b = bootstrap_percentile_ci(&y, &t.f64(m), &idx, 0.95, auc).unwrap();
        let refb = &r["test"][m]["bootstrap_stratified_2000"];
        assert_eq!(b.n_boot_used as f64, num(refb, "n_boot_used"));
        close(&format!("{m} boot lower"), b.lower, num(refb, "percentile_ci_lower"), EXACT);
        close(&format!("{m} boot upper"), b.upper, num(refb, "percentile_ci_upper"), EXACT);
        close(&format!("{m} boot mean"), b.mean, num(refb, "mean"), EXACT);
        close(&format!("{m} boot sd"), b.sd, num(refb, "sd"), EXACT);
    }
}

#[test]
fn bootstrap_ci_from_seeded_resamples_within_mc_tolerance() {
    let r = classification();
    let t = preds("wdbc_test_predictions.csv");
    let y = t.bool01("y");
    let idx = stratified_bootstrap_indices(&y, 2000, 20240601);
    assert_eq!(idx, stratified_bootstrap_indices(&y, 2000, 20240601));
    assert_ne!(idx, stratified_bootstrap_indices(&y, 2000, 7));
    let n_pos = y.iter().filter(|&&v| v).count();
    assert!(idx.iter().all(|row| row.len() == y.len() && row.iter().filter(|&&i| y[i]).count() == n_pos));
    for m in ["logreg_l2", "svm_linear", "gb"] {
        let b = bootstrap_percentile_ci(&y, &t.f64(m), &idx, 0.95, auc).unwrap();
        let refb = &r["test"][m]["bootstrap_stratified_2000"];
        close(&format!("{m} mc lower"), b.lower, num(refb, "percentile_ci_lower"), 0.005);
        close(&format!("{m} mc upper"), b.upper, num(refb, "percentile_ci_upper"), 0.005);
    }
}

#[test]
fn brier_and_scaled_brier() {
    let r = classification();
    let t = preds("wdbc_test_predictions.csv");
    let y = t.bool01("y");
    for m in MODELS {
        let b = brier_score(&y, &t.f64(m)).unwrap();
        let refb = &r["test"][m]["brier"];
        close(&format!("{m} brier"), b.brier, num(refb, "brier"), EXACT);
        close(&format!("{m} scaled"), b.brier_scaled, num(refb, "brier_scaled"), EXACT);
        close(&format!("{m} null"), b.brier_null_prevalence, num(refb, "brier_null_prevalence"), EXACT);
    }
}

#[test]
fn calibration_slope_intercept_citl() {
    let r = classification();
    let t = preds("wdbc_test_predictions.csv");
    let y = t.bool01("y");
    for m in MODELS {
        for (key, eps) in [("calibration", 1e-6), ("calibration_eps1e-12", 1e-12)] {
            let refc = &r["test"][m][key];
            assert_eq!(num(refc, "eps_clip"), eps);
            let c = calibration(&y, &t.f64(m), eps).unwrap();
            assert_eq!(c.n_clipped as f64, num(refc, "n_clipped"), "{m} {key} n_clipped");
            // Converged Newton fits: the offset (CITL) fit, the joint-fit coefficients and
            // the rates agree with the reference to 1e-9.
            for (got, k) in [
                (c.slope, "slope"),
                (c.intercept_joint, "intercept_joint"),
                (c.citl_intercept, "citl_intercept"),
                (c.citl_se, "citl_se"),
                (c.citl_ci95[0], "citl_ci95/0"),
                (c.citl_ci95[1], "citl_ci95/1"),
                (c.mean_predicted, "mean_predicted"),
                (c.observed_rate, "observed_rate"),
            ] {
                close(&format!("{m} {key} {k}"), got, num(refc, k), EXACT);
            }
            // The reference joint-fit SEs come from statsmodels GLM at its default tol=1e-8,
            // whose `bse` uses the IRLS weights of the penultimate iterate; the fully converged
            // information (statsmodels tol=1e-14, Logit) differs by up to 2e-5 relative.
            for (got, k) in [
                (c.slope_se, "slope_se"),
                (c.slope_ci95[0], "slope_ci95/0"),
                (c.slope_ci95[1], "slope_ci95/1"),
                (c.intercept_joint_se, "intercept_joint_se"),
            ] {
                let want = num(refc, k);
                close(&format!("{m} {key} {k}"), got, want, 2e-5 * want.abs().max(1.0));
            }
        }
    }
}

fn check_hl(m: &str, got: &HosmerLemeshow, refh: &Value) {
    let opt = |k: &str| refh[k].as_f64().unwrap_or(f64::NAN);
    for (g, k) in [
        (got.chi2, "chi2"),
        (got.p_value, "p_value"),
        (got.p_value_df_g, "p_value_df_g"),
        (got.chi2_zero_cells_as_0, "chi2_zero_cells_as_0"),
        (got.p_value_zero_cells_as_0, "p_value_zero_cells_as_0"),
    ] {
        let want = opt(k);
        if want.is_nan() {
            assert!(g.is_nan(), "{m} {k}: want null, got {g}");
        } else {
            close(&format!("{m} HL {:?} {k}", got.grouping), g, want, EXACT);
        }
    }
    assert_eq!(got.df as f64, num(refh, "df"));
    let table = refh["table"].as_array().unwrap();
    assert_eq!(got.groups.len(), table.len(), "{m} number of groups");
    assert_eq!(got.groups.len() as f64, num(refh, "n_groups_nonempty"));
    for (gr, rg) in got.groups.iter().zip(table) {
        assert_eq!(gr.n as f64, num(rg, "n"), "{m} group n");
        assert_eq!(gr.obs_events as f64, num(rg, "obs_events"), "{m} group obs");
        close(&format!("{m} group exp"), gr.exp_events, num(rg, "exp_events"), EXACT);
        close(&format!("{m} group p_min"), gr.p_min, num(rg, "p_min"), EXACT);
        close(&format!("{m} group p_max"), gr.p_max, num(rg, "p_max"), EXACT);
    }
}

#[test]
fn hosmer_lemeshow_both_groupings() {
    let r = classification();
    let t = preds("wdbc_test_predictions.csv");
    let y = t.bool01("y");
    for m in MODELS {
        let p = t.f64(m);
        let hq = hosmer_lemeshow(&y, &p, 10, HlGrouping::RQuantile).unwrap();
        check_hl(m, &hq, &r["test"][m]["hosmer_lemeshow_R_quantile"]);
        let he = hosmer_lemeshow(&y, &p, 10, HlGrouping::EqualSize).unwrap();
        check_hl(m, &he, &r["test"][m]["hosmer_lemeshow_equal_size"]);
    }
}

fn check_confusion(what: &str, c: &ConfusionMetrics, refc: &Value) {
    for (got, k) in [
        (c.tp as f64, "tp"),
        (c.fp as f64, "fp"),
        (c.tn as f64, "tn"),
        (c.fn_ as f64, "fn"),
        (c.sensitivity, "sensitivity"),
        (c.specificity, "specificity"),
        (c.accuracy, "accuracy"),
        (c.ppv, "ppv"),
        (c.npv, "npv"),
        (c.balanced_accuracy, "balanced_accuracy"),
    ] {
        close(&format!("{what} {k}"), got, num(refc, k), EXACT);
    }
    // F1 is not stored; it is the harmonic mean of the stored PPV and sensitivity
    let (ppv, sens) = (num(refc, "ppv"), num(refc, "sensitivity"));
    close(&format!("{what} f1"), c.f1, 2.0 * ppv * sens / (ppv + sens), EXACT);
}

#[test]
fn youden_thresholds_and_test_confusion() {
    let r = classification();
    let test = preds("wdbc_test_predictions.csv");
    let y = test.bool01("y");
    for (file, key) in [
        ("wdbc_train_apparent_predictions.csv", "youden_train_apparent"),
        ("wdbc_train_oof_predictions.csv", "youden_train_oof"),
    ] {
        let train = preds(file);
        let ytr = train.bool01("y");
        for m in MODELS {
            let refy = &r["test"][m][key];
            let yd = youden_threshold(&ytr, &train.f64(m)).unwrap();
            close(&format!("{m} {key} thr"), yd.threshold, num(refy, "threshold"), EXACT);
            close(&format!("{m} {key} J"), yd.j, num(refy, "J_train"), EXACT);
            let c = confusion_at_threshold(&y, &test.f64(m), yd.threshold).unwrap();
            check_confusion(&format!("{m} {key}"), &c, &refy["test"]);
        }
    }
    for m in MODELS {
        let c = confusion_at_threshold(&y, &test.f64(m), 0.5).unwrap();
        check_confusion(&format!("{m} at 0.5"), &c, &r["test"][m]["at_0.5"]);
    }
}

#[test]
fn train_and_cross_validated_auc() {
    let r = classification();
    let app = preds("wdbc_train_apparent_predictions.csv");
    let oof = preds("wdbc_train_oof_predictions.csv");
    let cv = preds("wdbc_cv5_oof_predictions.csv");
    let ycv = cv.bool01("y");
    let fold = cv.f64("fold");
    for m in MODELS {
        let a = auc(&app.bool01("y"), &app.f64(m)).unwrap();
        close(&format!("{m} train apparent"), a, num(&r["test"][m], "train_apparent_auc"), EXACT);
        let a = auc(&oof.bool01("y"), &oof.f64(m)).unwrap();
        close(&format!("{m} train oof"), a, num(&r["test"][m], "train_oof_auc"), EXACT);
        let s = cv.f64(m);
        let refc = &r["cv5"][m];
        close(&format!("{m} pooled"), auc(&ycv, &s).unwrap(), num(refc, "pooled_oof_auc"), EXACT);
        let d = delong_auc(&ycv, &s).unwrap();
        close(&format!("{m} pooled se"), d.se, num(refc, "pooled_oof_delong/se"), EXACT);
        close(&format!("{m} pooled lo"), d.ci_lower, num(refc, "pooled_oof_delong/ci_lower"), EXACT);
        close(&format!("{m} pooled hi"), d.ci_upper, num(refc, "pooled_oof_delong/ci_upper"), EXACT);
        let b = brier_score(&ycv, &s).unwrap();
        close(&format!("{m} pooled brier"), b.brier, num(refc, "pooled_oof_brier"), EXACT);
        let fold_auc = refc["fold_auc"].as_array().unwrap();
        for (k, want) in fold_auc.iter().enumerate() {
            let (yk, sk): (Vec<bool>, Vec<f64>) =
                (0..ycv.len()).filter(|&i| fold[i] == k as f64).map(|i| (ycv[i], s[i])).unzip();
            close(&format!("{m} fold {k}"), auc(&yk, &sk).unwrap(), want.as_f64().unwrap(), EXACT);
        }
    }
}

#[test]
fn decision_curve_net_benefit() {
    let test = preds("wdbc_test_predictions.csv");
    let y = test.bool01("y");
    let dca = read_csv("results/wdbc_test_dca.csv");
    let dj = read_json("results/wdbc_dca.json");
    let thresholds: Vec<f64> = (5..=95).map(|k| k as f64 / 100.0).collect();
    let mut row = 0;
    for m in MODELS {
        let curve = net_benefit_curve(&y, &test.f64(m), &thresholds).unwrap();
        let json_curve = dj["curves"][m].as_array().unwrap();
        assert_eq!(json_curve.len(), curve.len());
        for (pt, jp) in curve.iter().zip(json_curve) {
            assert_eq!(dca.col("model")[row], m);
            let want = |k: &str| dca.f64(k)[row];
            assert_eq!(pt.threshold, want("threshold"));
            assert_eq!(pt.tp as f64, want("tp"));
            assert_eq!(pt.fp as f64, want("fp"));
            for (got, k) in [
                (pt.net_benefit, "net_benefit"),
                (pt.net_benefit_treat_all, "net_benefit_treat_all"),
                (pt.net_benefit_treat_none, "net_benefit_treat_none"),
                (pt.standardized_net_benefit, "standardized_net_benefit"),
                (pt.interventions_avoided_per_100, "interventions_avoided_per_100"),
            ] {
                close(&format!("{m} t={} {k}", pt.threshold), got, want(k), EXACT);
                close(&format!("{m} t={} json {k}", pt.threshold), got, num(jp, k), EXACT);
            }
            row += 1;
        }
    }
    assert_eq!(row, dca.n_rows);
}
