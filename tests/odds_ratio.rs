//! Odds ratio, Woolf CI, Fisher exact and χ² p-values against scipy 1.17
//! (tests/data/or/or_reference.json, made by make_or_reference.py).
use radstudy::model::odds_ratio::odds_ratio;
use serde_json::Value;

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1e-300)
}

#[test]
fn odds_ratio_matches_scipy() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/or/or_reference.json");
    let r: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let tables = r["tables"].as_array().unwrap();
    assert!(tables.len() >= 8);
    for t in tables {
        let table: [[u64; 2]; 2] = serde_json::from_value(t["table"].clone()).unwrap();
        // Expand the table into per-subject vectors.
        let (mut exposed, mut outcome) = (Vec::new(), Vec::new());
        for (i, row) in table.iter().enumerate() {
            for (j, &count) in row.iter().enumerate() {
                for _ in 0..count {
                    exposed.push(i == 0);
                    outcome.push(j == 0);
                }
            }
        }
        let ours = odds_ratio(&exposed, &outcome).unwrap();
        let f = |k: &str| t[k].as_f64().unwrap();
        let ci: [f64; 2] = serde_json::from_value(t["ci95"].clone()).unwrap();
        assert_eq!(ours.table, table);
        assert_eq!(ours.haldane_corrected, t["haldane"].as_bool().unwrap(), "{table:?}");
        assert!(close(ours.or, f("odds_ratio"), 1e-12), "{table:?}: OR {} vs {}", ours.or, f("odds_ratio"));
        assert!(
            close(ours.ci95[0], ci[0], 1e-12) && close(ours.ci95[1], ci[1], 1e-12),
            "{table:?}: {:?} vs {ci:?}",
            ours.ci95
        );
        assert!(close(ours.p_fisher, f("p_fisher"), 1e-9), "{table:?}: Fisher {} vs {}", ours.p_fisher, f("p_fisher"));
        assert!(close(ours.chi2, f("chi2"), 1e-12) && close(ours.chi2_yates, f("chi2_yates"), 1e-12), "{table:?}");
        assert!(close(ours.p_chi2, f("p_chi2"), 1e-9), "{table:?}: {} vs {}", ours.p_chi2, f("p_chi2"));
        assert!(close(ours.p_chi2_yates, f("p_chi2_yates"), 1e-9), "{table:?}");
    }
}

#[test]
fn empty_margin_gives_nan_odds_ratio_and_unit_fisher_p() {
    let r = odds_ratio(&[true, true, true], &[true, false, true]).unwrap();
    assert!(r.or.is_nan() && r.ci95[0].is_nan());
    assert_eq!(r.p_fisher, 1.0);
    assert!(odds_ratio(&[true], &[]).is_err());
}
