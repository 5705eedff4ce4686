//! Validation designs: repeated stratified k-fold on the training centres and external
//! validation on each held-out centre. Every fitted object belongs to its split (see
//! `split::TrainSet`). Produces predictions per model × cohort; must not compute metrics
//! or write files.

pub mod fit;
pub mod split;

pub use fit::{FittedModel, StepTrace};
pub use split::{stratified_kfold, Split, TrainSet};

use crate::manifest::Manifest;
use ndarray::{Array1, Array2};
use rayon::prelude::*;

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
}

/// Predictions of one model on one cohort.
#[derive(Debug, Clone)]
pub struct CohortPredictions {
    /// "train (apparent)", "internal CV", "external <centre>".
    pub cohort: String,
    pub rows: Vec<usize>,
    /// Outcome (0/1) or event indicator.
    pub y: Vec<f64>,
    /// Follow-up times (NaN for binary).
    pub time: Vec<f64>,
    /// Probability (logistic) or risk score (Cox).
    pub prob: Vec<f64>,
    /// Internal CV only: AUC (or Harrell C) of each repeat's pooled out-of-fold predictions.
    pub per_repeat_auc: Vec<f64>,
    /// Internal CV only: each repeat's out-of-fold predictions, aligned with `rows`.
    pub per_repeat_prob: Vec<Vec<f64>>,
}

/// A selected feature of the final model with its coefficient (standardised scale).
#[derive(Debug, Clone)]
pub struct Coefficient {
    pub name: String,
    pub coef: f64,
    /// Share of internal-CV splits whose selection kept this feature.
    pub frequency: f64,
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
}

/// One internal-CV fit: held-out rows, their predictions, and the columns the model used.
type SplitFit = (Vec<usize>, Vec<f64>, Vec<usize>);

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

/// Run every model through internal CV and external validation.
pub fn run(m: &Manifest, d: &Design, progress: &(dyn Fn(u64) + Sync)) -> anyhow::Result<Vec<ModelResult>> {
    let (train_rows, externals) = training_rows(m, d.centres);
    let yv = d.y.to_vec();
    let tv = d.time.to_vec();
    let survival = d.time.iter().any(|t| t.is_finite());
    let discrimination = |p: &[f64], rows: &[usize]| -> f64 {
        let y: Vec<f64> = rows.iter().map(|&i| yv[i]).collect();
        if survival {
            let t: Vec<f64> = rows.iter().map(|&i| tv[i]).collect();
            let e: Vec<bool> = y.iter().map(|&v| v == 1.0).collect();
            crate::model::coxnet_cv::harrell_c(&t, &e, p)
        } else {
            crate::metrics::auc(p, &y)
        }
    };
    let mut splits: Vec<Split> = Vec::new();
    let mut repeat_of: Vec<usize> = Vec::new();
    if let Some(int) = &m.validation.internal {
        for r in 0..int.repeats {
            let s = stratified_kfold(
                &train_rows,
                &yv,
                int.folds,
                derive_seed(m.study.seed, r as u64),
                &format!("cv r{}", r + 1),
            );
            repeat_of.extend(std::iter::repeat_n(r, s.len()));
            splits.extend(s);
        }
    }
    let n_repeats = m.validation.internal.as_ref().map(|i| i.repeats).unwrap_or(0);
    let final_split = Split {
        label: "final".into(),
        train: train_rows.clone(),
        test: externals.iter().flat_map(|(_, r)| r.clone()).collect(),
    };

    let mut results = Vec::new();
    for spec in &m.models {
        let (candidates, forced) = model_columns(spec, d)?;
        // Internal CV fits, in parallel, collected in split order (deterministic).
        let fits: Vec<anyhow::Result<SplitFit>> = splits
            .par_iter()
            .enumerate()
            .map(|(k, s)| {
                let train = s.train_set(d.x, d.y, d.time);
                let f = fit::fit_split(
                    &train,
                    &candidates,
                    &forced,
                    &m.select.steps,
                    spec,
                    derive_seed(m.study.seed, 1000 + k as u64),
                )?;
                let p = f.predict(&s.test_x(d.x));
                progress(1);
                Ok((s.test.clone(), p, f.columns.clone()))
            })
            .collect();
        let fits: Vec<SplitFit> = fits.into_iter().collect::<anyhow::Result<_>>()?;

        let mut cohorts = Vec::new();
        // Final model on all training rows.
        let train = final_split.train_set(d.x, d.y, d.time);
        let final_fit =
            fit::fit_split(&train, &candidates, &forced, &m.select.steps, spec, derive_seed(m.study.seed, 999))?;
        progress(1);
        let apparent = final_fit.predict(train.x());
        let pick = |v: &[f64], rows: &[usize]| -> Vec<f64> { rows.iter().map(|&i| v[i]).collect() };
        cohorts.push(CohortPredictions {
            cohort: "train (apparent)".into(),
            rows: train_rows.clone(),
            y: pick(&yv, &train_rows),
            time: pick(&tv, &train_rows),
            prob: apparent.clone(),
            per_repeat_auc: vec![],
            per_repeat_prob: vec![],
        });

        // Internal CV: average each patient's out-of-fold probability over repeats.
        let mut threshold_rule = "Youden index on apparent training predictions (no internal CV)".to_string();
        let mut oof_for_threshold: (Vec<f64>, Vec<f64>) =
            (apparent.clone(), train_rows.iter().map(|&i| yv[i]).collect());
        if n_repeats > 0 {
            let mut sum = vec![0.0; d.y.len()];
            let mut per_repeat: Vec<Vec<f64>> = vec![vec![f64::NAN; d.y.len()]; n_repeats];
            for (k, (rows, p, _)) in fits.iter().enumerate() {
                for (&i, &v) in rows.iter().zip(p) {
                    sum[i] += v;
                    per_repeat[repeat_of[k]][i] = v;
                }
            }
            let prob: Vec<f64> = train_rows.iter().map(|&i| sum[i] / n_repeats as f64).collect();
            let ytr: Vec<f64> = train_rows.iter().map(|&i| yv[i]).collect();
            let per_repeat_auc =
                per_repeat.iter().map(|pr| discrimination(&pick(pr, &train_rows), &train_rows)).collect();
            threshold_rule =
                format!("Youden index on out-of-fold training predictions ({n_repeats}× repeated CV, averaged)");
            oof_for_threshold = (prob.clone(), ytr.clone());
            cohorts.push(CohortPredictions {
                cohort: "internal CV".into(),
                rows: train_rows.clone(),
                y: ytr,
                time: pick(&tv, &train_rows),
                prob,
                per_repeat_auc,
                per_repeat_prob: per_repeat.iter().map(|pr| pick(pr, &train_rows)).collect(),
            });
        }
        for (name, rows) in &externals {
            let xs = rows_of(d.x, rows);
            cohorts.push(CohortPredictions {
                cohort: format!("external {name}"),
                rows: rows.clone(),
                y: pick(&yv, rows),
                time: pick(&tv, rows),
                prob: final_fit.predict(&xs),
                per_repeat_auc: vec![],
                per_repeat_prob: vec![],
            });
        }
        let threshold = if survival {
            threshold_rule = "median risk score of the training patients (final model, apparent)".into();
            median(&apparent)
        } else {
            crate::metrics::youden_threshold(&oof_for_threshold.0, &oof_for_threshold.1)
        };
        let n_splits = fits.len();
        let (intercept, coefs) = final_fit.coefficients();
        let coefficients = final_fit
            .columns
            .iter()
            .enumerate()
            .map(|(k, &c)| Coefficient {
                name: d.columns[c].clone(),
                coef: coefs[k],
                frequency: if n_splits == 0 {
                    f64::NAN
                } else {
                    fits.iter().filter(|f| f.2.contains(&c)).count() as f64 / n_splits as f64
                },
            })
            .collect();
        results.push(ModelResult {
            model: spec.name.clone(),
            cohorts,
            threshold,
            survival,
            threshold_rule,
            intercept,
            coefficients,
            trace: final_fit.trace.clone(),
            n_splits,
        });
    }
    Ok(results)
}

/// Number of model fits `run` performs (for the progress bar).
pub fn fit_count(m: &Manifest) -> u64 {
    let cv = m.validation.internal.as_ref().map(|i| i.folds * i.repeats).unwrap_or(0);
    ((cv + 1) * m.models.len()) as u64
}

fn rows_of(x: &Array2<f64>, rows: &[usize]) -> Array2<f64> {
    x.select(ndarray::Axis(0), rows)
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
