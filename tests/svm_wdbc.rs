//! SVC (linear and RBF, C = 1, γ = "scale") with Platt scaling on the shipped WDBC split,
//! against scikit-learn's SVC / CalibratedClassifierCV(method="sigmoid", cv=5, ensemble=False).
mod common;
mod wdbc;

use radstudy::model::platt::{fit_calibrated_svm, stratified_kfold_unshuffled};
use radstudy::model::svm::{fit_svm, Kernel, SvmParams};

fn max_abs_diff(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max)
}

fn check(kernel: Kernel, name: &str) {
    let d = wdbc::load_split();
    let params = SvmParams { kernel, c: 1.0, ..SvmParams::default() };
    let svm = fit_svm(d.x_train.view(), &d.y_train, &params).unwrap();
    let dec = svm.decision_function(d.x_test.view()).unwrap();
    let sk_dec = wdbc::reference_test_predictions(&format!("{name}_decision"), &d.test_row_ids);
    let dec_diff = max_abs_diff(dec.as_slice().unwrap(), &sk_dec);

    let folds = stratified_kfold_unshuffled(&d.y_train, 5).unwrap();
    let cal = fit_calibrated_svm(d.x_train.view(), &d.y_train, &params, &folds).unwrap();
    let prob = cal.predict_proba(d.x_test.view()).unwrap();
    let sk_prob = wdbc::reference_test_predictions(name, &d.test_row_ids);
    let prob_diff = max_abs_diff(prob.as_slice().unwrap(), &sk_prob);
    let ours = wdbc::auc(prob.as_slice().unwrap(), &d.y_test);
    let reference = wdbc::reference_test_auc(name);
    println!(
        "{name}: {} SMO iterations, {} SVs; max |dec - sklearn| {dec_diff:.3e}; max |p - sklearn| {prob_diff:.3e}; \
         AUC ours {ours:.6} sklearn {reference:.6}; Platt A {:.6} B {:.6}",
        svm.iterations,
        svm.support_rows.len(),
        cal.platt.a,
        cal.platt.b
    );
    assert!((ours - reference).abs() <= 0.02, "AUC {ours} vs {reference}");
    assert!(dec_diff <= 1e-6, "decision values differ by {dec_diff}");
    assert!(prob_diff <= 1e-6, "probabilities differ by {prob_diff}");
}

#[test]
fn linear_svm_matches_sklearn() {
    check(Kernel::Linear, "svm_linear");
}

#[test]
fn rbf_svm_matches_sklearn() {
    check(Kernel::Rbf { gamma: None }, "svm_rbf");
}
