//! Publication-quality figures. Every public function takes plain, already-computed numbers
//! and returns the same drawing as an SVG string and a 300-dpi-style PNG. This module must
//! not compute statistics (AUCs, survival, calibration, …); it only draws what it is given.
mod axes;
mod canvas;
pub mod font;
mod legend;
mod png;
mod style;

pub mod calibration;
pub mod coefficients;
pub mod decision_curve;
pub mod forest;
pub mod histogram;
pub mod kaplan_meier;
pub mod nomogram;
pub mod roc;
pub mod time_auc;

pub use calibration::{calibration, CalibrationBin, CalibrationSeries};
pub use coefficients::coefficients;
pub use decision_curve::decision_curve;
pub use forest::{forest, ForestRow};
pub use histogram::{histogram, histogram_panels, HistogramPanel};
pub use kaplan_meier::{kaplan_meier, KmSeries};
pub use nomogram::{nomogram, NomogramTick, NomogramVar};
pub use roc::{roc, RocSeries};
pub use time_auc::{time_auc, TimeAucSeries};

use std::path::{Path, PathBuf};

/// One rendered figure: the same drawing as standalone SVG text and PNG bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figure {
    pub svg: String,
    pub png: Vec<u8>,
}

impl Figure {
    /// Writes `<dir>/<stem>.svg` and `<dir>/<stem>.png`; returns both paths (SVG first).
    pub fn write_files(&self, dir: &Path, stem: &str) -> std::io::Result<Vec<PathBuf>> {
        std::fs::create_dir_all(dir)?;
        let svg = dir.join(format!("{stem}.svg"));
        let png = dir.join(format!("{stem}.png"));
        std::fs::write(&svg, &self.svg)?;
        std::fs::write(&png, &self.png)?;
        Ok(vec![svg, png])
    }
}

/// Why a figure could not be drawn.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum PlotError {
    /// The input data cannot be drawn (empty, mismatched lengths, no finite values, …).
    #[error("invalid plot input: {0}")]
    InvalidInput(String),
    /// The drawing backend or the PNG encoder failed.
    #[error("rendering failed: {0}")]
    Render(String),
}

/// Errors unless `a` and `b` have the same length.
fn check_same_len(what: &str, a: usize, b: usize) -> Result<(), PlotError> {
    if a == b {
        Ok(())
    } else {
        Err(PlotError::InvalidInput(format!("{what}: lengths differ ({a} vs {b})")))
    }
}
