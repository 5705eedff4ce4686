//! Fitting one split: ComBat (optional), the selection chain, scaling and the final model
//! (hyperparameters tuned by inner CV over the manifest grid), all from a `TrainSet`
//! (training rows only), giving a `FittedModel` that predicts any `HeldOut` rows.
//! Must not see held-out rows: nothing here accepts them except `FittedModel::predict`.

use super::harmonise::{CombatPlan, Harmoniser};
use super::split::{stratified_fold_ids, HeldOut, TrainSet};
use crate::manifest::{LambdaRule, ModelSpec, SelectStep};
use crate::model::cox::{fit_cox, Surv, Ties};
use crate::model::cox_baseline::{breslow_baseline, BaselineHazard};
use crate::model::lasso_select;
use crate::model::logistic::{self, LogisticFit, LogisticOptions, Penalty};
use crate::select::correlation::correlation_filter;
use crate::select::scale::Scaler;
use crate::select::univariate;
use crate::select::{kbest, mrmr, rfe};
use ndarray::{Array1, Array2, Axis};

/// Features left after one selection step (for the report's funnel table).
#[derive(Debug, Clone, PartialEq)]
pub struct StepTrace {
    pub step: String,
    pub remaining: usize,
}

/// The fitted final model of a split.
#[derive(Debug, Clone)]
pub enum Fitted {
    Logistic(LogisticFit),
    Forest(crate::model::forest::RandomForest),
    Svm(crate::model::platt::CalibratedSvm),
    Boosting(crate::model::boosting::GradientBoosting),
    /// Cox proportional hazards (Efron ties): coefficients on the standardised scale and the
    /// Breslow baseline cumulative hazard of the training rows (for absolute risk).
    Cox {
        coef: Array1<f64>,
        baseline: BaselineHazard,
    },
    /// No feature survived selection (forest / SVM / boosting need ≥ 1): the training
    /// event rate for every row.
    Prior(f64),
}

/// Everything one split's fit needs besides its training rows.
#[derive(Debug, Clone, Copy)]
pub struct FitPlan<'a> {
    /// Radiomics candidate columns (ComBat and the selection chain act on these).
    pub candidates: &'a [usize],
    /// Clinical columns always kept.
    pub forced: &'a [usize],
    pub steps: &'a [SelectStep],
    pub spec: &'a ModelSpec,
    pub combat: Option<&'a CombatPlan>,
    /// Inner stratified folds for grid tuning.
    pub inner_folds: usize,
    /// Clustering models: the correlation step keeps the earlier column of a pair (no outcome).
    pub unsupervised: bool,
}

/// Hyperparameters of the final model (manifest values, or the grid's choice).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HyperParams {
    pub c: f64,
    pub n_trees: Option<usize>,
    pub max_depth: Option<usize>,
    pub learning_rate: Option<f64>,
}

impl HyperParams {
    pub fn from_spec(spec: &ModelSpec) -> HyperParams {
        HyperParams { c: spec.c, n_trees: spec.n_trees, max_depth: spec.max_depth, learning_rate: spec.learning_rate }
    }
    /// Set one grid key.
    pub fn with(mut self, key: &str, v: f64) -> HyperParams {
        match key {
            "c" => self.c = v,
            "n_trees" => self.n_trees = Some(v.round().max(1.0) as usize),
            "max_depth" => self.max_depth = Some(v.round().max(1.0) as usize),
            "learning_rate" => self.learning_rate = Some(v),
            _ => {}
        }
        self
    }
}

/// The grid point inner CV chose for one split, and its mean inner-fold AUC / C-index.
#[derive(Debug, Clone, PartialEq)]
pub struct Tuned {
    pub params: Vec<(String, f64)>,
    pub score: f64,
}

/// A model fitted on one split's training rows.
#[derive(Debug, Clone)]
pub struct FittedModel {
    /// Columns of the full design matrix the model uses, in order.
    pub columns: Vec<usize>,
    pub harmoniser: Option<Harmoniser>,
    pub scaler: Scaler,
    pub fit: Fitted,
    pub trace: Vec<StepTrace>,
    pub tuned: Option<Tuned>,
}

impl FittedModel {
    /// The prediction for held-out rows: the probability for classifiers, the risk score
    /// (linear predictor) for Cox models. Fails only on a ComBat batch unseen in training.
    pub fn predict(&self, held: &HeldOut) -> anyhow::Result<Vec<f64>> {
        let x = super::harmonise::held_features(self.harmoniser.as_ref(), held)?;
        Ok(self.predict_matrix(&x))
    }

    fn predict_matrix(&self, x: &Array2<f64>) -> Vec<f64> {
        let xs = self.scaler.apply(&x.select(Axis(1), &self.columns));
        let nan = || vec![f64::NAN; x.nrows()];
        match &self.fit {
            Fitted::Logistic(f) => logistic::predict_proba(f, &xs).map(|p| p.to_vec()).unwrap_or_else(|_| nan()),
            Fitted::Cox { coef, .. } => xs.dot(coef).to_vec(),
            Fitted::Forest(f) => f.predict_proba(xs.view()).map(|p| p.to_vec()).unwrap_or_else(|_| nan()),
            Fitted::Svm(f) => f.predict_proba(xs.view()).map(|p| p.to_vec()).unwrap_or_else(|_| nan()),
            Fitted::Boosting(f) => f.predict_proba(xs.view()).map(|p| p.to_vec()).unwrap_or_else(|_| nan()),
            Fitted::Prior(p) => vec![*p; x.nrows()],
        }
    }

    /// Cox: absolute risk 1 − S(t | η) by time t from this split's Breslow baseline (None otherwise).
    pub fn absolute_risk(&self, eta: &[f64], t: f64) -> Option<Vec<f64>> {
        match &self.fit {
            Fitted::Cox { baseline, .. } => Some(eta.iter().map(|&e| baseline.absolute_risk(t, e)).collect()),
            _ => None,
        }
    }

    /// Cox: baseline survival S0(t) (a patient at the training means) at time t.
    pub fn baseline_survival(&self, t: f64) -> Option<f64> {
        match &self.fit {
            Fitted::Cox { baseline, .. } => Some(baseline.survival(t, 0.0)),
            _ => None,
        }
    }

    /// Intercept (0 for Cox) and coefficients, standardised scale.
    pub fn coefficients(&self) -> (f64, Vec<f64>) {
        match &self.fit {
            Fitted::Logistic(f) => (f.intercept, f.coef.to_vec()),
            Fitted::Cox { coef, .. } => (0.0, coef.to_vec()),
            Fitted::Forest(_) | Fitted::Svm(_) | Fitted::Boosting(_) | Fitted::Prior(_) => {
                (f64::NAN, vec![f64::NAN; self.columns.len()])
            }
        }
    }
}

/// Fit one split: hyperparameters by inner CV over the model's grid (if any, each inner fit
/// being the whole pipeline on inner-training rows), then ComBat, selection, scaling and the
/// model on all of `train` with the chosen values. `seed` drives every inner fold.
pub fn fit_split(train: &TrainSet, plan: &FitPlan, seed: u64) -> anyhow::Result<FittedModel> {
    match &plan.spec.grid {
        Some(grid) if !grid.is_empty() => {
            let (params, tuned) = super::tune::grid_search(train, plan, grid, seed)?;
            let mut f = fit_with(train, plan, &params, seed)?;
            f.tuned = Some(tuned);
            Ok(f)
        }
        _ => fit_with(train, plan, &HyperParams::from_spec(plan.spec), seed),
    }
}

/// What `harmonise_and_select` returns: harmoniser, harmonised training set, kept columns, funnel.
pub type Selected = (Option<Harmoniser>, TrainSet, Vec<usize>, Vec<StepTrace>);

/// ComBat (optional) then the selection chain on the radiomics candidates; returns the
/// harmoniser, the (harmonised) training set, the kept radiomics columns and the funnel.
pub fn harmonise_and_select(train: &TrainSet, plan: &FitPlan, seed: u64) -> anyhow::Result<Selected> {
    let (harmoniser, train) = match plan.combat {
        Some(c) if !plan.candidates.is_empty() => {
            let (h, t) = Harmoniser::fit(train, plan.candidates, c)?;
            (Some(h), t)
        }
        _ => (None, train.clone()),
    };
    let mut cols: Vec<usize> = plan.candidates.to_vec();
    let mut trace = vec![StepTrace { step: "candidates".into(), remaining: cols.len() }];
    for step in plan.steps {
        if cols.is_empty() {
            break;
        }
        let sub = train.with_columns(&cols);
        let keep = apply_step(&sub, step, seed, plan.unsupervised)?;
        cols = keep.into_iter().map(|k| cols[k]).collect();
        trace.push(StepTrace { step: step_label(step), remaining: cols.len() });
    }
    Ok((harmoniser, train, cols, trace))
}

/// The whole pipeline with fixed hyperparameters.
pub fn fit_with(train: &TrainSet, plan: &FitPlan, params: &HyperParams, seed: u64) -> anyhow::Result<FittedModel> {
    let spec = plan.spec;
    let (harmoniser, train, mut columns, trace) = harmonise_and_select(train, plan, seed)?;
    columns.extend_from_slice(plan.forced);
    let sub = train.with_columns(&columns);
    let scaler = Scaler::fit(&sub);
    let scaled = sub.map_x(|x| scaler.apply(x));
    let fit = if spec.kind == "cox" {
        let coef = if columns.is_empty() {
            Array1::zeros(0)
        } else {
            fit_cox(scaled.x(), &surv_of(&scaled), Ties::Efron, 100)
                .map_err(|e| anyhow::anyhow!("model `{}`: {e}", spec.name))?
                .coef
        };
        let eta = scaled.x().dot(&coef).to_vec();
        let baseline =
            breslow_baseline(&surv_of(&scaled), &eta).map_err(|e| anyhow::anyhow!("model `{}`: {e}", spec.name))?;
        Fitted::Cox { coef, baseline }
    } else if columns.is_empty() && spec.kind != "logistic" {
        Fitted::Prior(scaled.y().mean().unwrap_or(f64::NAN))
    } else {
        fit_classifier(&scaled, spec, params, seed).map_err(|e| anyhow::anyhow!("model `{}`: {e}", spec.name))?
    };
    Ok(FittedModel { columns, harmoniser, scaler, fit, trace, tuned: None })
}

/// A binary classifier on scaled training rows.
fn fit_classifier(
    train: &TrainSet,
    spec: &ModelSpec,
    hp: &HyperParams,
    seed: u64,
) -> Result<Fitted, crate::model::ModelError> {
    use crate::model::{boosting, forest, platt, svm};
    let yb: Vec<bool> = train.y().iter().map(|&v| v == 1.0).collect();
    let x = train.x().view();
    Ok(match spec.kind.as_str() {
        "random_forest" => {
            let mut p = forest::ForestParams { seed, max_depth: hp.max_depth, ..Default::default() };
            if let Some(n) = hp.n_trees {
                p.n_trees = n;
            }
            Fitted::Forest(forest::fit_random_forest(x, &yb, &p)?)
        }
        "gradient_boosting" => {
            let mut p = boosting::BoostingParams { seed, ..Default::default() };
            if let Some(n) = hp.n_trees {
                p.n_trees = n;
            }
            if let Some(d) = hp.max_depth {
                p.max_depth = d;
            }
            if let Some(l) = hp.learning_rate {
                p.learning_rate = l;
            }
            Fitted::Boosting(boosting::fit_gradient_boosting(x, &yb, &p)?)
        }
        "svm" => {
            let kernel = match spec.kernel.as_deref() {
                Some("linear") => svm::Kernel::Linear,
                _ => svm::Kernel::Rbf { gamma: None },
            };
            let params = svm::SvmParams { kernel, c: hp.c, ..Default::default() };
            let minority = yb.iter().filter(|&&v| v).count().min(yb.iter().filter(|&&v| !v).count());
            let folds = platt::stratified_kfold_unshuffled(&yb, minority.clamp(2, 5))?;
            Fitted::Svm(platt::fit_calibrated_svm(x, &yb, &params, &folds)?)
        }
        _ => {
            let penalty = match spec.penalty.as_str() {
                "l2" => Penalty::L2 { c: hp.c },
                _ => Penalty::None,
            };
            let opts = LogisticOptions { penalty, ..Default::default() };
            Fitted::Logistic(logistic::fit_logistic(train.x(), train.y(), &opts)?)
        }
    })
}

/// Survival outcome of a training set.
fn surv_of(train: &TrainSet) -> Surv {
    Surv { time: train.time().to_vec(), event: train.y().iter().map(|&e| e == 1.0).collect() }
}

pub(crate) fn is_survival(train: &TrainSet) -> bool {
    train.time().iter().any(|t| t.is_finite())
}

fn step_label(step: &SelectStep) -> String {
    match step {
        SelectStep::Variance { min } => format!("variance > {min}"),
        SelectStep::MannWhitney { p, fdr } => format!("Mann–Whitney {} < {p}", if *fdr { "BH q" } else { "p" }),
        SelectStep::Correlation { max_abs_r } => format!("|Pearson r| ≤ {max_abs_r}"),
        SelectStep::Lasso { rule, .. } => {
            format!("L1 logistic (λ {})", if *rule == LambdaRule::Min { "min" } else { "1-SE" })
        }
        SelectStep::KBest { k } => format!("{k} best (univariate p)"),
        SelectStep::Cox { p } => format!("univariate Cox p < {p}"),
        SelectStep::Percentile { pct } => format!("top {pct}% (Mann–Whitney p)"),
        SelectStep::Mrmr { k } => format!("mRMR (FCQ) k = {k}"),
        SelectStep::Rfe { k, c, .. } => format!("RFE (L2 logistic, C = {c}) to {k}"),
    }
}

/// One selection step on the training rows; returns kept positions within `train`'s columns.
fn apply_step(train: &TrainSet, step: &SelectStep, seed: u64, unsupervised: bool) -> anyhow::Result<Vec<usize>> {
    let x = train.x();
    let y = train.y();
    let p = x.ncols();
    Ok(match step {
        SelectStep::Variance { min } => (0..p).filter(|&j| column_variance(x, j) > *min).collect(),
        SelectStep::MannWhitney { p: alpha, fdr } => {
            let pv = mwu_pvalues(x, y);
            let q = if *fdr { univariate::benjamini_hochberg(&pv) } else { pv };
            (0..p).filter(|&j| q[j] < *alpha).collect()
        }
        SelectStep::Cox { p: alpha } => {
            let pv = cox_pvalues(train);
            (0..p).filter(|&j| pv[j] < *alpha).collect()
        }
        SelectStep::KBest { k } if is_survival(train) => {
            let pv = cox_pvalues(train);
            let mut order: Vec<usize> = (0..p).collect();
            order.sort_by(|&a, &b| pv[a].total_cmp(&pv[b]).then(a.cmp(&b)));
            let mut keep: Vec<usize> = order.into_iter().take(*k).collect();
            keep.sort_unstable();
            keep
        }
        SelectStep::KBest { k } => kbest::k_best(x, y, kbest::UnivariateScore::MannWhitneyP, *k),
        SelectStep::Percentile { pct } => kbest::percentile_best(x, y, kbest::UnivariateScore::MannWhitneyP, *pct),
        SelectStep::Mrmr { k } => {
            let mut keep = mrmr::mrmr_fcq(x, y, (*k).min(p));
            keep.sort_unstable();
            keep
        }
        SelectStep::Rfe { k, c, step } => {
            let opts = rfe::RfeOptions { c: *c, step: rfe::RfeStep::Count((*step).max(1)), standardize: true };
            rfe::rfe_logistic(x, y, (*k).min(p), &opts)?.selected
        }
        SelectStep::Correlation { max_abs_r } => {
            // clustering models: no outcome; of a correlated pair the earlier column is kept
            let rel = if unsupervised { vec![0.0; p] } else { relevance(train) };
            correlation_filter(x, &rel, *max_abs_r)
        }
        SelectStep::Lasso { folds, rule, max_features } => {
            let scaler = Scaler::fit(train);
            let z = scaler.apply(x);
            let folds = (*folds).min(min_class(y)).max(2);
            let ids = stratified_fold_ids(y, folds, seed ^ 0x1A55_0000);
            let use_min = *rule == LambdaRule::Min;
            let coef = if is_survival(train) {
                lasso_select::lasso_cox_cv_coefficients(&z, train.time(), y, &ids, use_min)?
            } else {
                lasso_select::lasso_logistic_cv_coefficients(&z, y, &ids, use_min)?
            };
            let mut keep: Vec<usize> = (0..p).filter(|&j| coef[j] != 0.0).collect();
            if let Some(m) = max_features {
                keep.sort_by(|&a, &b| coef[b].abs().total_cmp(&coef[a].abs()).then(a.cmp(&b)));
                keep.truncate(*m);
                keep.sort_unstable();
            }
            keep
        }
    })
}

fn min_class(y: &Array1<f64>) -> usize {
    let pos = y.iter().filter(|&&v| v == 1.0).count();
    pos.min(y.len() - pos)
}

fn column_variance(x: &Array2<f64>, j: usize) -> f64 {
    let c = x.column(j);
    let n = c.len() as f64;
    let m = c.sum() / n;
    c.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0).max(1.0)
}

/// Two-sided Mann–Whitney p per column (positives vs negatives); 1 where undefined.
fn mwu_pvalues(x: &Array2<f64>, y: &Array1<f64>) -> Vec<f64> {
    (0..x.ncols())
        .map(|j| {
            let c = x.column(j);
            let pos: Vec<f64> = c.iter().zip(y).filter(|(_, &t)| t == 1.0).map(|(v, _)| *v).collect();
            let neg: Vec<f64> = c.iter().zip(y).filter(|(_, &t)| t != 1.0).map(|(v, _)| *v).collect();
            univariate::mann_whitney_u(&pos, &neg).map(|r| r.p).unwrap_or(1.0)
        })
        .collect()
}

/// Univariate relevance per column: |AUC − 0.5| (binary) or |Harrell C − 0.5| (survival).
fn relevance(train: &TrainSet) -> Vec<f64> {
    let x = train.x();
    let y = train.y();
    let yb: Vec<bool> = y.iter().map(|&v| v == 1.0).collect();
    (0..x.ncols())
        .map(|j| {
            let col = x.column(j).to_vec();
            let v = if is_survival(train) {
                crate::model::coxnet_cv::harrell_c(&train.time().to_vec(), &yb, &col)
            } else {
                crate::metrics::binary::auc(&yb, &col).unwrap_or(0.5)
            };
            if v.is_finite() {
                (v - 0.5).abs()
            } else {
                0.0
            }
        })
        .collect()
}

/// Two-sided Wald p of a univariate Cox (Efron) fit per column; 1 where the fit fails.
fn cox_pvalues(train: &TrainSet) -> Vec<f64> {
    let surv = surv_of(train);
    (0..train.x().ncols())
        .map(|j| {
            let col = train.x().select(Axis(1), &[j]);
            match fit_cox(&col, &surv, Ties::Efron, 50) {
                Ok(f) if f.se[0] > 0.0 => crate::metrics::distributions::normal_two_sided_p(f.coef[0] / f.se[0]),
                _ => 1.0,
            }
        })
        .collect()
}
