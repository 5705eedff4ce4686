//! Grey level size zone matrix (IBSI 1, 9SAK) and the zone labelling it shares with the GLDZM:
//! a zone is a maximal set of ROI voxels with equal grey level connected through the
//! `linkage` displacements (26-connectivity in 3D, 8 in-plane for δ = 1). No features here.

use super::CountMatrix;
use crate::features::texture::grid::{step, Grid};

/// Zones of a grid: `label[idx]` (zone number + 1, 0 outside the ROI) and per zone its
/// grey level and size.
pub struct Zones {
    pub label: Vec<u32>,
    pub level: Vec<u32>,
    pub size: Vec<u32>,
}

/// Label zones by flood fill over the linear `linkage` offsets (grid padded by ≥ the
/// linkage distance).
pub fn label_zones(grid: &Grid, linkage: &[isize]) -> Zones {
    let mut label = vec![0u32; grid.levels.len()];
    let (mut level, mut size) = (Vec::new(), Vec::new());
    let mut stack = Vec::new();
    // Levels of the voxels not yet labelled (labelling sets 0): one load per neighbour test.
    let mut open = grid.levels.clone();
    for start in 0..open.len() {
        let l = open[start];
        if l == 0 {
            continue;
        }
        let id = level.len() as u32 + 1;
        label[start] = id;
        open[start] = 0;
        stack.push(start);
        let mut n = 0u32;
        while let Some(v) = stack.pop() {
            n += 1;
            for &off in linkage {
                let w = step(v, off);
                if open[w] == l {
                    open[w] = 0;
                    label[w] = id;
                    stack.push(w);
                }
            }
        }
        level.push(l);
        size.push(n);
    }
    Zones { label, level, size }
}

/// GLSZM: counts of zones per (grey level, zone size).
pub fn glszm_matrix(grid: &Grid, n_levels: usize, linkage: &[isize]) -> CountMatrix {
    let zones = label_zones(grid, linkage);
    let pairs: Vec<(u32, u32)> = zones.level.iter().copied().zip(zones.size.iter().copied()).collect();
    CountMatrix::from_pairs(n_levels, &pairs, grid.n_roi as f64)
}
