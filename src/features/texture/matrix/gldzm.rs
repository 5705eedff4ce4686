//! Grey level distance zone matrix (IBSI 1, VMDZ): zones as for the GLSZM, each counted at
//! its distance to the ROI border, i.e. the smallest Manhattan (face-step) distance of any
//! zone voxel to a voxel outside the morphological mask (image edge counts as outside;
//! border voxels have distance 1). No features here.

use super::glszm::label_zones;
use super::CountMatrix;
use crate::features::texture::grid::{step, Grid};

/// Distance of every morphological-mask voxel to the mask border (1 at the border, 0
/// outside), by breadth-first search over the linear `faces` offsets (6 in 3D, 4 in 2D).
pub fn border_distance(grid: &Grid, faces: &[isize]) -> Vec<u32> {
    let mut dist = vec![0u32; grid.morph.len()];
    let mut frontier = Vec::new();
    for (idx, &inside) in grid.morph.iter().enumerate() {
        if inside && faces.iter().any(|&f| !grid.morph[step(idx, f)]) {
            dist[idx] = 1;
            frontier.push(idx);
        }
    }
    let mut d = 1;
    while !frontier.is_empty() {
        d += 1;
        let mut next = Vec::new();
        for &v in &frontier {
            for &f in faces {
                let w = step(v, f);
                if grid.morph[w] && dist[w] == 0 {
                    dist[w] = d;
                    next.push(w);
                }
            }
        }
        frontier = next;
    }
    dist
}

/// GLDZM: counts of zones per (grey level, zone distance). Intensity-mask voxels outside the
/// morphological mask (not produced by re-segmentation) count as border voxels (distance 1).
pub fn gldzm_matrix(grid: &Grid, n_levels: usize, linkage: &[isize], faces: &[isize]) -> CountMatrix {
    let zones = label_zones(grid, linkage);
    let dist = border_distance(grid, faces);
    let mut zone_dist = vec![u32::MAX; zones.level.len()];
    for (idx, &lab) in zones.label.iter().enumerate() {
        if lab != 0 {
            let z = &mut zone_dist[lab as usize - 1];
            *z = (*z).min(dist[idx].max(1));
        }
    }
    let pairs: Vec<(u32, u32)> = zones.level.iter().copied().zip(zone_dist).collect();
    CountMatrix::from_pairs(n_levels, &pairs, grid.n_roi as f64)
}
