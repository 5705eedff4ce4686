//! IBSI 1 benchmark for the non-texture families owned by the preprocessing/orchestration
//! module (stats, ih, ivh, li): digital phantom (all rows must match) and CT phantom
//! configurations A–E (≥ 98 % of rows). Reference values are read from
//! `../shared/reference/ibsi/reference_values/ibsi_1_reference_values.csv`.
//! The CT configurations take a few seconds each; they run in debug and release builds.
mod common;

use radstudy::features::ibsi_score::{load_reference, run_benchmark, IbsiDataSet, ScoreReport};

const OUR_FAMILIES: [&str; 4] = ["stats", "ih", "ivh", "li"];

fn report(ds: IbsiDataSet) -> ScoreReport {
    let ibsi = common::reference_dir().join("ibsi");
    let rows = load_reference(&ibsi.join("reference_values/ibsi_1_reference_values.csv")).unwrap();
    let r = run_benchmark(&ibsi, ds, &rows).unwrap();
    for fam in OUR_FAMILIES {
        let (p, f, n) = r.totals(Some(fam));
        println!("{} {fam}: passed {p}, failed {f}, not computed {n}", ds.key());
    }
    for m in r.misses.iter().filter(|m| OUR_FAMILIES.contains(&m.family.as_str())) {
        println!(
            "  miss {} {} {}: ours {} ref {} tol {}",
            m.family, m.ibsi_code, m.feature, m.ours, m.reference, m.tolerance
        );
    }
    r
}

fn check(ds: IbsiDataSet, min_fraction: f64, expected_rows: usize) {
    let r = report(ds);
    let (mut passed, mut total) = (0, 0);
    for fam in OUR_FAMILIES {
        let (p, f, n) = r.totals(Some(fam));
        assert_eq!(n, 0, "{fam} must be computed");
        passed += p;
        total += p + f;
    }
    assert_eq!(total, expected_rows, "reference rows of stats+ih+ivh+li for {}", ds.key());
    let frac = passed as f64 / total as f64;
    assert!(frac >= min_fraction, "{}: {passed}/{total} rows matched", ds.key());
}

#[test]
fn digital_phantom_all_rows_match() {
    check(IbsiDataSet::DigitalPhantom, 1.0, 49);
}

#[test]
fn ct_config_a() {
    check(IbsiDataSet::ConfigA, 0.98, 49);
}

#[test]
fn ct_config_b() {
    check(IbsiDataSet::ConfigB, 0.98, 49);
}

#[test]
fn ct_config_c() {
    check(IbsiDataSet::ConfigC, 0.98, 49);
}

#[test]
fn ct_config_d() {
    check(IbsiDataSet::ConfigD, 0.98, 49);
}

#[test]
fn ct_config_e() {
    check(IbsiDataSet::ConfigE, 0.98, 49);
}
