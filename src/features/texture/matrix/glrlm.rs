//! Grey level run length matrices (IBSI 1, TP0I): one N_g × (longest possible run) count
//! matrix per direction; a run is a maximal line of ROI voxels with equal grey level along
//! the direction. No features here.

use super::CountMatrix;
use crate::features::texture::grid::{step, Grid};

/// GLRLM of each direction. The grid must be padded by at least 1 along every axis, so runs
/// stop at the padding (level 0). `n_voxels` of each matrix = ROI voxels of the grid.
pub fn glrlm_matrices(grid: &Grid, n_levels: usize, directions: &[[i32; 3]]) -> Vec<CountMatrix> {
    let max_run = grid.dims.iter().copied().max().unwrap_or(0);
    directions
        .iter()
        .map(|&m| {
            let off = grid.offset(m);
            let mut mat = CountMatrix::zeros(n_levels, max_run, grid.n_roi as f64);
            for (idx, &l) in grid.levels.iter().enumerate() {
                if l == 0 || grid.levels[step(idx, -off)] == l {
                    continue; // outside, or not the first voxel of its run
                }
                let mut len = 1;
                let mut next = step(idx, off);
                while grid.levels[next] == l {
                    len += 1;
                    next = step(next, off);
                }
                mat.counts[(l as usize - 1) * max_run + len - 1] += 1.0;
            }
            mat
        })
        .collect()
}
