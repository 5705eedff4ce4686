//! Neighbourhood grey tone difference matrix (IBSI 1, IPET): per grey level i the count n_i of
//! ROI voxels that have at least one ROI neighbour and the sum s_i of |i − mean neighbour
//! level|, neighbours being ROI voxels within Chebyshev distance δ. No features here.

use crate::features::texture::grid::{step, Grid};

/// NGTDM columns n_i and s_i for grey levels 1..=N_g (index i − 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Ngtdm {
    pub n: Vec<f64>,
    pub s: Vec<f64>,
}

impl Ngtdm {
    /// N_v,c = Σ n_i, voxels with a non-empty neighbourhood.
    pub fn n_valid(&self) -> f64 {
        self.n.iter().sum()
    }

    /// Merge by summing n_i and s_i (IBSI 2.5D aggregation).
    pub fn merge<'a>(n_levels: usize, parts: impl IntoIterator<Item = &'a Ngtdm>) -> Ngtdm {
        let mut out = Ngtdm { n: vec![0.0; n_levels], s: vec![0.0; n_levels] };
        for p in parts {
            for i in 0..n_levels.min(p.n.len()) {
                out.n[i] += p.n[i];
                out.s[i] += p.s[i];
            }
        }
        out
    }
}

/// Build the NGTDM over the linear `neighbourhood` offsets (grid padded by ≥ δ).
pub fn ngtdm_matrix(grid: &Grid, n_levels: usize, neighbourhood: &[isize]) -> Ngtdm {
    let mut out = Ngtdm { n: vec![0.0; n_levels], s: vec![0.0; n_levels] };
    for (idx, &l) in grid.levels.iter().enumerate() {
        if l == 0 {
            continue;
        }
        let (mut sum, mut w) = (0u64, 0u32);
        for &off in neighbourhood {
            let m = grid.levels[step(idx, off)];
            if m != 0 {
                sum += m as u64;
                w += 1;
            }
        }
        if w > 0 {
            let i = l as usize - 1;
            out.n[i] += 1.0;
            out.s[i] += (l as f64 - sum as f64 / w as f64).abs();
        }
    }
    out
}
