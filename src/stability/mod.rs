//! Feature stability / reliability: ICC statistics and the stability filter across
//! segmentations. Computes agreement from complete rating matrices; does not extract features
//! and never looks at the outcome.
pub mod assess;
pub mod icc;

pub use icc::{icc, icc_all, IccAnova, IccForm, IccResult};
