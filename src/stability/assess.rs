//! Feature stability across segmentations: ICC of every feature column between observers'
//! masks, and the list of features that pass the manifest's threshold. Uses no outcome, so
//! it may run once on all patients (the report says so). Must not select on the outcome.

use super::icc::{icc, IccForm};
use crate::features::table::FeatureTable;
use ndarray::Array2;

/// ICC of one feature.
#[derive(Debug, Clone, PartialEq)]
pub struct IccRow {
    pub feature: String,
    pub value: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub kept: bool,
}

/// ICC per column of `tables` (one table per observer, same patients and columns).
/// A feature is kept when its ICC (or lower CI bound, when `on_lower_ci`) ≥ `threshold`.
/// Columns constant across patients and observers have no defined ICC (NaN) and are dropped.
pub fn assess(tables: &[FeatureTable], form: IccForm, threshold: f64, on_lower_ci: bool) -> Vec<IccRow> {
    let n = tables[0].patients.len();
    let k = tables.len();
    (0..tables[0].columns.len())
        .map(|j| {
            let m = Array2::from_shape_fn((n, k), |(i, r)| tables[r].values[[i, j]]);
            let (value, lo, hi) = match icc(m.view(), form) {
                Ok(r) if m.iter().all(|v| v.is_finite()) => (r.value, r.ci95[0], r.ci95[1]),
                _ => (f64::NAN, f64::NAN, f64::NAN),
            };
            let crit = if on_lower_ci { lo } else { value };
            IccRow { feature: tables[0].columns[j].clone(), value, ci_low: lo, ci_high: hi, kept: crit >= threshold }
        })
        .collect()
}
