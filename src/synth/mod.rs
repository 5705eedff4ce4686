//! Synthetic multi-centre HCC MRI cohort generator: lets a user run a whole radiomics study
//! with no data of their own. Writes real int16 `.nii.gz` images (several co-registered
//! sequences per patient), observers' tumour masks, `cohort.csv` (the product's cohort-table
//! format) and `truth.json` (the known generating model and the realised true AUC / C-index).
//! Everything is a deterministic function of (spec, seed, sequences, outcome name): each
//! patient has its own ChaCha8 streams, so results do not depend on the thread count.
//! This module must not read images or compute radiomic features.

pub mod anatomy;
pub mod appearance;
pub mod field;
pub mod outcome;
pub mod spec;
mod writer;

use std::path::{Path, PathBuf};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

pub use spec::{BinaryOutcome, CentreSpec, OutcomeSpec, SurvivalOutcome, SynthSpec};

use anatomy::Latent;
use outcome::{Clinical, Model, Outcome};

/// Version of the generator; part of the reuse stamp, so bump it whenever output changes.
pub const GENERATOR_VERSION: &str = "radstudy-synth-2";

/// Errors of the synthetic cohort generator; messages name the offending field or path.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    /// The specification is invalid.
    #[error("invalid synthetic cohort specification: {0}")]
    Spec(String),
    /// The sequence list or outcome name is unusable.
    #[error("invalid synthetic cohort request: {0}")]
    Request(String),
    /// A file or folder could not be written.
    #[error("cannot write {path}: {message}")]
    Write { path: PathBuf, message: String },
    /// The target folder holds something that is not a cohort made by this generator.
    #[error("{path} is not empty and has no synth_stamp.txt, so it is not a synthetic cohort made by radstudy; refusing to replace it (choose another folder or empty it)")]
    NotOurs { path: PathBuf },
}

/// Per-patient RNG for one stream: seeded from (seed, patient index, stream) by SplitMix64
/// mixing, so every patient's draws are independent of how patients are scheduled.
pub fn patient_rng(seed: u64, patient: usize, stream: u64) -> ChaCha8Rng {
    fn splitmix(mut z: u64) -> u64 {
        z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    ChaCha8Rng::seed_from_u64(splitmix(seed ^ splitmix((patient as u64) << 8 | (stream & 0xFF))))
}

/// RNG streams of a patient.
pub(crate) const STREAM_OUTCOME: u64 = 0;
pub(crate) const STREAM_ANATOMY: u64 = 1;
pub(crate) const STREAM_OBSERVER: u64 = 16; // + observer number
pub(crate) const STREAM_SEQUENCE: u64 = 64; // + sequence index

/// One simulated patient without images: latent tumour, outcome, clinical variables.
#[derive(Debug, Clone)]
pub struct PatientDraw {
    /// Patient identifier, "P0001", … in patient order.
    pub id: String,
    /// Index into `SynthSpec::centres`.
    pub centre: usize,
    /// Latent tumour properties.
    pub latent: Latent,
    /// Unit-weighted outcome score u (~N(0, 1)).
    pub score: f64,
    /// Linear predictor of the generating model.
    pub linear_predictor: f64,
    /// The drawn outcome.
    pub outcome: Outcome,
    /// Clinical variables (diameter is measured later from the mask).
    pub clinical: Clinical,
}

/// Draw patient `index` (global, 0-based) of centre `centre` from its own stream.
pub fn draw_patient(model: &Model, seed: u64, index: usize, centre: usize) -> PatientDraw {
    let mut rng = patient_rng(seed, index, STREAM_OUTCOME);
    let latent = Latent::sample(&mut rng);
    let score = latent.score();
    let outcome = model.draw(score, &mut rng);
    let clinical = outcome::draw_clinical(score, &mut rng);
    PatientDraw {
        id: format!("P{:04}", index + 1),
        centre,
        latent,
        score,
        linear_predictor: model.linear_predictor(score),
        outcome,
        clinical,
    }
}

/// Solve the generating model and draw `n` patients (outcomes and clinical data only, no
/// images), all assigned to centre 0; for checking the outcome model on large samples.
pub fn simulate_outcomes(outcome: &OutcomeSpec, seed: u64, n: usize) -> Result<(Model, Vec<PatientDraw>), SynthError> {
    let model = outcome::solve(outcome)?;
    Ok((model, (0..n).map(|i| draw_patient(&model, seed, i, 0)).collect()))
}

/// Realised truth of drawn patients: (AUC of the true probabilities vs the labels, prevalence)
/// for binary outcomes, or (Harrell C of the linear predictor, event rate) for survival.
pub fn realised_truth(patients: &[PatientDraw]) -> (f64, f64) {
    let mut prob = Vec::new();
    let mut y = Vec::new();
    let mut time = Vec::new();
    let mut lp = Vec::new();
    for p in patients {
        match p.outcome {
            Outcome::Binary { y: yy, probability } => {
                prob.push(probability);
                y.push(yy);
            }
            Outcome::Survival { time: t, event } => {
                time.push(t);
                y.push(event);
                lp.push(p.linear_predictor);
            }
        }
    }
    let rate = y.iter().map(|&v| v as f64).sum::<f64>() / y.len().max(1) as f64;
    if time.is_empty() {
        (outcome::auc(&prob, &y), rate)
    } else {
        (outcome::harrell_c(&time, &y, &lp), rate)
    }
}

/// Generate (or reuse) the cohort under `dir` (e.g. data/synthetic/<study>/). Returns the cohort.csv path.
/// Reuses existing files when a stamp (hash of spec + seed + sequences + outcome name + generator version) matches;
/// otherwise regenerates everything. Writes into a temp folder next to `dir` and renames it into place, so a killed run never leaves a half cohort.
/// `progress(done, total)` is called after each patient (from worker threads).
pub fn ensure_cohort(
    spec: &SynthSpec,
    seed: u64,
    sequences: &[String],
    outcome: &str,
    dir: &Path,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<PathBuf, SynthError> {
    writer::ensure_cohort(spec, seed, sequences, outcome, dir, progress)
}
