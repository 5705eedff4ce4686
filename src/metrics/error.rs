//! The error type shared by `metrics`, `select` and `stability`.
//! It only describes what is wrong with the input; it never carries partial results.

/// Why a statistic could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StatsError {
    /// Two input slices that must be parallel have different lengths.
    #[error("length mismatch: {what} has {got} values, expected {expected}")]
    LengthMismatch { what: &'static str, got: usize, expected: usize },
    /// A statistic needs at least one member of each class / group.
    #[error(
        "need at least {needed} observation(s) in each group, got {positives} positive(s) and {negatives} negative(s)"
    )]
    EmptyClass { needed: usize, positives: usize, negatives: usize },
    /// An input value is NaN or infinite.
    #[error("non-finite value in {0}")]
    NonFinite(&'static str),
    /// An argument is outside its valid range.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// No pair of subjects could be compared (concordance statistics).
    #[error("no comparable pairs")]
    NoComparablePairs,
    /// An iterative fit did not converge or hit a singular information matrix.
    #[error("fit did not converge: {0}")]
    NotConverged(String),
}

/// Result alias used throughout the statistics modules.
pub type Result<T> = std::result::Result<T, StatsError>;

/// Error unless `got == expected`.
pub(crate) fn check_len(what: &'static str, got: usize, expected: usize) -> Result<()> {
    if got == expected {
        Ok(())
    } else {
        Err(StatsError::LengthMismatch { what, got, expected })
    }
}

/// Error if any value is NaN or infinite.
pub(crate) fn check_finite(what: &'static str, x: &[f64]) -> Result<()> {
    if x.iter().all(|v| v.is_finite()) {
        Ok(())
    } else {
        Err(StatsError::NonFinite(what))
    }
}

/// Counts (positives, negatives) and errors unless both are at least `needed`.
pub(crate) fn class_counts(y: &[bool], needed: usize) -> Result<(usize, usize)> {
    let pos = y.iter().filter(|&&v| v).count();
    let neg = y.len() - pos;
    if pos < needed || neg < needed {
        return Err(StatsError::EmptyClass { needed, positives: pos, negatives: neg });
    }
    Ok((pos, neg))
}
