//! LASSO-Cox path and CV (held-out Harrell C, CVPL) against the scikit-survival
//! CoxnetSurvivalAnalysis reference on the WHAS500 training rows; Harrell's C against the
//! full-data apparent value.
mod model_util;
use model_util::*;
use radstudy::model::cox::{fit_cox, Surv, Ties};
use radstudy::model::coxnet::{coxnet_lambda_max, coxnet_path, CoxnetOptions};
use radstudy::model::coxnet_cv::{cv_coxnet_path, harrell_c};
use radstudy::model::glmnet::lambda_grid;
use radstudy::model::standardize::Scaler;

#[test]
fn harrell_c_matches_reference_apparent_value() {
    let (_, x, time, event) = whas500();
    let surv = Surv { time: time.clone(), event: event.clone() };
    let fit = fit_cox(&x, &surv, Ties::Efron, 50).unwrap();
    let lp = x.dot(&fit.coef);
    let c = harrell_c(&time, &event, lp.as_slice().unwrap());
    let want = json("results/survival_whas500.json")["cox_full_data"]["whas500"]["harrell_c_apparent"]
        ["own_bruteforce"]
        .as_f64()
        .unwrap();
    println!("harrell C {c} vs {want}");
    assert!((c - want).abs() < 1e-12);
}

#[test]
fn lasso_cox_path_and_cv_match_sksurv() {
    let (names, x, time, event) = whas500();
    let train = split_rows("folds/whas500_split.csv", "train");
    let xtr = select_rows(&x, &train);
    let z = Scaler::fit(&xtr).unwrap().transform(&xtr).unwrap();
    let surv =
        Surv { time: train.iter().map(|&i| time[i]).collect(), event: train.iter().map(|&i| event[i]).collect() };
    let folds = folds_for("folds/whas500_train_inner5.csv", &train);
    let r = &json("results/survival_whas500.json")["lasso_cox"]["whas500_train"];
    let lmax = coxnet_lambda_max(&z, &surv, 1.0).unwrap();
    println!("alpha_max {lmax} vs {}", r["alpha_max_sksurv"]);
    assert!((lmax - r["alpha_max_sksurv"].as_f64().unwrap()).abs() < 1e-12);
    let t = Table::read("results/whas500_train_coxnet_path.csv");
    let grid = t.f64_col("alpha");
    let n_alphas = r["n_alphas"].as_u64().unwrap() as usize;
    assert_eq!(grid.len(), n_alphas);
    let mine = lambda_grid(lmax, r["alpha_min_ratio"].as_f64().unwrap(), 100);
    assert!(max_abs_diff(&mine[..n_alphas], &grid) < 1e-14);

    let opts = CoxnetOptions::default();
    let start = std::time::Instant::now();
    let path = coxnet_path(&z, &surv, &grid, &opts).unwrap();
    println!("path {:?}", start.elapsed());
    assert!(path.converged.iter().all(|&c| c));
    let mut dmax = 0.0f64;
    for (k, row) in t.rows.iter().enumerate() {
        let want: Vec<f64> = names.iter().map(|n| row[t.col_idx(n)].parse().unwrap()).collect();
        let got = path.coef.row(k).to_vec();
        for j in 0..names.len() {
            assert_eq!(got[j] != 0.0, want[j] != 0.0, "support at {k} {}: {} vs {}", names[j], got[j], want[j]);
        }
        dmax = dmax.max(max_abs_diff(&got, &want));
    }
    println!("coxnet path max |Δcoef| = {dmax:e}");
    assert!(dmax < 1e-4);

    let start = std::time::Instant::now();
    let cv = cv_coxnet_path(&z, &surv, &folds, &grid, &opts).unwrap();
    println!("cv {:?}", start.elapsed());
    let dc = max_abs_diff(&cv.cv_c, &t.f64_col("cv_harrell_c_mean"));
    let dp = max_abs_diff(&cv.cvpl, &t.f64_col("cvpl"));
    println!("cv C max |Δ| = {dc:e}, CVPL max |Δ| = {dp:e}");
    for (key, idx) in [("cv_best_by_harrell_c", cv.index_best_c), ("cv_best_by_cvpl", cv.index_best_cvpl)] {
        let rr = &r[key];
        assert_eq!(idx as u64, rr["index"].as_u64().unwrap(), "{key}");
        assert!((grid[idx] - rr["alpha"].as_f64().unwrap()).abs() < 1e-15);
        let sel: Vec<String> = path.selected(idx).iter().map(|&j| names[j].clone()).collect();
        let want: Vec<String> =
            rr["selected"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect();
        assert_eq!(sel, want, "{key}");
        for (nm, v) in named(&rr["coef_nonzero"]) {
            let j = names.iter().position(|m| *m == nm).unwrap();
            assert!((path.coef[[idx, j]] - v).abs() < 1e-4, "{key} {nm}");
        }
        assert!((cv.cvpl[idx] - rr["cvpl"].as_f64().unwrap()).abs() < 2e-3);
        assert!((cv.cv_c[idx] - rr["cv_harrell_c"].as_f64().unwrap()).abs() < 1e-6);
    }
}
