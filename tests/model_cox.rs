//! Cox PH (Efron / Breslow Newton–Raphson) against the WHAS500 references
//! (lifelines / statsmodels / scikit-survival), plus the Breslow baseline hazard.
mod model_util;
use model_util::*;
use ndarray::Array1;
use radstudy::model::cox::{cox_loglik, fit_cox, linear_predictor, Surv, Ties};
use radstudy::model::cox_baseline::breslow_baseline;

fn check(fit_coef: &Array1<f64>, names: &[String], want: &serde_json::Value, tol: f64, what: &str) -> f64 {
    let w = named(want);
    let d = names.iter().enumerate().map(|(j, n)| (fit_coef[j] - w[n]).abs()).fold(0.0, f64::max);
    println!("{what}: max |Δ| = {d:e}");
    assert!(d < tol, "{what}: {d:e}");
    d
}

#[test]
fn whas500_full_data_efron_and_breslow() {
    let (names, x, time, event) = whas500();
    let surv = Surv { time, event };
    let r = &json("results/survival_whas500.json")["cox_full_data"]["whas500"];
    for (ties, key) in [(Ties::Efron, "statsmodels_efron"), (Ties::Breslow, "statsmodels_breslow")] {
        let fit = fit_cox(&x, &surv, ties, 50).unwrap();
        assert_eq!(fit.ties.name(), if ties == Ties::Efron { "efron" } else { "breslow" });
        check(&fit.coef, &names, &r[key]["coef"], 1e-6, &format!("{key} coef"));
        check(&fit.se, &names, &r[key]["se"], 1e-6, &format!("{key} se"));
        let sk = if ties == Ties::Efron { "sksurv_efron" } else { "sksurv_breslow" };
        check(&fit.coef, &names, &r[sk]["coef"], 1e-6, &format!("{sk} coef"));
        for (got, k) in [(fit.loglik, "loglik"), (fit.loglik_null, "loglik_null"), (fit.lr_stat, "lr_test")] {
            let want = r[key][k].as_f64().unwrap();
            println!("{key} {k}: {got} vs {want}");
            assert!((got - want).abs() < 1e-6);
        }
        assert_eq!(fit.lr_df, 14);
        assert!(fit.lr_p < 1e-30);
        let ll = cox_loglik(&x, &surv, &fit.coef, ties).unwrap();
        assert!((ll - fit.loglik).abs() < 1e-8);
    }
    let fit = fit_cox(&x, &surv, Ties::Efron, 50).unwrap();
    check(&fit.coef, &names, &r["lifelines_efron"]["coef"], 1e-6, "lifelines coef");
    check(&fit.se, &names, &r["lifelines_efron"]["se"], 1e-6, "lifelines se");
}

#[test]
fn whas500_train_split_efron_and_linear_predictor() {
    let (names, x, time, event) = whas500();
    let train = split_rows("folds/whas500_split.csv", "train");
    let xtr = select_rows(&x, &train);
    let surv =
        Surv { time: train.iter().map(|&i| time[i]).collect(), event: train.iter().map(|&i| event[i]).collect() };
    let r = &json("results/survival_whas500.json")["cox_train_test"]["whas500"];
    assert_eq!(train.len() as u64, r["n_train"].as_u64().unwrap());
    let fit = fit_cox(&xtr, &surv, Ties::Efron, 50).unwrap();
    check(&fit.coef, &names, &r["coef_train_efron"], 1e-6, "train efron coef");
    let want = r["train_loglik"].as_f64().unwrap();
    println!("train loglik {} vs {want}", fit.loglik);
    assert!((fit.loglik - want).abs() < 1e-6);
    // linear predictor of every row vs predictions/whas500_cox_lp.csv
    let t = Table::read("predictions/whas500_cox_lp.csv");
    let rows: Vec<usize> = t.f64_col("row_id").iter().map(|&v| v as usize).collect();
    let lp = linear_predictor(&fit.coef, &select_rows(&x, &rows)).unwrap();
    let d = max_abs_diff(lp.as_slice().unwrap(), &t.f64_col("lp"));
    println!("lp max |Δ| = {d:e}");
    assert!(d < 1e-6);
}

#[test]
fn breslow_baseline_with_zero_lp_is_nelson_aalen_of_km_table() {
    // With η ≡ 0 the Breslow estimator is the Nelson–Aalen estimator Σ d_k / n_k; the KM table
    // of the high-risk test group gives n_at_risk and n_events at each event time.
    let (_, _, time, event) = whas500();
    let t = Table::read("predictions/whas500_cox_lp.csv");
    let rows: Vec<usize> = t
        .rows
        .iter()
        .filter(|r| r[t.col_idx("set")] == "test" && r[t.col_idx("high_risk")] == "1")
        .map(|r| r[0].parse().unwrap())
        .collect();
    let surv = Surv { time: rows.iter().map(|&i| time[i]).collect(), event: rows.iter().map(|&i| event[i]).collect() };
    let base = breslow_baseline(&surv, &vec![0.0; rows.len()]).unwrap();
    let km = Table::read("results/whas500_test_km_high.csv");
    let (kt, nr, ne) = (km.f64_col("time"), km.f64_col("n_at_risk"), km.f64_col("n_events"));
    let mut na = 0.0;
    let mut checked = 0;
    for k in 0..kt.len() {
        if ne[k] > 0.0 {
            na += ne[k] / nr[k];
            assert!((base.at(kt[k]) - na).abs() < 1e-12, "t = {}", kt[k]);
            checked += 1;
        }
    }
    assert_eq!(checked, base.times.len());
    assert_eq!(base.at(-1.0), 0.0);
    let s = base.survival(365.0, 0.5);
    assert!((s - (-base.at(365.0) * 0.5f64.exp()).exp()).abs() < 1e-15);
    assert!((base.absolute_risk(365.0, 0.5) - (1.0 - s)).abs() < 1e-15);
}
