//! Errors of ComBat harmonisation. They describe what is wrong with the input or which
//! fallback the study manifest must choose; they never carry partial results.
use thiserror::Error;

/// Why ComBat could not be fitted or applied.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum CombatError {
    /// Shapes of the data, batch labels or covariates disagree.
    #[error("dimension mismatch: {0}")]
    DimensionMismatch(String),
    /// NaN or infinite values (ComBat here needs complete data).
    #[error("non-finite value in {0}")]
    NonFinite(String),
    /// Fewer than two batches in the training rows: there is nothing to harmonise.
    #[error("ComBat needs at least two batches in the training rows, found {found}")]
    TooFewBatches { found: usize },
    /// A training batch has fewer than two rows, so its variance cannot be estimated.
    #[error("batch `{batch}` has {n} training row(s); ComBat needs at least 2 per batch")]
    BatchTooSmall { batch: String, n: usize },
    /// Empirical Bayes pools over features, so at least two are needed.
    #[error("ComBat's empirical Bayes priors need at least 2 features, got {0}")]
    TooFewFeatures(usize),
    /// The design (batch indicators + covariates) is singular: a covariate is constant or
    /// confounded with batch, so its effect cannot be separated from the batch effect.
    #[error("singular ComBat design (covariates confounded with batch?): {0}")]
    Confounded(String),
    /// The reference batch named in the options is not among the training batches.
    #[error("reference batch `{batch}` is not among the training batches")]
    UnknownReference { batch: String },
    /// Applying the model to a batch that was not in its training rows.
    #[error(
        "batch `{batch}` was not seen when ComBat was fitted; include it in the training rows or choose \
         a fallback for unseen batches in the manifest (no correction / pooled only)"
    )]
    UnseenBatch { batch: String },
    /// Covariates given at apply time do not match those used in fitting.
    #[error("covariate mismatch: {0}")]
    CovariateMismatch(String),
    /// The parametric empirical Bayes iteration did not reach the convergence criterion.
    #[error("parametric empirical Bayes did not converge for batch `{batch}` after {iterations} iterations")]
    NotConverged { batch: String, iterations: usize },
}
