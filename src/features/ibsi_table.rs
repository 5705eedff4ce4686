//! `radstudy ibsi`: run the engine on all six IBSI 1 data sets and print pass counts per data
//! set and family, then every miss. The scoring rule itself lives in `ibsi_score`; this file
//! only runs and formats. Must not change what counts as a pass.

use super::ibsi_score::{load_reference, run_benchmark, IbsiDataSet, ScoreReport};
use rayon::prelude::*;
use std::fmt::Write as _;
use std::path::Path;

/// Scores of all six data sets, in IBSI order.
pub struct BenchmarkSummary {
    pub reports: Vec<ScoreReport>,
}

/// Every data set under `ibsi_dir` (the `ibsi/` reference folder).
pub const ALL_DATA_SETS: [IbsiDataSet; 6] = [
    IbsiDataSet::DigitalPhantom,
    IbsiDataSet::ConfigA,
    IbsiDataSet::ConfigB,
    IbsiDataSet::ConfigC,
    IbsiDataSet::ConfigD,
    IbsiDataSet::ConfigE,
];

/// Run and score every data set.
pub fn score_all(ibsi_dir: &Path) -> Result<BenchmarkSummary, String> {
    let rows = load_reference(&ibsi_dir.join("reference_values/ibsi_1_reference_values.csv"))?;
    let reports: Result<Vec<ScoreReport>, String> =
        ALL_DATA_SETS.par_iter().map(|&ds| run_benchmark(ibsi_dir, ds, &rows)).collect();
    Ok(BenchmarkSummary { reports: reports? })
}

impl BenchmarkSummary {
    /// A plain-text table: per data set and family, passed / total; then the misses.
    pub fn to_text(&self) -> String {
        let mut s = String::from(
            "IBSI 1 reference values: passed / scored (rule: 3 significant digits, then |Δ| ≤ tolerance)\n\n",
        );
        let families = ["morph", "li", "stats", "ih", "ivh", "glcm", "glrlm", "glszm", "gldzm", "ngtdm", "ngldm"];
        let _ = write!(s, "{:<14}", "data set");
        for f in families {
            let _ = write!(s, "{f:>10}");
        }
        let _ = writeln!(s, "{:>12}", "total");
        for r in &self.reports {
            let _ = write!(s, "{:<14}", r.data_set.key());
            for f in families {
                let (p, fl, nc) = r.totals(Some(f));
                let cell = if p + fl + nc == 0 { "-".to_string() } else { format!("{p}/{}", p + fl + nc) };
                let _ = write!(s, "{cell:>10}");
            }
            let (p, fl, nc) = r.totals(None);
            let _ = writeln!(s, "{:>12}", format!("{p}/{}", p + fl + nc));
        }
        for r in &self.reports {
            for m in &r.misses {
                let _ = writeln!(
                    s,
                    "miss {} {} {} [{}] {}: ours {:.6e}, reference {} ± {}",
                    r.data_set.key(),
                    m.family,
                    m.aggregation,
                    m.ibsi_code,
                    m.feature,
                    m.ours,
                    m.reference,
                    m.tolerance
                );
            }
        }
        s
    }
}
