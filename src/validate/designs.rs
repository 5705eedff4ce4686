//! The internal validation designs and how each turns split fits into cohorts of predictions:
//! repeated stratified k-fold / nested CV (out-of-fold predictions averaged over repeats),
//! stratified ratio split, fixed split, leave-one-centre-out (one cohort per centre) and
//! Harrell's bootstrap optimism correction (its own cohort row); plus the final model on all
//! training rows (apparent and external cohorts). Split fits run in parallel and are collected
//! in split order with split-derived seeds, so results do not depend on the thread count.
//! Must not compute report metrics beyond the discrimination that optimism correction needs.

use super::fit::{self, FitPlan, FittedModel};
use super::split::{bootstrap_split, loco_splits, rows_held_out, stratified_kfold, stratified_ratio_split, Split};
use super::subgroups::{fit_subgroups, odds_ratio_rows};
use super::{derive_seed, median, Coefficient, CohortPredictions, Design, ModelResult, Optimism, RiskAt, TunedRow};
use crate::manifest::Manifest;
use anyhow::Context as _;
use rayon::prelude::*;

/// The internal design of a study.
#[derive(Debug, Clone, PartialEq)]
pub enum Scheme {
    /// No internal validation (external only).
    None,
    /// Repeated stratified k-fold; `nested` when named "nested_cv" (tuning in inner folds).
    KFold {
        repeats: usize,
        nested: bool,
    },
    Split {
        ratio: f64,
    },
    Fixed,
    Loco,
    Bootstrap {
        resamples: usize,
    },
}

/// The internal splits (all within the training rows) and, for k-fold, each split's repeat.
#[derive(Debug, Clone)]
pub struct Internal {
    pub scheme: Scheme,
    pub splits: Vec<Split>,
    pub repeat_of: Vec<usize>,
}

/// What every model run needs.
pub struct Context<'a> {
    pub m: &'a Manifest,
    pub d: &'a Design<'a>,
    pub plan: FitPlan<'a>,
    pub train_rows: &'a [usize],
    pub externals: &'a [(String, Vec<usize>)],
    pub progress: &'a (dyn Fn(u64) + Sync),
}

/// Build the internal splits of the manifest's design.
pub fn internal_splits(m: &Manifest, d: &Design, train_rows: &[usize]) -> anyhow::Result<Internal> {
    let yv = d.y.to_vec();
    let seed = m.study.seed;
    let Some(int) = &m.validation.internal else {
        return Ok(Internal { scheme: Scheme::None, splits: vec![], repeat_of: vec![] });
    };
    let mut splits = Vec::new();
    let mut repeat_of = Vec::new();
    let scheme = match int.scheme.as_str() {
        "split" => {
            let ratio = int.ratio.unwrap_or(0.7);
            splits.push(stratified_ratio_split(train_rows, &yv, ratio, derive_seed(seed, 0), "split"));
            Scheme::Split { ratio }
        }
        "fixed" => {
            let labels = d.extra.fixed_split.as_ref().ok_or_else(|| {
                anyhow::anyhow!("manifest key `validation.internal.column`: the fixed split column was not read")
            })?;
            let pick = |v: &str| train_rows.iter().copied().filter(|&i| labels[i] == v).collect::<Vec<_>>();
            let (train, test) = (pick("train"), pick("test"));
            if train.is_empty() || test.is_empty() {
                anyhow::bail!(
                    "manifest key `validation.internal.column`: the fixed split has {} train and {} test patients among the training centres; both must be non-empty",
                    train.len(),
                    test.len()
                );
            }
            splits.push(Split { label: "fixed".into(), train, test });
            Scheme::Fixed
        }
        "loco" => {
            splits = loco_splits(train_rows, d.centres);
            if splits.len() < 2 {
                anyhow::bail!(
                    "manifest key `validation.internal.scheme`: leave-one-centre-out needs at least 2 training centres; found {}",
                    splits.len()
                );
            }
            Scheme::Loco
        }
        "bootstrap" => {
            let resamples = int.resamples.unwrap_or(200);
            for b in 0..resamples {
                splits.push(bootstrap_split(
                    train_rows,
                    &yv,
                    derive_seed(seed, 2000 + b as u64),
                    &format!("boot {}", b + 1),
                ));
            }
            Scheme::Bootstrap { resamples }
        }
        other => {
            for r in 0..int.repeats {
                let s = stratified_kfold(
                    train_rows,
                    &yv,
                    int.folds,
                    derive_seed(seed, r as u64),
                    &format!("cv r{}", r + 1),
                );
                repeat_of.extend(std::iter::repeat_n(r, s.len()));
                splits.extend(s);
            }
            Scheme::KFold { repeats: int.repeats, nested: other == "nested_cv" }
        }
    };
    Ok(Internal { scheme, splits, repeat_of })
}

/// Cohort name of a single held-out split.
fn cohort_name(scheme: &Scheme, split: &Split) -> String {
    match scheme {
        Scheme::Split { ratio } => format!("internal test (split {ratio:.2})"),
        Scheme::Fixed => "fixed test".into(),
        Scheme::Loco => format!("LOCO {}", split.label),
        _ => split.label.clone(),
    }
}

/// The design in words (for the report).
fn describe(scheme: &Scheme, m: &Manifest) -> String {
    let inner = m.validation.internal.as_ref().map_or(5, |i| i.inner_folds);
    let folds = m.validation.internal.as_ref().map_or(0, |i| i.folds);
    match scheme {
        Scheme::None => "external validation only".into(),
        Scheme::KFold { repeats, nested: false } => format!("{repeats}× repeated stratified {folds}-fold CV"),
        Scheme::KFold { repeats, nested: true } => {
            format!("nested CV: {repeats}× repeated stratified {folds}-fold outer, {inner}-fold inner tuning")
        }
        Scheme::Split { ratio } => format!("stratified random split, {:.0}% training", ratio * 100.0),
        Scheme::Fixed => "fixed train/test split from the manifest's column".into(),
        Scheme::Loco => "leave-one-centre-out".into(),
        Scheme::Bootstrap { resamples } => format!("Harrell bootstrap optimism correction, {resamples} resamples"),
    }
}

/// One internal split's outcome.
struct SplitOut {
    test: Vec<usize>,
    prob: Vec<f64>,
    columns: Vec<usize>,
    tuned: Option<fit::Tuned>,
    risk: Vec<RiskAt>,
    /// Bootstrap: discrimination of the resample's model on its own resample.
    boot_apparent: Option<f64>,
}

/// AUC (binary) or Harrell C (survival) of scores on design rows.
fn discrimination(d: &Design, rows: &[usize], p: &[f64]) -> f64 {
    let y: Vec<f64> = rows.iter().map(|&i| d.y[i]).collect();
    if d.time.iter().any(|t| t.is_finite()) {
        let t: Vec<f64> = rows.iter().map(|&i| d.time[i]).collect();
        let e: Vec<bool> = y.iter().map(|&v| v == 1.0).collect();
        crate::model::coxnet_cv::harrell_c(&t, &e, p)
    } else {
        crate::metrics::auc(p, &y)
    }
}

fn risk_at(f: &FittedModel, eta: &[f64], times: &[f64]) -> Vec<RiskAt> {
    times.iter().filter_map(|&t| f.absolute_risk(eta, t).map(|risk| RiskAt { time: t, risk })).collect()
}

fn cohort(d: &Design, name: String, rows: &[usize], prob: Vec<f64>, risk: Vec<RiskAt>) -> CohortPredictions {
    CohortPredictions {
        cohort: name,
        rows: rows.to_vec(),
        y: rows.iter().map(|&i| d.y[i]).collect(),
        time: rows.iter().map(|&i| d.time[i]).collect(),
        prob,
        per_repeat_auc: vec![],
        per_repeat_prob: vec![],
        risk,
        optimism: None,
    }
}

/// A supervised model through the internal design, then the final model (on all training
/// rows; for `split` / `fixed` on the training part, which is then also the model tested).
pub fn run_model(ctx: &Context, internal: &Internal) -> anyhow::Result<ModelResult> {
    let (m, d, plan) = (ctx.m, ctx.d, &ctx.plan);
    let spec = plan.spec;
    let times = &spec.risk_times;
    let boot = matches!(internal.scheme, Scheme::Bootstrap { .. });
    // split / fixed: the model of the training part is the final model (no separate fit)
    let single = matches!(internal.scheme, Scheme::Split { .. } | Scheme::Fixed);
    let to_fit: &[Split] = if single { &[] } else { &internal.splits };
    let outs: Vec<anyhow::Result<SplitOut>> = to_fit
        .par_iter()
        .enumerate()
        .map(|(k, s)| {
            let run = || -> anyhow::Result<SplitOut> {
                let train = s.train_set(d);
                let f = fit::fit_split(&train, plan, derive_seed(m.study.seed, 1000 + k as u64))?;
                let prob = f.predict(&s.held_out(d))?;
                let boot_apparent =
                    if boot { Some(discrimination(d, &s.train, &f.predict(&train.as_held_out())?)) } else { None };
                let risk = risk_at(&f, &prob, times);
                (ctx.progress)(1);
                Ok(SplitOut {
                    test: s.test.clone(),
                    prob,
                    columns: f.columns.clone(),
                    tuned: f.tuned.clone(),
                    risk,
                    boot_apparent,
                })
            };
            run().with_context(|| format!("model `{}`, split `{}`", spec.name, s.label))
        })
        .collect();
    let outs: Vec<SplitOut> = outs.into_iter().collect::<anyhow::Result<_>>()?;

    let train_rows: &[usize] = if single { &internal.splits[0].train } else { ctx.train_rows };
    let final_split = Split { label: "final".into(), train: train_rows.to_vec(), test: vec![] };
    let train = final_split.train_set(d);
    let final_fit = fit::fit_split(&train, plan, derive_seed(m.study.seed, 999))
        .with_context(|| format!("model `{}`, final fit on the training rows", spec.name))?;
    (ctx.progress)(1);
    let apparent = final_fit.predict(&train.as_held_out())?;
    let mut cohorts =
        vec![cohort(d, "train (apparent)".into(), train_rows, apparent.clone(), risk_at(&final_fit, &apparent, times))];
    let mut threshold_rule = "Youden index on apparent training predictions".to_string();
    let mut oof: Option<Vec<f64>> = None;
    match &internal.scheme {
        Scheme::None => {}
        Scheme::KFold { repeats, nested } => {
            let n = d.y.len();
            let mut sum = vec![0.0; n];
            let mut risk_sum = vec![vec![0.0; n]; times.len()];
            let mut per_repeat = vec![vec![f64::NAN; n]; *repeats];
            for (k, o) in outs.iter().enumerate() {
                for (j, &i) in o.test.iter().enumerate() {
                    sum[i] += o.prob[j];
                    per_repeat[internal.repeat_of[k]][i] = o.prob[j];
                    for (t, r) in o.risk.iter().enumerate() {
                        risk_sum[t][i] += r.risk[j];
                    }
                }
            }
            let r = *repeats as f64;
            let prob: Vec<f64> = train_rows.iter().map(|&i| sum[i] / r).collect();
            let risk = times
                .iter()
                .enumerate()
                .filter(|_| !outs.is_empty() && !outs[0].risk.is_empty())
                .map(|(t, &time)| RiskAt { time, risk: train_rows.iter().map(|&i| risk_sum[t][i] / r).collect() })
                .collect();
            let mut c =
                cohort(d, if *nested { "nested CV" } else { "internal CV" }.into(), train_rows, prob.clone(), risk);
            c.per_repeat_prob = per_repeat.iter().map(|pr| train_rows.iter().map(|&i| pr[i]).collect()).collect();
            c.per_repeat_auc = c.per_repeat_prob.iter().map(|pr| discrimination(d, train_rows, pr)).collect();
            cohorts.push(c);
            threshold_rule =
                format!("Youden index on out-of-fold training predictions ({repeats}× repeated CV, averaged)");
            oof = Some(prob);
        }
        Scheme::Bootstrap { resamples } => {
            let app = discrimination(d, train_rows, &apparent);
            let opt: Vec<f64> = outs
                .iter()
                .filter_map(|o| {
                    let test = discrimination(d, &o.test, &o.prob);
                    let a = o.boot_apparent?;
                    (a.is_finite() && test.is_finite()).then_some(a - test)
                })
                .collect();
            let optimism = if opt.is_empty() { f64::NAN } else { opt.iter().sum::<f64>() / opt.len() as f64 };
            let mut c = cohort(d, "bootstrap optimism-corrected".into(), train_rows, apparent.clone(), vec![]);
            c.optimism = Some(Optimism { apparent: app, optimism, corrected: app - optimism, resamples: *resamples });
            cohorts.push(c);
        }
        scheme @ (Scheme::Split { .. } | Scheme::Fixed) => {
            let s = &internal.splits[0];
            let p =
                final_fit.predict(&s.held_out(d)).with_context(|| format!("model `{}`, held-out rows", spec.name))?;
            let risk = risk_at(&final_fit, &p, times);
            cohorts.push(cohort(d, cohort_name(scheme, s), &s.test, p, risk));
        }
        scheme => {
            for (s, o) in internal.splits.iter().zip(&outs) {
                cohorts.push(cohort(d, cohort_name(scheme, s), &o.test, o.prob.clone(), o.risk.clone()));
            }
        }
    }
    for (name, rows) in ctx.externals {
        let p = final_fit.predict(&rows_held_out(d, rows)).with_context(|| format!("external centre `{name}`"))?;
        let risk = risk_at(&final_fit, &p, times);
        cohorts.push(cohort(d, format!("external {name}"), rows, p, risk));
    }
    let survival = spec.kind == "cox";
    let threshold = if survival {
        threshold_rule = "median risk score of the training patients (final model, apparent)".into();
        median(&apparent)
    } else {
        let ytr: Vec<f64> = train_rows.iter().map(|&i| d.y[i]).collect();
        crate::metrics::youden_threshold(oof.as_ref().unwrap_or(&apparent), &ytr)
    };
    let n_splits = outs.len();
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
                outs.iter().filter(|o| o.columns.contains(&c)).count() as f64 / n_splits as f64
            },
        })
        .collect();
    let mut tuning: Vec<TunedRow> = internal
        .splits
        .iter()
        .filter(|_| !single)
        .zip(&outs)
        .filter_map(|(s, o)| {
            o.tuned.as_ref().map(|t| TunedRow {
                split: s.label.clone(),
                params: t.params.clone(),
                inner_score: t.score,
            })
        })
        .collect();
    if let Some(t) = &final_fit.tuned {
        tuning.push(TunedRow { split: "final".into(), params: t.params.clone(), inner_score: t.score });
    }
    let baseline_survival = times.iter().filter_map(|&t| final_fit.baseline_survival(t).map(|s| (t, s))).collect();
    Ok(ModelResult {
        model: spec.name.clone(),
        cohorts,
        threshold,
        survival,
        threshold_rule,
        intercept,
        coefficients,
        trace: final_fit.trace.clone(),
        n_splits,
        design: describe(&internal.scheme, m),
        tuning,
        baseline_survival,
        subgroups: vec![],
    })
}

/// A clustering model: subgroups fitted on training rows (the training part for split / fixed);
/// odds ratios per cohort for the apparent training rows, the held-out part, each LOCO centre and
/// each external cohort. k-fold and bootstrap designs give no subgroup rows (labels of
/// different fold fits are not the same subgroups).
pub fn run_subgroups(ctx: &Context, internal: &Internal) -> anyhow::Result<ModelResult> {
    let (m, d, plan) = (ctx.m, ctx.d, &ctx.plan);
    let spec = plan.spec;
    let k = spec.clusters.unwrap_or(2);
    let y_of = |rows: &[usize]| rows.iter().map(|&i| d.y[i]).collect::<Vec<f64>>();
    let single = matches!(internal.scheme, Scheme::Split { .. } | Scheme::Fixed);
    let loco = internal.scheme == Scheme::Loco;
    let mut rows = Vec::new();
    if loco {
        let outs: Vec<anyhow::Result<Vec<_>>> = internal
            .splits
            .par_iter()
            .enumerate()
            .map(|(j, s)| {
                let f = fit_subgroups(&s.train_set(d), plan, k, derive_seed(m.study.seed, 1000 + j as u64))?;
                let labels = f.assign(&s.held_out(d))?;
                (ctx.progress)(1);
                Ok(odds_ratio_rows(&spec.name, &cohort_name(&internal.scheme, s), &labels, &s.test, &y_of(&s.test), k))
            })
            .collect();
        for o in outs {
            rows.extend(o.with_context(|| format!("model `{}`", spec.name))?);
        }
    }
    let train_rows: &[usize] = if single { &internal.splits[0].train } else { ctx.train_rows };
    let final_split = Split { label: "final".into(), train: train_rows.to_vec(), test: vec![] };
    let f = fit_subgroups(&final_split.train_set(d), plan, k, derive_seed(m.study.seed, 999))
        .with_context(|| format!("model `{}`, final fit on the training rows", spec.name))?;
    (ctx.progress)(1);
    let mut all = odds_ratio_rows(&spec.name, "train (apparent)", &f.train_labels, train_rows, &y_of(train_rows), k);
    if single {
        let s = &internal.splits[0];
        let labels = f.assign(&s.held_out(d)).with_context(|| format!("model `{}`, held-out rows", spec.name))?;
        all.extend(odds_ratio_rows(&spec.name, &cohort_name(&internal.scheme, s), &labels, &s.test, &y_of(&s.test), k));
    }
    all.extend(rows);
    for (name, r) in ctx.externals {
        let labels = f.assign(&rows_held_out(d, r)).with_context(|| format!("external centre `{name}`"))?;
        all.extend(odds_ratio_rows(&spec.name, &format!("external {name}"), &labels, r, &y_of(r), k));
    }
    Ok(ModelResult {
        model: spec.name.clone(),
        cohorts: vec![],
        threshold: f64::NAN,
        survival: false,
        threshold_rule: "none (unsupervised subgroups)".into(),
        intercept: f64::NAN,
        coefficients: f
            .columns
            .iter()
            .map(|&c| Coefficient { name: d.columns[c].clone(), coef: f64::NAN, frequency: f64::NAN })
            .collect(),
        trace: f.trace.clone(),
        n_splits: if loco { internal.splits.len() } else { 0 },
        design: format!("{} ({}, k = {k})", describe(&internal.scheme, m), spec.kind),
        tuning: vec![],
        baseline_survival: vec![],
        subgroups: all,
    })
}
