//! Metrics for right-censored survival data: Kaplan–Meier with Greenwood CIs, log-rank test,
//! Harrell's and Uno's concordance, the hazard ratio of a two-group split, and the
//! cumulative/dynamic time-dependent AUC.
//! Inputs are (time, event) pairs with `true` = event observed; no multivariable model fitting.
pub mod concordance;
pub mod cox_binary;
pub mod kaplan_meier;
pub mod logrank;
pub mod time_auc;

pub use concordance::{harrell_c, uno_c, Concordance};
pub use cox_binary::{cox_hazard_ratio_binary, HazardRatio};
pub use kaplan_meier::{censoring_kaplan_meier, kaplan_meier, KaplanMeier, KmPoint, KmStep};
pub use logrank::{logrank_test, LogRank};
pub use time_auc::{cumulative_dynamic_auc, follow_up_window, TimeAuc};

use crate::metrics::error::{check_finite, check_len, Result, StatsError};

/// Validates parallel (time, event) arrays: equal length, finite non-negative times, non-empty.
pub(crate) fn check_survival(time: &[f64], event: &[bool]) -> Result<()> {
    check_len("event", event.len(), time.len())?;
    check_finite("time", time)?;
    if time.is_empty() {
        return Err(StatsError::InvalidArgument("empty survival data".into()));
    }
    if time.iter().any(|&t| t < 0.0) {
        return Err(StatsError::InvalidArgument("negative survival time".into()));
    }
    Ok(())
}
