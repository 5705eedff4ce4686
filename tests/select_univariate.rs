//! Univariate screening tests against wdbc_train_univariate.csv (scipy / sklearn on WDBC train rows).
mod common;
mod refdata;

use radstudy::select::*;
use refdata::{close, read_csv};

const EXACT: f64 = 1e-9;

#[test]
fn wdbc_train_univariate_tests() {
    let data = read_csv("data/wdbc.csv");
    let split = read_csv("folds/wdbc_split.csv");
    assert_eq!(split.f64("row_id"), data.f64("row_id"));
    let train: Vec<usize> = (0..data.n_rows).filter(|&i| split.col("set")[i] == "train").collect();
    assert_eq!(train.len(), 398);
    let y_all = data.bool01("malignant");
    let y: Vec<bool> = train.iter().map(|&i| y_all[i]).collect();
    let reference = read_csv("results/wdbc_train_univariate.csv");
    let features = reference.col("feature").clone();
    assert_eq!(features.len(), 30);
    let mut mwu_p = Vec::new();
    for (k, name) in features.iter().enumerate() {
        let col = data.f64(name);
        let x: Vec<f64> = train.iter().map(|&i| col[i]).collect();
        let u = univariate_tests(&x, &y).unwrap();
        let want = |c: &str| reference.f64(c)[k];
        for (got, c) in [
            (u.mwu_u, "mwu_U_malignant"),
            (u.mwu_p, "mwu_p"),
            (u.welch_t, "welch_t"),
            (u.welch_p, "welch_p"),
            (u.student_t, "student_t"),
            (u.student_p, "student_p"),
            (u.auc, "auc"),
            (u.pointbiserial_r, "pointbiserial_r"),
            (u.pointbiserial_p, "pointbiserial_p"),
            (u.anova_f, "anova_F"),
            (u.anova_f_p, "anova_F_p"),
        ] {
            close(&format!("{name} {c}"), got, want(c), EXACT);
            // p-values also to 1e-6 relative, so the tiny ones are really checked
            if c.ends_with("_p") && want(c) > 1e-300 {
                let rel = (got / want(c) - 1.0).abs();
                assert!(rel < 1e-6, "{name} {c}: relative error {rel:e}");
            }
        }
        mwu_p.push(u.mwu_p);
    }
    let q = benjamini_hochberg(&mwu_p);
    let bonf = bonferroni(&mwu_p);
    for (k, name) in features.iter().enumerate() {
        close(&format!("{name} BH q"), q[k], reference.f64("mwu_q_bh")[k], EXACT);
        close(&format!("{name} Bonferroni"), bonf[k], reference.f64("mwu_p_bonferroni")[k], EXACT);
    }
}

#[test]
fn benjamini_hochberg_textbook_example() {
    // R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "BH") = 0.02 0.04 0.04 0.02
    let q = benjamini_hochberg(&[0.01, 0.04, 0.03, 0.005]);
    for (a, b) in q.iter().zip([0.02, 0.04, 0.04, 0.02]) {
        assert!((a - b).abs() < 1e-15, "{q:?}");
    }
}
