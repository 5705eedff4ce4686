//! Degenerate inputs return errors or documented NaN instead of panicking.
use radstudy::metrics::binary::*;
use radstudy::metrics::survival::*;
use radstudy::metrics::StatsError;

#[test]
fn binary_metrics_reject_degenerate_input() {
    let y = [true, true, true];
    let s = [0.1, 0.2, 0.3];
    assert!(matches!(auc(&y, &s), Err(StatsError::EmptyClass { .. })));
    assert!(delong_auc(&[true, false, false], &s).is_err());
    assert!(matches!(auc(&y, &s[..2]), Err(StatsError::LengthMismatch { .. })));
    assert!(auc(&[true, false], &[f64::NAN, 0.1]).is_err());
    assert!(calibration(&[true, false], &[1.5, 0.2], 1e-6).is_err());
    assert!(hosmer_lemeshow(&[true, false], &[0.5, 0.2], 2, HlGrouping::EqualSize).is_err());
    assert!(net_benefit_curve(&[true, false], &[0.5, 0.2], &[1.0]).is_err());
    // perfectly separated calibration fit: Newton diverges -> error, not panic
    let yy = [false, false, true, true];
    assert!(calibration(&yy, &[0.1, 0.2, 0.8, 0.9], 1e-6).is_err());
    // bootstrap: metric undefined on every resample
    assert!(bootstrap_percentile_ci(&y, &s, &[vec![0, 1, 2]], 0.95, auc).is_err());
    assert!(bootstrap_percentile_ci(&y, &s, &[vec![5]], 0.95, auc).is_err());
    // confusion metrics: empty denominators are NaN
    let c = confusion_at_threshold(&[false, false], &[0.1, 0.2], 0.5).unwrap();
    assert!(c.sensitivity.is_nan() && c.ppv.is_nan() && c.specificity == 1.0);
}

#[test]
fn survival_metrics_reject_degenerate_input() {
    let t = [1.0, 2.0, 3.0, 4.0];
    let e = [true, true, false, true];
    assert!(logrank_test(&t, &e, &[true; 4]).is_err());
    // all events in one group: monotone likelihood, HR diverges
    assert!(cox_hazard_ratio_binary(&t, &[true, true, false, false], &[true, true, false, false]).is_err());
    assert!(matches!(harrell_c(&t, &[false; 4], &[0.0; 4]), Err(StatsError::NoComparablePairs)));
    assert!(kaplan_meier(&[-1.0], &[true]).is_err());
    // test time beyond the last training time with G > 0 there
    assert!(uno_c(&[1.0, 2.0], &[false, true], &[1.0, 5.0], &[true, true], &[0.1, 0.2], None).is_err());
    let km = kaplan_meier(&[1.0, 2.0], &[true, true]).unwrap();
    let p = km.point_at(2.0);
    assert_eq!(p.surv, 0.0);
    assert!(p.ci_log[0].is_nan() && p.se_greenwood.is_nan());
    assert_eq!(km.point_at(0.5).ci_loglog, [1.0, 1.0]);
}
