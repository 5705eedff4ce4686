//! Metrics of a binary classifier from outcomes (`true` = positive) and scores / predicted
//! probabilities: discrimination, its uncertainty, thresholds, calibration, decision curves.
//! Functions here evaluate predictions only; they never fit or choose a model.
pub mod auc;
pub mod bootstrap;
pub mod brier;
pub mod calibration;
pub mod decision_curve;
pub mod delong;
pub mod hosmer_lemeshow;
pub mod roc;
pub mod threshold;

pub use auc::auc;
pub use bootstrap::{bootstrap_percentile_ci, stratified_bootstrap_indices, BootstrapCi};
pub use brier::{brier_score, BrierScore};
pub use calibration::{calibration, Calibration};
pub use decision_curve::{net_benefit_curve, NetBenefitPoint};
pub use delong::{delong_auc, delong_paired, DelongAuc, PairedDelong};
pub use hosmer_lemeshow::{hosmer_lemeshow, HlGroup, HlGrouping, HosmerLemeshow};
pub use roc::{roc_curve, RocCurve};
pub use threshold::{confusion_at_threshold, youden_threshold, ConfusionMetrics, YoudenThreshold};
