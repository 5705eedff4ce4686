//! CSV tables of the validation designs beyond metrics.csv: subgroup odds ratios
//! (`subgroups.csv`), the hyperparameters grid tuning chose per split (`tuning.csv`), Cox
//! absolute risks at the manifest's times (`absolute_risk.csv`) and the time-dependent AUC
//! (`time_auc.csv`). Each is `None` when no model produced such rows. Only formats numbers
//! computed by `validate` and `metrics`; must not write files.

use super::outputs::{csv_field, num};
use crate::validate::ModelResult;
use std::fmt::Write as _;

/// `subgroups.csv`: one row per clustering model × cohort × comparison.
pub fn subgroups_csv(results: &[ModelResult]) -> Option<String> {
    let rows: Vec<_> = results.iter().flat_map(|r| r.subgroups.iter()).collect();
    if rows.is_empty() {
        return None;
    }
    let mut s = String::from(
        "model,cohort,comparison,n_exposed,events_exposed,n_reference,events_reference,odds_ratio,or_ci_low,or_ci_high,p_fisher,haldane_corrected\n",
    );
    for r in rows {
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{},{},{},{},{},{}",
            csv_field(&r.model),
            csv_field(&r.cohort),
            csv_field(&r.comparison),
            r.n_exposed,
            r.events_exposed,
            r.n_reference,
            r.events_reference,
            num(r.odds_ratio),
            num(r.ci95[0]),
            num(r.ci95[1]),
            num(r.p_fisher),
            r.haldane_corrected
        );
    }
    Some(s)
}

/// `tuning.csv`: the grid point inner CV chose in every split.
pub fn tuning_csv(results: &[ModelResult]) -> Option<String> {
    if results.iter().all(|r| r.tuning.is_empty()) {
        return None;
    }
    let mut s = String::from("model,split,parameter,value,inner_score\n");
    for r in results {
        for t in &r.tuning {
            for (k, v) in &t.params {
                let _ = writeln!(
                    s,
                    "{},{},{},{},{}",
                    csv_field(&r.model),
                    csv_field(&t.split),
                    k,
                    num(*v),
                    num(t.inner_score)
                );
            }
        }
    }
    Some(s)
}

/// `absolute_risk.csv`: Cox absolute risk 1 − S(t | x) per model × cohort × patient × time.
pub fn absolute_risk_csv(results: &[ModelResult], patients: &[String]) -> Option<String> {
    if results.iter().all(|r| r.cohorts.iter().all(|c| c.risk.is_empty())) {
        return None;
    }
    let mut s = String::from("model,cohort,patient,time,absolute_risk\n");
    for r in results {
        for c in &r.cohorts {
            for ra in &c.risk {
                for (k, &i) in c.rows.iter().enumerate() {
                    let _ = writeln!(
                        s,
                        "{},{},{},{},{}",
                        csv_field(&r.model),
                        csv_field(&c.cohort),
                        csv_field(&patients[i]),
                        num(ra.time),
                        num(ra.risk[k])
                    );
                }
            }
        }
    }
    Some(s)
}

/// `time_auc.csv`: the time-dependent AUC per survival model × cohort × evaluation time.
pub fn time_auc_csv(results: &[ModelResult], times: &[f64]) -> Option<String> {
    if !results.iter().any(|r| r.survival) {
        return None;
    }
    let (rows, _) = crate::metrics::survival_summary::time_auc_rows(results, times);
    let mut s = String::from("model,cohort,time,cases,controls,auc,mean_auc\n");
    for r in rows {
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{}",
            csv_field(&r.model),
            csv_field(&r.cohort),
            num(r.time),
            r.cases,
            r.controls,
            num(r.auc),
            num(r.mean_auc)
        );
    }
    Some(s)
}
