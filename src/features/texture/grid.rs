//! Flat, zero-padded voxel grid that every texture matrix builder walks, plus the IBSI
//! direction and neighbourhood offset sets. Padding makes every neighbour lookup within the
//! padding width an in-bounds read of level 0 ("outside the ROI"), so hot loops need no
//! bounds checks. This module computes no matrix and no feature.

use ndarray::ArrayView3;

/// Grey levels (0 = outside the intensity mask) and the morphological mask on a padded grid.
/// Linear index = (i * nj + j) * nk + k, i.e. k (the slice axis) runs fastest.
pub struct Grid {
    /// Padded shape.
    pub dims: [usize; 3],
    /// Grey level per voxel, 0 outside the ROI and in the padding.
    pub levels: Vec<u32>,
    /// Morphological mask per voxel, false in the padding.
    pub morph: Vec<bool>,
    /// Number of voxels with level > 0.
    pub n_roi: usize,
}

impl Grid {
    /// Copy `levels`/`morph` into a grid padded by `pad[a]` voxels on both sides of axis a.
    pub fn new(levels: ArrayView3<u32>, morph: ArrayView3<bool>, pad: [usize; 3]) -> Grid {
        let s = levels.shape();
        let dims = [s[0] + 2 * pad[0], s[1] + 2 * pad[1], s[2] + 2 * pad[2]];
        let total = dims[0] * dims[1] * dims[2];
        let mut grid = Grid { dims, levels: vec![0; total], morph: vec![false; total], n_roi: 0 };
        // Row by row along the last axis (each row's padded copy is contiguous).
        let n2 = s[2];
        for (i, (lplane, mplane)) in levels.outer_iter().zip(morph.outer_iter()).enumerate() {
            for (j, (lrow, mrow)) in lplane.rows().into_iter().zip(mplane.rows()).enumerate() {
                let at = grid.index(i + pad[0], j + pad[1], pad[2]);
                for ((dst, dm), (&l, &m)) in
                    grid.levels[at..at + n2].iter_mut().zip(&mut grid.morph[at..at + n2]).zip(lrow.iter().zip(mrow))
                {
                    (*dst, *dm) = (l, m);
                }
                grid.n_roi += lrow.iter().filter(|&&l| l > 0).count();
            }
        }
        grid
    }

    /// Linear index of padded coordinates (i, j, k).
    pub fn index(&self, i: usize, j: usize, k: usize) -> usize {
        (i * self.dims[1] + j) * self.dims[2] + k
    }

    /// Linear offset of the displacement (di, dj, dk).
    pub fn offset(&self, d: [i32; 3]) -> isize {
        (d[0] as isize * self.dims[1] as isize + d[1] as isize) * self.dims[2] as isize + d[2] as isize
    }

    /// Linear offsets of a list of displacements.
    pub fn offsets(&self, ds: &[[i32; 3]]) -> Vec<isize> {
        ds.iter().map(|&d| self.offset(d)).collect()
    }
}

/// Move a linear index by a linear offset. Callers guarantee (through padding) that the
/// result stays inside the grid.
#[inline]
pub fn step(idx: usize, off: isize) -> usize {
    (idx as isize + off) as usize
}

/// The 4 in-plane IBSI directions (k fixed): (1,0,0), (1,1,0), (0,1,0), (1,-1,0).
pub const DIRECTIONS_2D: [[i32; 3]; 4] = [[1, 0, 0], [1, 1, 0], [0, 1, 0], [1, -1, 0]];

/// The 13 unique 3D directions of the Chebyshev-1 neighbourhood (one of each ± pair).
pub const DIRECTIONS_3D: [[i32; 3]; 13] = [
    [0, 0, 1],
    [0, 1, 0],
    [1, 0, 0],
    [0, 1, 1],
    [0, 1, -1],
    [1, 0, 1],
    [1, 0, -1],
    [1, 1, 0],
    [1, -1, 0],
    [1, 1, 1],
    [1, 1, -1],
    [1, -1, 1],
    [1, -1, -1],
];

/// All displacements m ≠ 0 with Chebyshev norm ‖m‖∞ ≤ `delta`; in-plane only (m_k = 0)
/// when `in_plane`.
pub fn chebyshev_neighbourhood(delta: u32, in_plane: bool) -> Vec<[i32; 3]> {
    let d = delta as i32;
    let dk = if in_plane { 0 } else { d };
    let mut out = Vec::new();
    for a in -d..=d {
        for b in -d..=d {
            for c in -dk..=dk {
                if (a, b, c) != (0, 0, 0) {
                    out.push([a, b, c]);
                }
            }
        }
    }
    out
}

/// The face neighbours (Manhattan distance 1): 6 in 3D, 4 in-plane.
pub fn face_neighbours(in_plane: bool) -> Vec<[i32; 3]> {
    let mut out = vec![[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0]];
    if !in_plane {
        out.push([0, 0, 1]);
        out.push([0, 0, -1]);
    }
    out
}
