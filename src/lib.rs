//! radstudy: reproducible radiomics studies. A TOML manifest describes a study; the pipeline
//! runs manifest → cohort → image (io, preprocess, roi) → features → stability → harmonise → select →
//! model → validate → metrics → report. Each module has one job.
pub mod cohort;
pub mod features;
pub mod harmonise;
pub mod image;
pub mod io_util;
pub mod manifest;
pub mod metrics;
pub mod model;
pub mod pipeline;
pub mod report;
pub mod select;
pub mod stability;
pub mod synth;
pub mod validate;
