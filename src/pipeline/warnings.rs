//! Study-level warnings: things a researcher must be told that do not stop the study — few
//! events per model variable, features constant across patients, a small external cohort, a
//! published AUC from a cohort too small for its claim. Each is one line (shown in the
//! report's warning banner and on stderr). Must not change any result or fail a run.

use crate::cohort::Cohort;
use crate::features::table::FeatureTable;
use crate::manifest::{Manifest, Published};
use crate::validate::ModelResult;

/// Events per variable below this is a warning (Peduzzi et al. 1996's rule of ten).
pub const MIN_EVENTS_PER_VARIABLE: f64 = 10.0;
/// External cohorts smaller than this give wide confidence intervals.
pub const MIN_EXTERNAL_PATIENTS: usize = 30;
/// A published validation AUC from fewer patients than this is a weak claim.
pub const MIN_PUBLISHED_VALIDATION_N: u32 = 50;

/// Every warning of a finished study, in a fixed order.
pub fn study_warnings(m: &Manifest, cohort: &Cohort, features: &FeatureTable, results: &[ModelResult]) -> Vec<String> {
    let mut w = Vec::new();
    w.extend(constant_features(features));
    w.extend(small_external_cohorts(m, cohort));
    w.extend(events_per_variable(m, cohort, results));
    if let Some(p) = &m.published {
        w.extend(published_claims(p));
    }
    w
}

/// Feature columns whose finite values are all equal across patients (no information).
pub fn constant_features(f: &FeatureTable) -> Option<String> {
    let constant: Vec<&str> = (0..f.columns.len())
        .filter(|&j| {
            let mut v = f.values.column(j).into_iter().copied().filter(|x| x.is_finite());
            match v.next() {
                Some(first) => v.all(|x| x == first),
                None => false,
            }
        })
        .map(|j| f.columns[j].as_str())
        .collect();
    if constant.is_empty() {
        return None;
    }
    let shown: Vec<&str> = constant.iter().take(3).copied().collect();
    let more = if constant.len() > 3 { format!(", … ({} in total)", constant.len()) } else { String::new() };
    Some(format!(
        "{} feature(s) are constant across patients and carry no information: {}{more}; check the ROI and the discretisation settings",
        constant.len(),
        shown.join(", ")
    ))
}

/// External test centres with fewer than `MIN_EXTERNAL_PATIENTS` patients.
pub fn small_external_cohorts(m: &Manifest, cohort: &Cohort) -> Vec<String> {
    let Some(e) = &m.validation.external else { return Vec::new() };
    e.test
        .iter()
        .filter_map(|c| {
            let n = cohort.patients.iter().filter(|p| &p.centre == c).count();
            (n < MIN_EXTERNAL_PATIENTS).then(|| {
                format!(
                    "external cohort `{c}` has only {n} patients (< {MIN_EXTERNAL_PATIENTS}); its AUC / C-index confidence interval is wide — treat the external result as preliminary"
                )
            })
        })
        .collect()
}

/// Events per variable of each final model: events in the training set (the smaller outcome
/// class for binary outcomes) over the number of variables the final model uses.
pub fn events_per_variable(m: &Manifest, cohort: &Cohort, results: &[ModelResult]) -> Vec<String> {
    let centres: Vec<String> = cohort.patients.iter().map(|p| p.centre.clone()).collect();
    let (train, _) = crate::validate::training_rows(m, &centres);
    let events = train.iter().filter(|&&i| cohort.patients[i].outcome == 1).count();
    let survival = m.study.kind == crate::manifest::OutcomeKind::Survival;
    let limiting = if survival { events } else { events.min(train.len() - events) };
    results
        .iter()
        .filter_map(|r| {
            let vars = r.coefficients.len();
            let epv = limiting as f64 / vars.max(1) as f64;
            (vars > 0 && epv < MIN_EVENTS_PER_VARIABLE).then(|| {
                format!(
                    "model `{}`: {epv:.1} events per variable ({limiting} {} / {vars} variables, < {MIN_EVENTS_PER_VARIABLE}); the model is likely overfitted — use fewer features or more patients",
                    r.model,
                    if survival { "events" } else { "patients in the smaller outcome class" }
                )
            })
        })
        .collect()
}

/// A published AUC / C-index from a validation cohort too small for its claim, or a perfect one.
pub fn published_claims(p: &Published) -> Vec<String> {
    let mut w = Vec::new();
    let test = p.auc_test.map(|v| ("AUC", v)).or(p.c_index_test.map(|v| ("C-index", v)));
    if let (Some((what, v)), Some(n)) = (test, p.test_n) {
        if n < MIN_PUBLISHED_VALIDATION_N {
            w.push(format!(
                "published validation {what} {v} comes from only {n} patients (< {MIN_PUBLISHED_VALIDATION_N}); its confidence interval is too wide to support the claim"
            ));
        }
    }
    for (label, v) in [
        ("training AUC", p.auc_train),
        ("validation AUC", p.auc_test),
        ("training C-index", p.c_index_train),
        ("validation C-index", p.c_index_test),
    ] {
        if v.is_some_and(|v| v >= 1.0) {
            w.push(format!(
                "published {label} is 1.0 (perfect separation): this usually means overfitting, leakage or a tiny cohort — do not expect to reproduce it"
            ));
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn constant_columns_are_named() {
        let f = FeatureTable {
            patients: vec!["a".into(), "b".into(), "c".into()],
            columns: vec!["x".into(), "flat".into(), "nan".into()],
            values: array![[1.0, 5.0, f64::NAN], [2.0, 5.0, f64::NAN], [3.0, 5.0, f64::NAN]],
        };
        let w = constant_features(&f).unwrap();
        assert!(w.starts_with("1 feature(s)") && w.contains("flat") && !w.contains("nan"), "{w}");
        let g = FeatureTable { values: array![[1.0, 5.0, 0.0], [2.0, 6.0, 0.0], [3.0, 7.0, 1.0]], ..f };
        assert!(constant_features(&g).is_none());
    }

    #[test]
    fn published_claims_flag_small_n_and_perfect_auc() {
        let p: Published = toml::from_str("source = \"x\"\nauc_test = 0.91\ntest_n = 40\nauc_train = 1.0").unwrap();
        let w = published_claims(&p);
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w[0].contains("0.91") && w[0].contains("40 patients"), "{}", w[0]);
        assert!(w[1].contains("training AUC is 1.0"), "{}", w[1]);
        let ok: Published = toml::from_str("source = \"x\"\nauc_test = 0.91\ntest_n = 120").unwrap();
        assert!(published_claims(&ok).is_empty());
    }
}
