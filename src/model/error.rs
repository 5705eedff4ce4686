//! The error type shared by every model in `crate::model`. It only describes failures;
//! it must not log, print or recover.
use thiserror::Error;

/// Why a model could not be fitted or applied.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum ModelError {
    /// Shapes of X, y, times, folds or coefficients disagree.
    #[error("dimension mismatch: {0}")]
    DimensionMismatch(String),
    /// No rows, no events, a single class, etc.
    #[error("degenerate input: {0}")]
    Degenerate(String),
    /// NaN or infinite values in the input.
    #[error("non-finite value in {0}")]
    NonFinite(String),
    /// A parameter outside its valid range (C <= 0, alpha outside (0,1], ...).
    #[error("invalid parameter: {0}")]
    InvalidParameter(String),
    /// The Hessian (information matrix) is not positive definite: collinear covariates.
    #[error("singular information matrix: {0}")]
    Singular(String),
    /// Perfect or quasi-complete separation: the unpenalised MLE does not exist.
    #[error("separation detected after {iterations} iterations: {detail}")]
    Separation { iterations: usize, detail: String },
    /// The iteration limit was reached before the convergence criterion was met.
    #[error("no convergence after {iterations} iterations (last change {last_change:e})")]
    NotConverged { iterations: usize, last_change: f64 },
}
