//! Grey level co-occurrence matrices (IBSI 1, LFYI): one symmetric N_g × N_g count matrix per
//! direction. Pairs count only when both voxels lie in the ROI. No features here.

use super::CountMatrix;
use crate::features::texture::grid::{step, Grid};

/// Symmetric GLCM of each direction `m` at distance `delta` (pairs (k, k + δm) and
/// (k + δm, k)). The grid must be padded by at least `delta` along every axis where m ≠ 0.
pub fn glcm_matrices(grid: &Grid, n_levels: usize, directions: &[[i32; 3]], delta: u32) -> Vec<CountMatrix> {
    let d = delta as i32;
    let offsets: Vec<isize> = directions.iter().map(|m| grid.offset([m[0] * d, m[1] * d, m[2] * d])).collect();
    let mut mats: Vec<CountMatrix> =
        directions.iter().map(|_| CountMatrix::zeros(n_levels, n_levels, grid.n_roi as f64)).collect();
    let n = n_levels;
    for (idx, &a) in grid.levels.iter().enumerate() {
        if a == 0 {
            continue;
        }
        let ra = (a as usize - 1) * n;
        for (mat, &off) in mats.iter_mut().zip(&offsets) {
            let b = grid.levels[step(idx, off)];
            if b != 0 {
                let rb = (b as usize - 1) * n;
                mat.counts[ra + b as usize - 1] += 1.0;
                mat.counts[rb + a as usize - 1] += 1.0;
            }
        }
    }
    mats
}
