//! The cohort: one typed record per patient (centre, outcome, clinical values, image and
//! mask paths), read from a cohort table (CSV, via polars). Every error names the file, the
//! patient and the column. Must not open images (that is `image::io`) or fit anything.

pub mod table;

pub use table::load_cohort;

use std::collections::BTreeMap;
use std::path::PathBuf;

/// One patient.
#[derive(Debug, Clone, PartialEq)]
pub struct Patient {
    pub id: String,
    pub centre: String,
    /// Binary outcome (0/1), or the event indicator of a survival outcome (1 = event).
    pub outcome: u8,
    /// Survival follow-up time (> 0); NaN for binary studies.
    pub time: f64,
    /// Numeric clinical variables by column name (NaN = missing).
    pub clinical: BTreeMap<String, f64>,
    /// Image path per sequence name.
    pub images: BTreeMap<String, PathBuf>,
    /// Tumour masks: observer 1 first, then further observers / repeats.
    pub masks: Vec<PathBuf>,
}

/// All patients of a study, in table order.
#[derive(Debug, Clone)]
pub struct Cohort {
    pub patients: Vec<Patient>,
    /// The table the cohort came from.
    pub source: PathBuf,
}

impl Cohort {
    /// Centres in first-seen order.
    pub fn centres(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for p in &self.patients {
            if !out.contains(&p.centre) {
                out.push(p.centre.clone());
            }
        }
        out
    }

    /// Indices of the patients of the given centres.
    pub fn indices_of(&self, centres: &[String]) -> Vec<usize> {
        (0..self.patients.len()).filter(|&i| centres.contains(&self.patients[i].centre)).collect()
    }

    /// The outcome (event indicator for survival) as f64 per patient.
    pub fn outcomes(&self) -> Vec<f64> {
        self.patients.iter().map(|p| p.outcome as f64).collect()
    }

    /// Follow-up times (NaN for binary studies).
    pub fn times(&self) -> Vec<f64> {
        self.patients.iter().map(|p| p.time).collect()
    }
}

/// A cohort problem, always naming the table, and the patient and column where known.
#[derive(Debug, thiserror::Error)]
#[error("cohort table {file}: {message}")]
pub struct CohortError {
    pub file: PathBuf,
    pub message: String,
}
