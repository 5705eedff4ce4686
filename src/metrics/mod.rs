//! Performance metrics for binary classifiers and survival models, plus the small numeric
//! helpers they share (ranks, quantiles, distribution tails, a logistic Newton fit).
//! Metrics only evaluate given predictions; this module never fits a prediction model.
pub mod binary;
pub mod comparison;
pub mod distributions;
pub mod error;
pub mod loess;
pub mod logistic_fit;
pub mod quantile;
pub mod ranks;
pub mod roc_band;
pub mod summary;
pub mod survival;
pub mod survival_summary;

pub use error::StatsError;
pub use summary::{auc, youden_threshold};
