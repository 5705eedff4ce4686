//! Errors of the feature engine. Only the type; no logic.

/// Why features could not be computed for an image/mask pair.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FeatureError {
    /// Image, mask (or reference mask) do not share a voxel grid.
    #[error("image and mask grids differ: {0}")]
    Geometry(String),
    /// The ROI has no voxels (at the named processing step).
    #[error("empty ROI {0}")]
    EmptyRoi(&'static str),
    /// The settings are inconsistent or out of range.
    #[error("invalid settings: {0}")]
    Settings(String),
    /// A processing step or feature family reported an error.
    #[error("{0}")]
    Processing(String),
}
