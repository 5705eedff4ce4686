//! Validation designs: on the training centres, repeated stratified k-fold, nested CV, a
//! stratified ratio split, Harrell's bootstrap optimism correction, a fixed train/test split or
//! leave-one-centre-out; then external validation on each held-out centre. Every fitted object
//! (ComBat, selection, scaler, tuned model) belongs to its split (see `split::TrainSet`).
//! Produces predictions per model × cohort; must not compute report metrics or write files.

pub mod columns;
pub mod designs;
pub mod fit;
pub mod harmonise;
pub mod split;
pub mod subgroups;
pub mod tune;

pub use columns::{read_design_columns, DesignColumns};
pub use fit::{FitPlan, FittedModel, HyperParams, StepTrace, Tuned};
pub use split::{stratified_kfold, HeldOut, Split, TrainSet};
pub use subgroups::SubgroupRow;

use crate::manifest::{Manifest, SelectStep};
use ndarray::{Array1, Array2};

/// The design matrix a study validates: radiomics columns then clinical columns.
pub struct Design<'a> {
    pub x: &'a Array2<f64>,
    /// Outcome (0/1) or event indicator.
    pub y: &'a Array1<f64>,
    /// Follow-up times (NaN for binary).
    pub time: &'a Array1<f64>,
    pub columns: &'a [String],
    /// Number of leading radiomics columns (the rest are clinical).
    pub n_radiomics: usize,
    pub centres: &'a [String],
    pub patients: &'a [String],
    /// ComBat batch and fixed-split columns (`read_design_columns`).
    pub extra: &'a DesignColumns,
}

impl Design<'_> {
    /// ComBat batch of row i (the centre unless `[harmonise] combat.batch` names another column).
    pub fn batch_of(&self, i: usize) -> &str {
        match &self.extra.batch {
            Some(b) => &b[i],
            None => &self.centres[i],
        }
    }
}

/// Absolute risk by `time` (Cox models with `risk_times`), one value per cohort row.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskAt {
    pub time: f64,
    pub risk: Vec<f64>,
}

/// Harrell's bootstrap optimism correction of the apparent AUC / C-index.
#[derive(Debug, Clone, PartialEq)]
pub struct Optimism {
    pub apparent: f64,
    /// Mean over resamples of (performance on the resample − performance on the original rows).
    pub optimism: f64,
    /// apparent − optimism.
    pub corrected: f64,
    pub resamples: usize,
}

/// Predictions of one model on one cohort.
#[derive(Debug, Clone)]
pub struct CohortPredictions {
    /// "train (apparent)", "internal CV", "nested CV", "internal test (split 0.70)",
    /// "fixed test", "LOCO <centre>", "bootstrap optimism-corrected", "external <centre>".
    pub cohort: String,
    pub rows: Vec<usize>,
    /// Outcome (0/1) or event indicator.
    pub y: Vec<f64>,
    /// Follow-up times (NaN for binary).
    pub time: Vec<f64>,
    /// Probability (classifiers) or risk score (Cox).
    pub prob: Vec<f64>,
    /// Internal CV only: AUC (or Harrell C) of each repeat's pooled out-of-fold predictions.
    pub per_repeat_auc: Vec<f64>,
    /// Internal CV only: each repeat's out-of-fold predictions, aligned with `rows`.
    pub per_repeat_prob: Vec<Vec<f64>>,
    /// Cox models: absolute risk at each `risk_times` entry, from the producing split's baseline.
    pub risk: Vec<RiskAt>,
    /// Bootstrap design only: the optimism-corrected AUC / C-index (`prob` holds the apparent
    /// predictions of the final model; metrics must report `corrected`, not their AUC).
    pub optimism: Option<Optimism>,
}

/// A selected feature of the final model with its coefficient (standardised scale).
#[derive(Debug, Clone)]
pub struct Coefficient {
    pub name: String,
    pub coef: f64,
    /// Share of internal-CV splits whose selection kept this feature.
    pub frequency: f64,
}

/// The hyperparameters inner CV chose in one split ("final" = the model on all training rows).
#[derive(Debug, Clone, PartialEq)]
pub struct TunedRow {
    pub split: String,
    pub params: Vec<(String, f64)>,
    /// Mean inner-fold AUC (binary) or Harrell C (survival) of the chosen point.
    pub inner_score: f64,
}

/// Everything validation produced for one model.
#[derive(Debug, Clone)]
pub struct ModelResult {
    pub model: String,
    pub cohorts: Vec<CohortPredictions>,
    /// Threshold chosen on training data: probability cut-off for sensitivity/specificity
    /// (binary) or the risk-score cut-off between low- and high-risk groups (survival).
    pub threshold: f64,
    /// True for Cox models (predictions are risk scores).
    pub survival: bool,
    pub threshold_rule: String,
    pub intercept: f64,
    pub coefficients: Vec<Coefficient>,
    pub trace: Vec<StepTrace>,
    pub n_splits: usize,
    /// The internal validation design, in words.
    pub design: String,
    /// Grid tuning: the chosen hyperparameters per split (empty without a grid).
    pub tuning: Vec<TunedRow>,
    /// Cox with `risk_times`: (time, baseline survival S0(t) of the final model at the
    /// training means).
    pub baseline_survival: Vec<(f64, f64)>,
    /// Clustering models: odds ratios of the outcome between subgroups, per cohort.
    pub subgroups: Vec<SubgroupRow>,
}

/// Which rows train the final model, and which external cohorts test it.
pub fn training_rows(m: &Manifest, centres: &[String]) -> (Vec<usize>, Vec<(String, Vec<usize>)>) {
    match &m.validation.external {
        Some(e) => {
            let train = (0..centres.len()).filter(|&i| e.train.contains(&centres[i])).collect();
            let tests = e
                .test
                .iter()
                .map(|c| (c.clone(), (0..centres.len()).filter(|&i| &centres[i] == c).collect()))
                .collect();
            (train, tests)
        }
        None => ((0..centres.len()).collect(), Vec::new()),
    }
}

/// Run every model through its internal design and external validation.
pub fn run(m: &Manifest, d: &Design, progress: &(dyn Fn(u64) + Sync)) -> anyhow::Result<Vec<ModelResult>> {
    let (train_rows, externals) = training_rows(m, d.centres);
    let combat = m
        .harmonise
        .as_ref()
        .and_then(|h| h.combat.as_ref())
        .map(|c| harmonise::CombatPlan::from_spec(c, d.columns))
        .transpose()?;
    let internal = designs::internal_splits(m, d, &train_rows)?;
    let inner_folds = m.validation.internal.as_ref().map_or(5, |i| i.inner_folds);
    let mut results = Vec::new();
    for spec in &m.models {
        let (candidates, forced) = model_columns(spec, d)?;
        let steps: Vec<SelectStep> = match (&spec.select, spec.is_clustering()) {
            (Some(s), _) => s.clone(),
            (None, true) => {
                vec![SelectStep::Variance { min: 0.0 }, SelectStep::Correlation { max_abs_r: 0.9 }]
            }
            (None, false) => m.select.steps.clone(),
        };
        let plan = FitPlan {
            candidates: &candidates,
            forced: &forced,
            steps: &steps,
            spec,
            combat: combat.as_ref(),
            inner_folds,
            unsupervised: spec.is_clustering(),
        };
        let ctx = designs::Context { m, d, plan, train_rows: &train_rows, externals: &externals, progress };
        results.push(if spec.is_clustering() {
            designs::run_subgroups(&ctx, &internal)?
        } else {
            designs::run_model(&ctx, &internal)?
        });
    }
    Ok(results)
}

/// Number of model fits `run` performs (for the progress bar; leave-one-centre-out counts
/// the named training centres, or 2 without them).
pub fn fit_count(m: &Manifest) -> u64 {
    let internal = match &m.validation.internal {
        None => 0,
        Some(i) => match i.scheme.as_str() {
            "split" | "fixed" => 1,
            "bootstrap" => i.resamples.unwrap_or(200),
            "loco" => m.validation.external.as_ref().map_or(2, |e| e.train.len()),
            _ => i.folds * i.repeats,
        },
    };
    ((internal + 1) * m.models.len()) as u64
}

/// Radiomics candidate columns (restricted to the model's sequences) and forced clinical columns.
fn model_columns(spec: &crate::manifest::ModelSpec, d: &Design) -> anyhow::Result<(Vec<usize>, Vec<usize>)> {
    let mut candidates = Vec::new();
    let mut forced = Vec::new();
    for input in &spec.inputs {
        if input == "radiomics" {
            for j in 0..d.n_radiomics {
                let seq = d.columns[j].split('.').next().unwrap_or("");
                if spec.sequences.as_ref().is_none_or(|s| s.iter().any(|q| q == seq)) {
                    candidates.push(j);
                }
            }
        } else {
            let j = d.columns[d.n_radiomics..]
                .iter()
                .position(|c| c == input)
                .ok_or_else(|| anyhow::anyhow!("model `{}`: input `{input}` is not a clinical column", spec.name))?;
            forced.push(d.n_radiomics + j);
        }
    }
    Ok((candidates, forced))
}

/// A seed for sub-task `k` derived from the study seed (SplitMix64 step), so that every
/// random choice is fixed by the study seed and independent of thread scheduling.
pub fn derive_seed(seed: u64, k: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15u64.wrapping_mul(k + 1));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Median of finite values (NaN when none).
fn median(v: &[f64]) -> f64 {
    let mut s: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if s.is_empty() {
        return f64::NAN;
    }
    s.sort_by(f64::total_cmp);
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        0.5 * (s[n / 2 - 1] + s[n / 2])
    }
}
