//! Features: the IBSI 1 families, the extraction orchestrator, cohort-wide extraction, the
//! feature table and the IBSI benchmark scorer.
pub mod cohort;
pub mod error;
pub mod extract;
pub mod feature;
pub mod histogram;
pub mod ibsi_score;
pub mod ibsi_table;
pub mod ivh;
pub mod local_intensity;
pub mod morphology;
pub mod pyrad;
pub mod pyrad_batch;
pub mod pyrad_cohort;
pub mod settings;
pub mod stats;
pub mod table;
pub mod texture;
pub use error::FeatureError;
pub use extract::{
    extract_ibsi, extract_ibsi_with_reference, prepare_roi, FamilyName, IbsiSettings, PreparedRoi, TextureAggregations,
};
pub use feature::Feature;
