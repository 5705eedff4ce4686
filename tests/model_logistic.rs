//! Logistic regression (Newton/IRLS, L2 in scikit-learn's C) against the WDBC reference fit.
mod model_util;
use model_util::*;
use ndarray::{array, Array1};
use radstudy::model::logistic::{fit_logistic, linear_predictor, predict_proba, LogisticOptions, Penalty};
use radstudy::model::standardize::Scaler;
use radstudy::model::ModelError;

#[test]
fn l2_logistic_matches_sklearn_on_wdbc_train() {
    let (names, x, y) = wdbc();
    let train = split_rows("folds/wdbc_split.csv", "train");
    let test = split_rows("folds/wdbc_split.csv", "test");
    let xtr = select_rows(&x, &train);
    let ytr = Array1::from_iter(train.iter().map(|&i| y[i]));
    let scaler = Scaler::fit(&xtr).unwrap();
    let z = scaler.transform(&xtr).unwrap();
    let cls = json("results/wdbc_classification.json");
    let sm = named(&cls["scaler_train"]["mean"]);
    let ss = named(&cls["scaler_train"]["sd_ddof0"]);
    for (j, n) in names.iter().enumerate() {
        assert!((scaler.mean[j] - sm[n]).abs() < 1e-9 * sm[n].abs().max(1.0));
        assert!((scaler.sd[j] - ss[n]).abs() < 1e-9 * ss[n].abs().max(1.0));
    }
    let opts = LogisticOptions { penalty: Penalty::L2 { c: 1.0 }, ..Default::default() };
    let fit = fit_logistic(&z, &ytr, &opts).unwrap();
    let reference = &cls["linear_model_coefficients_train_fit"]["logreg_l2"];
    // exact optimum (scipy trust-exact, gradient 1e-13) and sklearn lbfgs (tol 1e-10)
    for key in ["trust_exact_solution", ""] {
        let r = if key.is_empty() { reference } else { &reference[key] };
        let coef = named(&r["coef"]);
        let want: Vec<f64> = names.iter().map(|n| coef[n]).collect();
        let d = max_abs_diff(fit.coef.as_slice().unwrap(), &want);
        let di = (fit.intercept - r["intercept"].as_f64().unwrap()).abs();
        println!("{key}: max |Δcoef| = {d:e}, |Δintercept| = {di:e}");
        assert!(d < 1e-6 && di < 1e-6);
    }
    let obj = reference["trust_exact_solution"]["objective_value"].as_f64().unwrap();
    assert!((fit.objective - obj).abs() < 1e-8, "objective {} vs {}", fit.objective, obj);
    // test-set probabilities equal the shipped sklearn predictions
    let zte = scaler.transform(&select_rows(&x, &test)).unwrap();
    let p = predict_proba(&fit, &zte).unwrap();
    let preds = Table::read("predictions/wdbc_test_predictions.csv");
    let ids: Vec<usize> = preds.f64_col("row_id").iter().map(|&v| v as usize).collect();
    assert_eq!(ids, test);
    let d = max_abs_diff(p.as_slice().unwrap(), &preds.f64_col("logreg_l2"));
    println!("test probabilities max |Δ| = {d:e}");
    assert!(d < 1e-6);
    let eta = linear_predictor(&fit, &zte).unwrap();
    assert!((1.0 / (1.0 + (-eta[0]).exp()) - p[0]).abs() < 1e-15);
}

#[test]
fn separation_is_an_error_not_nan() {
    let x = array![[1.0], [2.0], [3.0], [4.0], [5.0], [6.0]];
    let y = array![0.0, 0.0, 0.0, 1.0, 1.0, 1.0];
    match fit_logistic(&x, &y, &LogisticOptions::default()) {
        Err(ModelError::Separation { .. }) => {}
        other => panic!("expected separation error, got {other:?}"),
    }
    // with a ridge penalty the fit exists and is finite
    let fit = fit_logistic(&x, &y, &LogisticOptions { penalty: Penalty::L2 { c: 1.0 }, ..Default::default() }).unwrap();
    assert!(fit.coef[0].is_finite() && fit.coef[0] > 0.0);
    assert!(matches!(
        fit_logistic(&x, &array![1.0, 1.0, 1.0, 1.0, 1.0, 1.0], &LogisticOptions::default()),
        Err(ModelError::Degenerate(_))
    ));
}

#[test]
fn unpenalised_small_example_matches_closed_form() {
    // One binary covariate: the MLE is the log odds ratio of the 2x2 table (exact).
    // x=0: 3 events of 5; x=1: 4 events of 5 -> b0 = ln(3/2), b1 = ln(4/1) - ln(3/2).
    let x = array![[0.0], [0.0], [0.0], [0.0], [0.0], [1.0], [1.0], [1.0], [1.0], [1.0]];
    let y = array![1.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0];
    let fit = fit_logistic(&x, &y, &LogisticOptions::default()).unwrap();
    assert!((fit.intercept - 1.5f64.ln()).abs() < 1e-12);
    assert!((fit.coef[0] - (4.0f64.ln() - 1.5f64.ln())).abs() < 1e-12);
}
