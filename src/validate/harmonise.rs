//! ComBat inside a split: fitted on the split's training rows (radiomics columns only, with
//! optional clinical covariates) and applied to its held-out rows. A held-out patient from a
//! batch the training rows did not contain gets a clear error naming the patient, the batch
//! and the manifest key — or, when the manifest says so, is left uncorrected.
//! Must not fit on held-out rows: `fit` takes a `TrainSet`, `apply` a `HeldOut`.

use super::split::{HeldOut, TrainSet};
use crate::harmonise::{combat_fit, CombatModel, CombatOptions, UnseenBatch};
use crate::manifest::CombatSpec;
use ndarray::{Array2, Axis};

/// What ComBat harmonises and how (resolved from `[harmonise] combat`).
#[derive(Debug, Clone)]
pub struct CombatPlan {
    /// Design-matrix columns of the clinical covariates to preserve.
    pub covariates: Vec<usize>,
    pub options: CombatOptions,
}

impl CombatPlan {
    /// From the manifest spec; `columns` are the design matrix column names.
    pub fn from_spec(spec: &CombatSpec, columns: &[String]) -> anyhow::Result<CombatPlan> {
        let covariates = spec
            .covariates
            .iter()
            .map(|c| {
                columns.iter().position(|x| x == c).ok_or_else(|| {
                    anyhow::anyhow!(
                        "manifest key `harmonise.combat.covariates`: `{c}` is not a clinical column of the study"
                    )
                })
            })
            .collect::<anyhow::Result<_>>()?;
        let unseen = if spec.unseen == "no_correction" { UnseenBatch::NoCorrection } else { UnseenBatch::Error };
        Ok(CombatPlan {
            covariates,
            options: CombatOptions { parametric: spec.parametric, unseen, ..Default::default() },
        })
    }
}

/// A ComBat model fitted on one split's training rows, for some radiomics columns.
#[derive(Debug, Clone)]
pub struct Harmoniser {
    /// Design-matrix columns harmonised (the model's radiomics candidates).
    pub columns: Vec<usize>,
    pub covariates: Vec<usize>,
    pub model: CombatModel,
}

impl Harmoniser {
    /// Fit on the training rows; returns the harmoniser and the harmonised training set.
    pub fn fit(train: &TrainSet, columns: &[usize], plan: &CombatPlan) -> anyhow::Result<(Harmoniser, TrainSet)> {
        let xr = train.x().select(Axis(1), columns);
        let cov = (!plan.covariates.is_empty()).then(|| train.x().select(Axis(1), &plan.covariates));
        let model = combat_fit(&xr, train.batch(), cov.as_ref(), &plan.options).map_err(|e| {
            anyhow::anyhow!(
                "ComBat on the training rows of this split failed: {e} (manifest key `harmonise.combat`; ComBat needs ≥ 2 batches with ≥ 2 training patients each)"
            )
        })?;
        let h = Harmoniser { columns: columns.to_vec(), covariates: plan.covariates.clone(), model };
        let harmonised = train.try_map_x(|x| h.transform(x, train.batch(), None))?;
        Ok((h, harmonised))
    }

    /// Harmonise held-out rows (unseen batches: error or no correction, as the manifest says).
    pub fn apply(&self, held: &HeldOut) -> anyhow::Result<Array2<f64>> {
        if self.model.options.unseen == UnseenBatch::Error {
            if let Some(k) = held.batch().iter().position(|b| self.model.batches.binary_search(b).is_err()) {
                anyhow::bail!(
                    "patient `{}` is from batch `{}`, which has no patient among this split's training rows (training batches: {}); ComBat cannot correct it — set `[harmonise] combat.unseen = \"no_correction\"` to leave such patients uncorrected, or choose a validation design whose training rows include that batch",
                    held.patients()[k],
                    held.batch()[k],
                    self.model.batches.join(", ")
                );
            }
        }
        self.transform(held.x(), held.batch(), Some(held.patients()))
    }

    fn transform(&self, x: &Array2<f64>, batch: &[String], patients: Option<&[String]>) -> anyhow::Result<Array2<f64>> {
        let xr = x.select(Axis(1), &self.columns);
        let cov = (!self.covariates.is_empty()).then(|| x.select(Axis(1), &self.covariates));
        let h = self.model.apply(&xr, batch, cov.as_ref()).map_err(|e| {
            let who = patients
                .map(|p| format!(" ({} patients, first `{}`)", p.len(), p.first().cloned().unwrap_or_default()));
            anyhow::anyhow!("ComBat could not harmonise rows{}: {e}", who.unwrap_or_default())
        })?;
        let mut out = x.clone();
        for (k, &c) in self.columns.iter().enumerate() {
            out.column_mut(c).assign(&h.column(k));
        }
        Ok(out)
    }
}

/// Held-out features, harmonised when a split fitted a harmoniser (borrowed otherwise).
pub fn held_features<'a>(
    harmoniser: Option<&Harmoniser>,
    held: &'a HeldOut,
) -> anyhow::Result<std::borrow::Cow<'a, Array2<f64>>> {
    Ok(match harmoniser {
        Some(h) => std::borrow::Cow::Owned(h.apply(held)?),
        None => std::borrow::Cow::Borrowed(held.x()),
    })
}
