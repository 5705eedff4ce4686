//! Fitting one split: the selection chain, scaling and the final model, all from a
//! `TrainSet` (training rows only), giving a `FittedModel` that predicts any rows.
//! Must not see held-out rows: nothing here accepts them except `FittedModel::predict`.

use super::split::{stratified_fold_ids, TrainSet};
use crate::manifest::{LambdaRule, ModelSpec, SelectStep};
use crate::model::cox::{fit_cox, Surv, Ties};
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
    /// Cox proportional hazards (Efron ties): coefficients on the standardised scale.
    Cox {
        coef: Array1<f64>,
    },
}

/// A model fitted on one split's training rows.
#[derive(Debug, Clone)]
pub struct FittedModel {
    /// Columns of the full design matrix the model uses, in order.
    pub columns: Vec<usize>,
    pub scaler: Scaler,
    pub fit: Fitted,
    pub trace: Vec<StepTrace>,
}

impl FittedModel {
    /// The prediction for any rows of the full design matrix: the probability for logistic
    /// models, the risk score (linear predictor) for Cox models.
    pub fn predict(&self, x: &Array2<f64>) -> Vec<f64> {
        let xs = self.scaler.apply(&x.select(Axis(1), &self.columns));
        let nan = || vec![f64::NAN; x.nrows()];
        match &self.fit {
            Fitted::Logistic(f) => logistic::predict_proba(f, &xs).map(|p| p.to_vec()).unwrap_or_else(|_| nan()),
            Fitted::Cox { coef } => xs.dot(coef).to_vec(),
            Fitted::Forest(f) => f.predict_proba(xs.view()).map(|p| p.to_vec()).unwrap_or_else(|_| nan()),
            Fitted::Svm(f) => f.predict_proba(xs.view()).map(|p| p.to_vec()).unwrap_or_else(|_| nan()),
            Fitted::Boosting(f) => f.predict_proba(xs.view()).map(|p| p.to_vec()).unwrap_or_else(|_| nan()),
        }
    }

    /// Intercept (0 for Cox) and coefficients, standardised scale.
    pub fn coefficients(&self) -> (f64, Vec<f64>) {
        match &self.fit {
            Fitted::Logistic(f) => (f.intercept, f.coef.to_vec()),
            Fitted::Cox { coef } => (0.0, coef.to_vec()),
            Fitted::Forest(_) | Fitted::Svm(_) | Fitted::Boosting(_) => (f64::NAN, vec![f64::NAN; self.columns.len()]),
        }
    }
}

/// Run the selection chain on `candidates` (radiomics columns), then fit the model on the
/// survivors plus `forced` columns (clinical inputs). `seed` drives inner CV folds.
pub fn fit_split(
    train: &TrainSet,
    candidates: &[usize],
    forced: &[usize],
    steps: &[SelectStep],
    spec: &ModelSpec,
    seed: u64,
) -> anyhow::Result<FittedModel> {
    let mut cols: Vec<usize> = candidates.to_vec();
    let mut trace = vec![StepTrace { step: "candidates".into(), remaining: cols.len() }];
    for step in steps {
        if cols.is_empty() {
            break;
        }
        let sub = train.with_columns(&cols);
        let keep = apply_step(&sub, step, seed)?;
        cols = keep.into_iter().map(|k| cols[k]).collect();
        trace.push(StepTrace { step: step_label(step), remaining: cols.len() });
    }
    let mut columns = cols;
    columns.extend_from_slice(forced);
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
        Fitted::Cox { coef }
    } else {
        fit_classifier(&scaled, spec, seed).map_err(|e| anyhow::anyhow!("model `{}`: {e}", spec.name))?
    };
    Ok(FittedModel { columns, scaler, fit, trace })
}

/// A binary classifier on scaled training rows.
fn fit_classifier(train: &TrainSet, spec: &ModelSpec, seed: u64) -> Result<Fitted, crate::model::ModelError> {
    use crate::model::{boosting, forest, platt, svm};
    let yb: Vec<bool> = train.y().iter().map(|&v| v == 1.0).collect();
    let x = train.x().view();
    Ok(match spec.kind.as_str() {
        "random_forest" => {
            let mut p = forest::ForestParams { seed, max_depth: spec.max_depth, ..Default::default() };
            if let Some(n) = spec.n_trees {
                p.n_trees = n;
            }
            Fitted::Forest(forest::fit_random_forest(x, &yb, &p)?)
        }
        "gradient_boosting" => {
            let mut p = boosting::BoostingParams { seed, ..Default::default() };
            if let Some(n) = spec.n_trees {
                p.n_trees = n;
            }
            if let Some(d) = spec.max_depth {
                p.max_depth = d;
            }
            if let Some(l) = spec.learning_rate {
                p.learning_rate = l;
            }
            Fitted::Boosting(boosting::fit_gradient_boosting(x, &yb, &p)?)
        }
        "svm" => {
            let kernel = match spec.kernel.as_deref() {
                Some("linear") => svm::Kernel::Linear,
                _ => svm::Kernel::Rbf { gamma: None },
            };
            let params = svm::SvmParams { kernel, c: spec.c, ..Default::default() };
            let minority = yb.iter().filter(|&&v| v).count().min(yb.iter().filter(|&&v| !v).count());
            let folds = platt::stratified_kfold_unshuffled(&yb, minority.clamp(2, 5))?;
            Fitted::Svm(platt::fit_calibrated_svm(x, &yb, &params, &folds)?)
        }
        _ => {
            let penalty = match spec.penalty.as_str() {
                "l2" => Penalty::L2 { c: spec.c },
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

fn is_survival(train: &TrainSet) -> bool {
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
fn apply_step(train: &TrainSet, step: &SelectStep, seed: u64) -> anyhow::Result<Vec<usize>> {
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
            let rel = relevance(train);
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
