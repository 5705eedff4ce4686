//! Neighbouring grey level dependence matrix (IBSI 1, REK0): for every ROI voxel, dependence
//! j = 1 + number of ROI neighbours within Chebyshev distance δ whose grey level differs by
//! at most the coarseness α; counted per (grey level, j). No features here.

use super::CountMatrix;
use crate::features::texture::grid::{step, Grid};

/// NGLDM over the linear `neighbourhood` offsets (grid padded by ≥ δ); columns
/// j = 1..=neighbourhood size + 1.
pub fn ngldm_matrix(grid: &Grid, n_levels: usize, neighbourhood: &[isize], alpha: u32) -> CountMatrix {
    let n_cols = neighbourhood.len() + 1;
    let mut mat = CountMatrix::zeros(n_levels, n_cols, grid.n_roi as f64);
    for (idx, &l) in grid.levels.iter().enumerate() {
        if l == 0 {
            continue;
        }
        let mut j = 0;
        for &off in neighbourhood {
            let m = grid.levels[step(idx, off)];
            if m != 0 && m.abs_diff(l) <= alpha {
                j += 1;
            }
        }
        mat.counts[(l as usize - 1) * n_cols + j] += 1.0;
    }
    mat
}
