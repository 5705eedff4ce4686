//! PyRadiomics 3.1 mesh-based shape coefficients (`cshape.calculate_coefficients`): marching
//! cubes over the mask padded by one zero voxel, every vertex at the midpoint of its edge,
//! cubes with corner 7 inside flipped to the first half of the table (with the volume sign
//! flipped), mesh volume as the signed sum of the triangles' tetrahedra with the origin,
//! surface area as the sum of triangle areas, and the maximum 3D / per-plane 2D diameters as
//! the largest distances between mesh vertices (2D: vertices sharing their z, y or x), found
//! by an exact pruned search.
//! The mask is in (z, y, x) order with spacing (z, y, x). This module must not use IBSI's
//! mesh conventions (isovalue interpolation, vertex merging, convex hulls).

use ndarray::Array3;

use super::mc_table::TRI_TABLE;

/// Cube corners (z, y, x) relative to the cube origin, in marching-cubes corner order.
const CORNERS: [[usize; 3]; 8] =
    [[0, 0, 0], [0, 0, 1], [0, 1, 1], [0, 1, 0], [1, 0, 0], [1, 0, 1], [1, 1, 1], [1, 1, 0]];

/// Corner pair of each of the 12 cube edges.
const EDGES: [[usize; 2]; 12] =
    [[0, 1], [1, 2], [2, 3], [3, 0], [4, 5], [5, 6], [6, 7], [7, 4], [0, 4], [1, 5], [2, 6], [3, 7]];

/// Mesh volume, surface area and diameters of one mask.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeshCoefficients {
    pub volume: f64,
    pub surface_area: f64,
    /// Largest vertex distance within a plane of constant z (`Maximum2DDiameterSlice`).
    pub diameter_slice: f64,
    /// … of constant y (`Maximum2DDiameterColumn`).
    pub diameter_column: f64,
    /// … of constant x (`Maximum2DDiameterRow`).
    pub diameter_row: f64,
    /// Largest distance between any two vertices (`Maximum3DDiameter`).
    pub diameter_3d: f64,
}

/// Edge midpoint in doubled index units (so every vertex has integer coordinates). i32 at half
/// the memory of i64: for masks below 2^28 voxels along every axis (far beyond any image),
/// coordinates stay below 2^29, so their differences and the sums of three (`proj`) fit too.
fn edge_vertex2(origin: [usize; 3], edge: usize) -> [i32; 3] {
    let [a, b] = EDGES[edge];
    std::array::from_fn(|d| (2 * origin[d] + CORNERS[a][d] + CORNERS[b][d]) as i32)
}

/// Compute the mesh coefficients of a (z, y, x) mask with spacing (z, y, x) in mm.
pub fn coefficients(mask: &Array3<bool>, spacing: [f64; 3]) -> MeshCoefficients {
    let (nz, ny, nx) = mask.dim();
    // Pad by one zero voxel on every side (flat, row-major).
    let size = [nz + 2, ny + 2, nx + 2];
    let (sy, sz) = (size[2], size[1] * size[2]);
    let mut padded = vec![0u8; size[0] * sz];
    for ((z, y, x), &m) in mask.indexed_iter() {
        padded[(z + 1) * sz + (y + 1) * sy + x + 1] = u8::from(m);
    }
    // Rows (z, y) holding some mask voxel: a cube whose four corner rows hold none is empty.
    let row_any: Vec<bool> = padded.chunks_exact(sy).map(|r| r.iter().any(|&m| m != 0)).collect();
    let corner_off: [usize; 8] = std::array::from_fn(|c| CORNERS[c][0] * sz + CORNERS[c][1] * sy + CORNERS[c][2]);

    let mut volume = 0.0;
    let mut area = 0.0;
    // Vertices (doubled index coordinates), one per crossed grid edge: the three edges from
    // corner 7 of every cube cover each grid edge exactly once.
    let mut vertices: Vec<[i32; 3]> = Vec::new();
    for iz in 0..size[0] - 1 {
        for iy in 0..size[1] - 1 {
            let r = iz * size[1] + iy;
            if !(row_any[r] || row_any[r + 1] || row_any[r + size[1]] || row_any[r + size[1] + 1]) {
                continue;
            }
            let row = &padded[iz * sz + iy * sy..];
            for ix in 0..size[2] - 1 {
                let mut idx = 0u8;
                for (c, &off) in corner_off.iter().enumerate() {
                    idx |= row[ix + off] << c;
                }
                if idx == 0 {
                    continue;
                }
                let origin = [iz, iy, ix];
                for edge in [6usize, 7, 11] {
                    let [a, b] = EDGES[edge];
                    if (idx >> a) & 1 != (idx >> b) & 1 {
                        vertices.push(edge_vertex2(origin, edge));
                    }
                }
                let sign = if idx & 0x80 != 0 {
                    idx ^= 0xff;
                    -1.0
                } else {
                    1.0
                };
                if idx == 0 || idx >= 128 {
                    continue;
                }
                let tris = &TRI_TABLE[idx as usize];
                for tri in tris.chunks(3).take_while(|t| t[0] >= 0) {
                    let p: [[f64; 3]; 3] = std::array::from_fn(|k| {
                        let v = edge_vertex2(origin, tri[k] as usize);
                        std::array::from_fn(|d| v[d] as f64 * 0.5 * spacing[d])
                    });
                    let [a, b, c] = p;
                    volume += sign * dot(cross(a, b), c);
                    let ac: [f64; 3] = std::array::from_fn(|d| a[d] - c[d]);
                    let bc: [f64; 3] = std::array::from_fn(|d| b[d] - c[d]);
                    area += 0.5 * norm(cross(ac, bc));
                }
            }
        }
    }
    let d = diameters(&vertices, spacing);
    MeshCoefficients {
        volume: volume / 6.0,
        surface_area: area,
        diameter_slice: d[0],
        diameter_column: d[1],
        diameter_row: d[2],
        diameter_3d: d[3],
    }
}

/// Largest squared vertex distances (same z, same y, same x, any), square-rooted; the same
/// maxima as comparing every pair (`dist` below, the formula PyRadiomics uses), found faster:
/// only the vertices at the ends of their axis-parallel lines take part (`line_ends`), 2D
/// diameters compare only vertices of one plane, and every search skips pairs of vertex
/// blocks whose bounding boxes cannot hold a pair farther apart than the best so far (the
/// bound uses the same rounded arithmetic on larger differences, so it is never too small).
fn diameters(v: &[[i32; 3]], spacing: [f64; 3]) -> [f64; 4] {
    let half = spacing.map(|s| 0.5 * s);
    let dist = |p: &[i32; 3], q: &[i32; 3]| {
        let dz = (p[0] - q[0]) as f64 * half[0];
        let dy = (p[1] - q[1]) as f64 * half[1];
        let dx = (p[2] - q[2]) as f64 * half[2];
        dz * dz + dy * dy + dx * dx
    };
    let ends = line_ends(v);
    // Raster order is kept: vertex blocks stay compact for the pruned search.
    let ends_along = |axes: u8| -> Vec<[i32; 3]> {
        v.iter().zip(&ends).filter(|(_, &e)| e & axes == axes).map(|(p, _)| *p).collect()
    };
    let mut best = [0.0f64; 4];
    for axis in 0..3 {
        // Within a plane of constant `axis`, only lines along the two other axes stay inside.
        let mut sorted = ends_along(0b111 & !(1 << axis));
        sorted.sort_by_key(|p| p[axis]);
        for plane in sorted.chunk_by(|a, b| a[axis] == b[axis]) {
            best[axis] = best[axis].max(diameter_3d(plane, &dist));
        }
    }
    best[3] = diameter_3d(&ends_along(0b111), &dist);
    best.map(f64::sqrt)
}

/// For each vertex, bit `d` set when it is the first or the last vertex of its line parallel
/// to axis `d` (the vertices sharing its two other coordinates). A vertex strictly inside
/// such a line is never needed for a largest distance: moving it to the line's end farther
/// from any partner makes one coordinate difference strictly larger and leaves the other two
/// unchanged, so the rounded `dist` cannot decrease, and repeating this ends at a vertex that
/// is an end along every axis considered (the exact distance grows at each step). Vertices
/// sharing a plane stay in it when moved along the plane's two axes.
fn line_ends(v: &[[i32; 3]]) -> Vec<u8> {
    let mut ends = vec![0u8; v.len()];
    if v.is_empty() {
        return ends;
    }
    let lo: [i32; 3] = std::array::from_fn(|d| v.iter().map(|p| p[d]).min().unwrap_or(0));
    let ext: [usize; 3] = std::array::from_fn(|d| (v.iter().map(|p| p[d]).max().unwrap_or(0) - lo[d]) as usize + 1);
    for axis in 0..3 {
        let (a, b) = match axis {
            0 => (1, 2),
            1 => (0, 2),
            _ => (0, 1),
        };
        let line = |p: &[i32; 3]| (p[a] - lo[a]) as usize * ext[b] + (p[b] - lo[b]) as usize;
        let mut range = vec![(i32::MAX, i32::MIN); ext[a] * ext[b]];
        for p in v {
            let r = &mut range[line(p)];
            *r = (r.0.min(p[axis]), r.1.max(p[axis]));
        }
        for (p, e) in v.iter().zip(ends.iter_mut()) {
            let (first, last) = range[line(p)];
            if p[axis] == first || p[axis] == last {
                *e |= 1 << axis;
            }
        }
    }
    ends
}

/// Largest `dist` over all vertex pairs, by blocks of consecutive vertices (raster order keeps
/// them close together) with bounding-box pruning.
fn diameter_3d(v: &[[i32; 3]], dist: &impl Fn(&[i32; 3], &[i32; 3]) -> f64) -> f64 {
    const BLOCK: usize = 32;
    let boxes: Vec<([i32; 3], [i32; 3])> = v
        .chunks(BLOCK)
        .map(|c| {
            let lo = std::array::from_fn(|d| c.iter().map(|p| p[d]).min().unwrap_or(0));
            let hi = std::array::from_fn(|d| c.iter().map(|p| p[d]).max().unwrap_or(0));
            (lo, hi)
        })
        .collect();
    // Start from the extreme vertices along the axes and diagonals: usually (near) the answer.
    let dirs: [[i32; 3]; 13] = [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
        [1, 1, 0],
        [1, -1, 0],
        [1, 0, 1],
        [1, 0, -1],
        [0, 1, 1],
        [0, 1, -1],
        [1, 1, 1],
        [1, 1, -1],
        [1, -1, 1],
        [1, -1, -1],
    ];
    let proj = |p: &[i32; 3], d: &[i32; 3]| p[0] * d[0] + p[1] * d[1] + p[2] * d[2];
    let mut best = 0.0f64;
    for d in &dirs {
        if let (Some(a), Some(b)) = (v.iter().min_by_key(|p| proj(p, d)), v.iter().max_by_key(|p| proj(p, d))) {
            best = best.max(dist(a, b));
        }
    }
    for (bi, (alo, ahi)) in boxes.iter().enumerate() {
        for (bj, (blo, bhi)) in boxes.iter().enumerate().skip(bi) {
            let far: [i32; 3] = std::array::from_fn(|d| (ahi[d] - blo[d]).abs().max((bhi[d] - alo[d]).abs()));
            if dist(&far, &[0, 0, 0]) <= best {
                continue;
            }
            let a = &v[bi * BLOCK..((bi + 1) * BLOCK).min(v.len())];
            let b = &v[bj * BLOCK..((bj + 1) * BLOCK).min(v.len())];
            for (i, p) in a.iter().enumerate() {
                let start = if bi == bj { i + 1 } else { 0 };
                for q in &b[start..] {
                    best = best.max(dist(p, q));
                }
            }
        }
    }
    best
}

fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[1] * b[2] - b[1] * a[2], a[2] * b[0] - b[2] * a[0], a[0] * b[1] - b[0] * a[1]]
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a.iter().zip(b.iter()).map(|(x, y)| x * y).sum()
}

fn norm(a: [f64; 3]) -> f64 {
    dot(a, a).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every pair of vertices (half-voxel units), the definition the pruned search must match.
    fn all_pairs_diameters(v: &[[i32; 3]], spacing: [f64; 3]) -> [f64; 4] {
        let half = spacing.map(|s| 0.5 * s);
        let mut brute = [0.0f64; 4];
        for (i, p) in v.iter().enumerate() {
            for q in &v[i + 1..] {
                let d: [f64; 3] = std::array::from_fn(|k| (p[k] - q[k]) as f64 * half[k]);
                let dist = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
                for k in 0..3 {
                    if p[k] == q[k] {
                        brute[k] = brute[k].max(dist);
                    }
                }
                brute[3] = brute[3].max(dist);
            }
        }
        brute.map(f64::sqrt)
    }

    #[test]
    fn pruned_diameters_equal_all_pairs() {
        // Pseudo-random vertices (several blocks): the pruned search must find the same maxima.
        let mut state = 12345u64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 33) % 41) as i32
        };
        let v: Vec<[i32; 3]> = (0..500).map(|_| [next(), next(), next()]).collect();
        let spacing = [2.5, 0.7, 0.9];
        assert_eq!(diameters(&v, spacing), all_pairs_diameters(&v, spacing));
    }

    #[test]
    fn pruned_plane_diameters_equal_all_pairs_on_flat_sets() {
        // Few planes with many vertices each (several blocks per plane), as thick CT slices give.
        let mut state = 987u64;
        let mut next = |m: u64| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 33) % m) as i32
        };
        let v: Vec<[i32; 3]> = (0..1500).map(|_| [next(3), next(97), next(89)]).collect();
        let spacing = [5.0, 0.626_953_1, 0.626_953_1];
        assert_eq!(diameters(&v, spacing), all_pairs_diameters(&v, spacing));
    }

    #[test]
    fn line_ends_keep_the_diameters_of_dense_sets() {
        // Every lattice point of an off-centre ellipsoid: long axis-parallel lines, most of
        // whose points are dropped as line interiors.
        let mut v = Vec::new();
        for z in -6i32..=6 {
            for y in -9i32..=9 {
                for x in -11i32..=11 {
                    if (z * z) as f64 / 36.0 + (y * y) as f64 / 81.0 + ((x - 1) * (x - 1)) as f64 / 110.0 <= 1.0 {
                        v.push([z, y, x]);
                    }
                }
            }
        }
        let ends = line_ends(&v);
        assert!(ends.iter().filter(|&&e| e == 0b111).count() * 4 < v.len());
        let spacing = [3.3, 0.7031, 0.7031];
        assert_eq!(diameters(&v, spacing), all_pairs_diameters(&v, spacing));
    }

    #[test]
    fn single_voxel_is_an_octahedron() {
        // One voxel: 8 corner triangles of the octahedron with vertices at the face centres.
        let m = Array3::from_elem((1, 1, 1), true);
        let c = coefficients(&m, [1.0, 1.0, 1.0]);
        assert!((c.volume - 1.0 / 6.0).abs() < 1e-12, "{}", c.volume);
        let tri = 3f64.sqrt() / 4.0 * 0.5; // equilateral triangle with side √½
        assert!((c.surface_area - 8.0 * tri).abs() < 1e-12, "{}", c.surface_area);
        assert!((c.diameter_3d - 1.0).abs() < 1e-12);
    }
}
