//! Unsupervised radiomic subgroups inside a split: ComBat (optional) and an outcome-free
//! selection chain (default: variance + correlation) on the training rows, z-scoring fitted on
//! them, then k-means or Ward hierarchical clustering of the training rows; held-out rows join
//! the nearest training cluster centre. Labels are canonical (subgroup 1 = the largest training
//! cluster). Per cohort it reports the odds ratio of the outcome between subgroups (95% Woolf CI,
//! Fisher p), as Wang Q 2023 did for post-hepatectomy liver failure.
//! Must not fit on held-out rows and must not use the outcome unless the manifest's
//! `[[model]] select` asks for an outcome-based step.

use super::fit::{harmonise_and_select, FitPlan, StepTrace};
use super::harmonise::Harmoniser;
use super::split::{HeldOut, TrainSet};
use crate::model::hclust::{cut_tree, ward_linkage};
use crate::model::kmeans::{kmeans, KMeansParams};
use crate::model::odds_ratio::odds_ratio;
use crate::select::scale::Scaler;
use ndarray::{Array2, Axis};

/// Subgroups fitted on one split's training rows.
#[derive(Debug, Clone)]
pub struct SubgroupFit {
    pub harmoniser: Option<Harmoniser>,
    /// Design-matrix columns clustered.
    pub columns: Vec<usize>,
    pub scaler: Scaler,
    /// Cluster centres on the z-scored scale, row c = subgroup c.
    pub centres: Array2<f64>,
    /// Canonical labels of the training rows.
    pub train_labels: Vec<usize>,
    pub trace: Vec<StepTrace>,
}

/// One odds-ratio row: subgroup `exposed` against subgroup 1 (the reference) in one cohort.
#[derive(Debug, Clone, PartialEq)]
pub struct SubgroupRow {
    pub model: String,
    pub cohort: String,
    /// e.g. "subgroup 2 vs 1".
    pub comparison: String,
    pub n_exposed: usize,
    pub events_exposed: usize,
    pub n_reference: usize,
    pub events_reference: usize,
    pub odds_ratio: f64,
    pub ci95: [f64; 2],
    pub p_fisher: f64,
    /// True when a zero cell made the +0.5 correction necessary for OR and CI.
    pub haldane_corrected: bool,
    /// (cohort row index, in the exposed subgroup?) of every patient of the two subgroups,
    /// so a caller can relate the OR to per-patient data (e.g. a synthetic cohort's truth).
    pub members: Vec<(usize, bool)>,
}

/// Fit the clustering on the training rows.
pub fn fit_subgroups(train: &TrainSet, plan: &FitPlan, k: usize, seed: u64) -> anyhow::Result<SubgroupFit> {
    let name = &plan.spec.name;
    let (harmoniser, train, mut columns, trace) = harmonise_and_select(train, plan, seed)?;
    columns.extend_from_slice(plan.forced);
    if columns.is_empty() {
        anyhow::bail!("model `{name}`: no feature left to cluster after selection (manifest key `model.select`)");
    }
    if train.n() < k {
        anyhow::bail!(
            "model `{name}`: {} training patients for {k} clusters (manifest key `model.clusters`)",
            train.n()
        );
    }
    let sub = train.with_columns(&columns);
    let scaler = Scaler::fit(&sub);
    let z = scaler.apply(sub.x());
    let labels = match plan.spec.kind.as_str() {
        "hierarchical" => {
            let merges = ward_linkage(z.view()).map_err(|e| anyhow::anyhow!("model `{name}`: {e}"))?;
            cut_tree(&merges, z.nrows(), k).map_err(|e| anyhow::anyhow!("model `{name}`: {e}"))?
        }
        _ => {
            let p = KMeansParams { seed, ..KMeansParams::new(k) };
            kmeans(z.view(), &p).map_err(|e| anyhow::anyhow!("model `{name}`: {e}"))?.labels
        }
    };
    let n_groups = labels.iter().max().map_or(0, |&m| m + 1);
    let mut centres = Array2::<f64>::zeros((n_groups, z.ncols()));
    let mut counts = vec![0usize; n_groups];
    for (i, &l) in labels.iter().enumerate() {
        counts[l] += 1;
        let mut row = centres.row_mut(l);
        row += &z.row(i);
    }
    for (c, &n) in counts.iter().enumerate() {
        centres.row_mut(c).mapv_inplace(|v| v / n.max(1) as f64);
    }
    Ok(SubgroupFit { harmoniser, columns, scaler, centres, train_labels: labels, trace })
}

impl SubgroupFit {
    /// Subgroup of each held-out row: the nearest training centre (ties: the lower label).
    pub fn assign(&self, held: &HeldOut) -> anyhow::Result<Vec<usize>> {
        let x = super::harmonise::held_features(self.harmoniser.as_ref(), held)?;
        let z = self.scaler.apply(&x.select(Axis(1), &self.columns));
        Ok(z.rows()
            .into_iter()
            .map(|r| {
                let mut best = (f64::INFINITY, 0);
                for (c, centre) in self.centres.rows().into_iter().enumerate() {
                    let d: f64 = r.iter().zip(centre.iter()).map(|(a, b)| (a - b) * (a - b)).sum();
                    if d < best.0 {
                        best = (d, c);
                    }
                }
                best.1
            })
            .collect())
    }
}

/// Odds ratios of the outcome for every subgroup c ≥ 2 against subgroup 1 in one cohort;
/// `rows` are the cohort row indices that `labels` and `y` refer to (same order).
pub fn odds_ratio_rows(
    model: &str,
    cohort: &str,
    labels: &[usize],
    rows_of_labels: &[usize],
    y: &[f64],
    k: usize,
) -> Vec<SubgroupRow> {
    let mut rows = Vec::new();
    for c in 1..k {
        let idx: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == c || labels[i] == 0).collect();
        let exposed: Vec<bool> = idx.iter().map(|&i| labels[i] == c).collect();
        let outcome: Vec<bool> = idx.iter().map(|&i| y[i] == 1.0).collect();
        let count = |e: bool, o: Option<bool>| {
            exposed.iter().zip(&outcome).filter(|(&x, &out)| x == e && o.is_none_or(|o| o == out)).count()
        };
        let (or, ci, p, h) = match odds_ratio(&exposed, &outcome) {
            Ok(r) => (r.or, r.ci95, r.p_fisher, r.haldane_corrected),
            Err(_) => (f64::NAN, [f64::NAN; 2], f64::NAN, false),
        };
        rows.push(SubgroupRow {
            model: model.to_string(),
            cohort: cohort.to_string(),
            comparison: format!("subgroup {} vs 1", c + 1),
            n_exposed: count(true, None),
            events_exposed: count(true, Some(true)),
            n_reference: count(false, None),
            events_reference: count(false, Some(true)),
            odds_ratio: or,
            ci95: ci,
            p_fisher: p,
            haldane_corrected: h,
            members: idx
                .iter()
                .zip(&exposed)
                .map(|(&i, &e)| (rows_of_labels.get(i).copied().unwrap_or(i), e))
                .collect(),
        });
    }
    rows
}
