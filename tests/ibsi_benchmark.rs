//! IBSI 1 benchmark over every family: the digital phantom and CT phantom configurations A–E
//! against all 1,804 rows of `../shared/reference/ibsi/reference_values/ibsi_1_reference_values.csv`
//! (one config-C row has no consensus value and is not scored). The engine matches every
//! scored row; any regression fails. The same scorer backs `radstudy ibsi`.
mod common;

use radstudy::features::ibsi_score::{load_reference, run_benchmark, IbsiDataSet};

const FAMILIES: [&str; 11] = ["morph", "li", "stats", "ih", "ivh", "glcm", "glrlm", "glszm", "gldzm", "ngtdm", "ngldm"];

fn check(ds: IbsiDataSet, expected_rows: usize) {
    let ibsi = common::reference_dir().join("ibsi");
    let rows = load_reference(&ibsi.join("reference_values/ibsi_1_reference_values.csv")).unwrap();
    let r = run_benchmark(&ibsi, ds, &rows).unwrap();
    for fam in FAMILIES {
        let (p, f, n) = r.totals(Some(fam));
        println!("{} {fam}: passed {p}, failed {f}, not computed {n}", ds.key());
        assert_eq!(n, 0, "{} {fam}: every family must be computed", ds.key());
    }
    for m in &r.misses {
        println!(
            "  miss {} {} {} {}: ours {} ref {} tol {}",
            m.family, m.aggregation, m.ibsi_code, m.feature, m.ours, m.reference, m.tolerance
        );
    }
    let (passed, failed, _) = r.totals(None);
    assert_eq!(passed + failed, expected_rows, "scored rows for {}", ds.key());
    assert_eq!(failed, 0, "{}: {passed}/{expected_rows} rows matched", ds.key());
}

#[test]
fn digital_phantom_all_482_rows_match() {
    check(IbsiDataSet::DigitalPhantom, 482);
}

#[test]
fn ct_config_a_all_rows_match() {
    check(IbsiDataSet::ConfigA, 346);
}

#[test]
fn ct_config_b_all_rows_match() {
    check(IbsiDataSet::ConfigB, 346);
}

#[test]
fn ct_config_c_all_rows_match() {
    check(IbsiDataSet::ConfigC, 209);
}

#[test]
fn ct_config_d_all_rows_match() {
    check(IbsiDataSet::ConfigD, 210);
}

#[test]
fn ct_config_e_all_rows_match() {
    check(IbsiDataSet::ConfigE, 210);
}
