//! Batch (scanner / site) harmonisation of feature tables. ComBat with empirical Bayes, fitted
//! on training rows and applied to any rows. Nothing here selects features or reads files.
pub mod combat;
pub mod combat_eb;
pub mod error;

pub use combat::{combat_fit, CombatModel, CombatOptions, UnseenBatch};
pub use error::CombatError;
