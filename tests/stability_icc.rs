//! ICC forms against icc.json (pingouin 0.7 on Shrout & Fleiss 1979 Table 2 and pingouin's wine data).
mod common;
mod refdata;

use ndarray::Array2;
use radstudy::stability::{icc, icc_all, IccAnova, IccForm};
use refdata::{close, num, read_csv, read_json};

const EXACT: f64 = 1e-9;

fn wide(file: &str, id_col: &str) -> Array2<f64> {
    let t = read_csv(&format!("data/{file}"));
    let raters: Vec<&String> = t.columns.keys().filter(|k| k.as_str() != id_col).collect();
    let cols: Vec<Vec<f64>> = raters.iter().map(|r| t.f64(r)).collect();
    Array2::from_shape_fn((t.n_rows, cols.len()), |(i, j)| cols[j][i])
}

fn check(set: &str, x: &Array2<f64>) {
    let r = read_json("results/icc.json");
    let all = icc_all(x.view()).unwrap();
    for res in all {
        let label = res.form.label();
        let refp = &r[set]["pingouin"][label];
        let what = format!("{set} {label}");
        close(&format!("{what} value"), res.value, num(refp, "ICC"), EXACT);
        close(&format!("{what} F"), res.f, num(refp, "F"), EXACT);
        assert_eq!(res.df1, num(refp, "df1"), "{what} df1");
        assert_eq!(res.df2, num(refp, "df2"), "{what} df2");
        close(&format!("{what} p"), res.p, num(refp, "pval"), EXACT);
        close(&format!("{what} ci lo"), res.ci95[0], num(refp, "CI95/0"), EXACT);
        close(&format!("{what} ci hi"), res.ci95[1], num(refp, "CI95/1"), EXACT);
        // the form label round-trips through serde
        let json = serde_json::to_string(&res.form).unwrap();
        assert_eq!(json, format!("\"{label}\""));
        assert_eq!(serde_json::from_str::<IccForm>(&json).unwrap(), res.form);
        assert_eq!(icc(x.view(), res.form).unwrap(), res);
    }
}

#[test]
fn shrout_fleiss_1979_table_4() {
    let x = wide("icc_shrout_fleiss_1979_wide.csv", "target");
    assert_eq!(x.dim(), (6, 4));
    check("shrout_fleiss_1979", &x);
    let r = read_json("results/icc.json");
    let own = &r["shrout_fleiss_1979"]["own_anova_implementation"]["mean_squares"];
    let a = IccAnova::from_ratings(x.view()).unwrap();
    close("MSR", a.msr, num(own, "MSR_between_targets"), EXACT);
    close("MSW", a.msw, num(own, "MSW_within_targets"), EXACT);
    close("MSC", a.msc, num(own, "MSC_between_raters"), EXACT);
    close("MSE", a.mse, num(own, "MSE_residual"), EXACT);
    // published two-decimal values of Table 4
    let published = &r["shrout_fleiss_1979"]["published_shrout_fleiss_1979_table4"];
    for res in icc_all(x.view()).unwrap() {
        close(res.form.label(), res.value, num(published, res.form.label()), 0.005 + 1e-12);
    }
}

#[test]
fn pingouin_wine() {
    let x = wide("icc_pingouin_wine_wide.csv", "Wine");
    assert_eq!(x.dim(), (8, 4));
    check("pingouin_wine", &x);
}

#[test]
fn degenerate_input_is_an_error() {
    assert!(icc_all(Array2::<f64>::zeros((1, 3)).view()).is_err());
    let mut x = Array2::<f64>::zeros((3, 2));
    x[[0, 0]] = f64::NAN;
    assert!(icc_all(x.view()).is_err());
}
