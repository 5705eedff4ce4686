//! Triangle mesh of a binary mask by marching cubes (IBSI 1 "mesh-based representation").
//!
//! The mask is implicitly padded with one layer of background voxels and meshed at iso-level
//! 0.5, so every vertex is the midpoint of two neighbouring voxel centres. Vertices are kept
//! exactly as integer "lattice" coordinates in half-voxel units (`2 * index + offset`, index
//! of the unpadded grid), which makes later convex-hull predicates exact. Physical positions
//! are `lattice * spacing / 2` in the grid frame (mm). This module must not compute features.

use super::mc_table::{case_table, corner_offset, cube_edges};
use ndarray::Array3;
use std::collections::HashMap;

/// Closed, consistently oriented triangle mesh (outward normals).
#[derive(Debug, Clone, Default)]
pub struct Mesh {
    /// Vertices in half-voxel lattice units.
    pub lattice: Vec<[i64; 3]>,
    /// Triangles as vertex indices; `(b - a) x (c - a)` points out of the mask.
    pub faces: Vec<[u32; 3]>,
}

impl Mesh {
    /// Vertex positions in mm in the grid frame: `lattice * spacing / 2`.
    pub fn vertices_mm(&self, spacing: [f64; 3]) -> Vec<[f64; 3]> {
        self.lattice.iter().map(|p| lattice_to_mm(*p, spacing)).collect()
    }
}

/// Half-voxel lattice point to mm (grid frame).
pub fn lattice_to_mm(p: [i64; 3], spacing: [f64; 3]) -> [f64; 3] {
    [p[0] as f64 * spacing[0] * 0.5, p[1] as f64 * spacing[1] * 0.5, p[2] as f64 * spacing[2] * 0.5]
}

/// Marching cubes of `mask` (true = inside) at level 0.5 with zero padding.
/// Returns an empty mesh when the mask has no voxel set.
pub fn marching_cubes(mask: &Array3<bool>) -> Mesh {
    let Some((lo, hi)) = bounding_box(mask) else {
        return Mesh::default();
    };
    let table = case_table();
    let edges = cube_edges();
    let shape = mask.shape();
    let at = |p: [i64; 3]| -> bool {
        if (0..3).any(|a| p[a] < 0 || p[a] >= shape[a] as i64) {
            return false;
        }
        mask[[p[0] as usize, p[1] as usize, p[2] as usize]]
    };
    let mut mesh = Mesh::default();
    let mut index: HashMap<[i64; 3], u32> = HashMap::new();
    for k in lo[2] - 1..=hi[2] {
        for j in lo[1] - 1..=hi[1] {
            for i in lo[0] - 1..=hi[0] {
                let mut config = 0usize;
                for c in 0..8u8 {
                    let o = corner_offset(c);
                    if at([i + o[0], j + o[1], k + o[2]]) {
                        config |= 1 << c;
                    }
                }
                for tri in &table[config] {
                    let mut ids = [0u32; 3];
                    for (slot, &e) in ids.iter_mut().zip(tri.iter()) {
                        let (a, b) = (corner_offset(edges[e as usize][0]), corner_offset(edges[e as usize][1]));
                        let p = [2 * i + a[0] + b[0], 2 * j + a[1] + b[1], 2 * k + a[2] + b[2]];
                        *slot = *index.entry(p).or_insert_with(|| {
                            mesh.lattice.push(p);
                            (mesh.lattice.len() - 1) as u32
                        });
                    }
                    mesh.faces.push(ids);
                }
            }
        }
    }
    mesh
}

/// Inclusive index bounding box of the true voxels, or `None` for an empty mask.
pub fn bounding_box(mask: &Array3<bool>) -> Option<([i64; 3], [i64; 3])> {
    let mut lo = [i64::MAX; 3];
    let mut hi = [i64::MIN; 3];
    for ((i, j, k), &v) in mask.indexed_iter() {
        if v {
            for (a, x) in [i, j, k].into_iter().enumerate() {
                lo[a] = lo[a].min(x as i64);
                hi[a] = hi[a].max(x as i64);
            }
        }
    }
    (lo[0] <= hi[0]).then_some((lo, hi))
}

/// Enclosed volume |sum a.(b x c) / 6| of a closed triangle mesh (IBSI RNU0).
pub fn mesh_volume(vertices: &[[f64; 3]], faces: &[[u32; 3]]) -> f64 {
    let c = centroid(vertices);
    let mut sum = 0.0;
    for f in faces {
        let [a, b, d] = f.map(|i| sub(vertices[i as usize], c));
        sum += dot(a, cross(b, d));
    }
    (sum / 6.0).abs()
}

/// Surface area sum |ab x ac| / 2 of a triangle mesh (IBSI C0JK).
pub fn mesh_area(vertices: &[[f64; 3]], faces: &[[u32; 3]]) -> f64 {
    faces
        .iter()
        .map(|f| {
            let [a, b, c] = f.map(|i| vertices[i as usize]);
            norm(cross(sub(b, a), sub(c, a))) * 0.5
        })
        .sum()
}

pub(crate) fn centroid(points: &[[f64; 3]]) -> [f64; 3] {
    if points.is_empty() {
        return [0.0; 3];
    }
    let mut c = [0.0; 3];
    for p in points {
        for a in 0..3 {
            c[a] += p[a];
        }
    }
    c.map(|x| x / points.len() as f64)
}

pub(crate) fn sub(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

pub(crate) fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

pub(crate) fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}

pub(crate) fn norm(a: [f64; 3]) -> f64 {
    dot(a, a).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use std::f64::consts::PI;

    /// Every directed edge appears once and its reverse once: closed and consistently oriented.
    fn assert_closed_oriented(mesh: &Mesh) {
        let mut count: HashMap<(u32, u32), i32> = HashMap::new();
        for f in &mesh.faces {
            for e in 0..3 {
                *count.entry((f[e], f[(e + 1) % 3])).or_default() += 1;
            }
        }
        for (&(a, b), &n) in &count {
            assert_eq!(n, 1, "directed edge used {n} times");
            assert_eq!(count.get(&(b, a)), Some(&1), "edge without opposite");
        }
    }

    #[test]
    fn single_voxel_is_an_octahedron() {
        let mut m = Array3::from_elem((1, 1, 1), true);
        let mesh = marching_cubes(&m);
        assert_eq!(mesh.lattice.len(), 6);
        assert_eq!(mesh.faces.len(), 8);
        assert_closed_oriented(&mesh);
        // Octahedron with half-diagonals 0.5 mm: volume 4/3 * 0.5^3.
        let v = mesh_volume(&mesh.vertices_mm([1.0; 3]), &mesh.faces);
        assert!((v - 4.0 / 3.0 * 0.125).abs() < 1e-12);
        m[[0, 0, 0]] = false;
        assert!(marching_cubes(&m).faces.is_empty());
    }

    #[test]
    fn random_masks_give_closed_oriented_meshes_with_positive_volume() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for _ in 0..30 {
            let m = Array3::from_shape_fn((6, 5, 4), |_| rng.random::<f64>() < 0.5);
            let mesh = marching_cubes(&m);
            assert_closed_oriented(&mesh);
            let verts = mesh.vertices_mm([1.0, 2.0, 3.0]);
            let c = centroid(&verts);
            let signed: f64 = mesh
                .faces
                .iter()
                .map(|f| {
                    let [a, b, d] = f.map(|i| sub(verts[i as usize], c));
                    dot(a, cross(b, d)) / 6.0
                })
                .sum();
            if !mesh.faces.is_empty() {
                assert!(signed > 0.0, "outward normals give positive signed volume");
            }
        }
    }

    #[test]
    fn sphere_volume_and_area_approach_analytic_values() {
        // Ball of radius 20 voxels (1 mm): the mesh volume is within 1 % of 4/3 pi r^3; marching
        // cubes on binary input over-estimates the area of smooth surfaces (staircase facets,
        // about +8 % for a ball; Lindblad 2005), so the area must lie in [1, 1.1] x 4 pi r^2.
        let r = 20.0f64;
        let n = 45;
        let c = (n as f64 - 1.0) / 2.0;
        let m = Array3::from_shape_fn((n, n, n), |(i, j, k)| {
            let d2 = (i as f64 - c).powi(2) + (j as f64 - c).powi(2) + (k as f64 - c).powi(2);
            d2 <= r * r
        });
        let mesh = marching_cubes(&m);
        assert_closed_oriented(&mesh);
        let verts = mesh.vertices_mm([1.0; 3]);
        let v = mesh_volume(&verts, &mesh.faces);
        let a = mesh_area(&verts, &mesh.faces);
        let (v0, a0) = (4.0 / 3.0 * PI * r.powi(3), 4.0 * PI * r * r);
        assert!((v / v0 - 1.0).abs() < 0.01, "volume {v} vs {v0}");
        assert!(a / a0 > 1.0 && a / a0 < 1.1, "area {a} vs {a0}");
    }
}
