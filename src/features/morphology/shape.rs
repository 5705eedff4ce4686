//! Evaluates the 29 IBSI morphological feature values (in `FEATURES` order) from the
//! morphological mask, the intensity mask and the image. Formulas follow IBSI 1 section
//! "Morphological features"; helpers live in the sibling modules. This module must not emit
//! `Feature` records (mod.rs does) nor alter the masks.

use super::bbox::{aabb_dims, box_volume_area, ombb_dims};
use super::ellipsoid::{ellipsoid_area, mvee_semi_axes, MVEE_TOLERANCE};
use super::hull::convex_hull;
use super::linalg::symmetric_eigen3;
use super::mesh::{centroid, cross, dot, lattice_to_mm, marching_cubes, mesh_area, mesh_volume, norm, sub, Mesh};
use super::spatial::moran_geary;
use crate::image::volume::Volume;
use ndarray::Array3;
use std::collections::{BTreeMap, BTreeSet};
use std::f64::consts::PI;

/// Convex hull of the mesh in mm: vertices, volume, area and distinct facet normals.
struct HullMm {
    vertices: Vec<[f64; 3]>,
    volume: f64,
    area: f64,
    normals: Vec<[f64; 3]>,
}

/// Feature values in `super::FEATURES` order.
pub fn morphology_values(morph_mask: &Volume<bool>, image: &Volume<f32>, intensity_mask: &Array3<bool>) -> [f64; 29] {
    let nan = f64::NAN;
    let spacing = morph_mask.spacing;
    let morph_points = voxel_centres(&morph_mask.data, spacing);
    if morph_points.is_empty() {
        return [nan; 29];
    }
    let mesh = marching_cubes(&morph_mask.data);
    let verts = mesh.vertices_mm(spacing);
    let v = mesh_volume(&verts, &mesh.faces);
    let a = mesh_area(&verts, &mesh.faces);
    let voxel_volume = morph_points.len() as f64 * spacing.iter().product::<f64>();

    // Intensity-mask voxels (only when the grids agree).
    let same_grid = image.shape() == morph_mask.shape() && intensity_mask.shape() == morph_mask.data.shape();
    let (int_points, int_values) = if same_grid { intensity_voxels(image, intensity_mask) } else { (vec![], vec![]) };

    let com_shift = centre_of_mass_shift(&morph_points, &int_points, &int_values);
    let hull = hull_mm(&mesh, spacing);
    let diameter = hull.as_ref().map_or(nan, |h| max_pairwise_distance(&h.vertices));

    let pca = pca_eigenvalues(&morph_points);
    // Round-off can make a zero eigenvalue slightly negative; clamp it but keep NaN.
    let [l_least, l_minor, l_major] = pca.unwrap_or([nan; 3]).map(|l| if l < 0.0 { 0.0 } else { l });
    let semi = [l_major, l_minor, l_least].map(|l| 2.0 * l.sqrt());
    let ratio = |num: f64, den: f64| if den > 0.0 { (num / den).sqrt() } else { nan };

    let (aabb_v, aabb_a) = box_volume_area(aabb_dims(&verts));
    let (ombb_v, ombb_a) = hull.as_ref().map_or((nan, nan), |h| box_volume_area(ombb_dims(&h.vertices, &h.normals)));
    let aee_v = 4.0 * PI * semi[0] * semi[1] * semi[2] / 3.0;
    let aee_a = ellipsoid_area(semi);
    let mvee = hull.as_ref().and_then(|h| {
        let c = centroid(&h.vertices);
        let centred: Vec<[f64; 3]> = h.vertices.iter().map(|p| sub(*p, c)).collect();
        mvee_semi_axes(&centred, MVEE_TOLERANCE)
    });
    let (mvee_v, mvee_a) = mvee.map_or((nan, nan), |s| (4.0 * PI * s[0] * s[1] * s[2] / 3.0, ellipsoid_area(s)));
    let (hull_v, hull_a) = hull.as_ref().map_or((nan, nan), |h| (h.volume, h.area));
    let density = |num: f64, den: f64| if den > 0.0 { num / den } else { nan };

    let mean_int = if int_values.is_empty() { nan } else { int_values.iter().sum::<f64>() / int_values.len() as f64 };
    let (moran, geary) = moran_geary(&int_points, &int_values);

    [
        v,
        voxel_volume,
        a,
        density(a, v),
        density(v, PI.sqrt() * a.powf(1.5)),
        density(36.0 * PI * v * v, a.powi(3)),
        density(a, (36.0 * PI * v * v).cbrt()),
        density((36.0 * PI * v * v).cbrt(), a),
        density(a, (36.0 * PI * v * v).cbrt()) - 1.0,
        com_shift,
        diameter,
        2.0 * semi[0],
        2.0 * semi[1],
        2.0 * semi[2],
        ratio(l_minor, l_major),
        ratio(l_least, l_major),
        density(v, aabb_v),
        density(a, aabb_a),
        density(v, ombb_v),
        density(a, ombb_a),
        density(v, aee_v),
        density(a, aee_a),
        density(v, mvee_v),
        density(a, mvee_a),
        density(v, hull_v),
        density(a, hull_a),
        v * mean_int,
        moran,
        geary,
    ]
}

/// Voxel-centre positions (mm, grid frame) of the true voxels, in memory order.
fn voxel_centres(mask: &Array3<bool>, spacing: [f64; 3]) -> Vec<[f64; 3]> {
    mask.indexed_iter()
        .filter(|(_, &m)| m)
        .map(|((i, j, k), _)| [i as f64 * spacing[0], j as f64 * spacing[1], k as f64 * spacing[2]])
        .collect()
}

/// Positions and intensities of the intensity-mask voxels (non-finite intensities skipped).
fn intensity_voxels(image: &Volume<f32>, mask: &Array3<bool>) -> (Vec<[f64; 3]>, Vec<f64>) {
    let s = image.spacing;
    let mut pts = Vec::new();
    let mut vals = Vec::new();
    for ((i, j, k), &m) in mask.indexed_iter() {
        let x = f64::from(image.data[[i, j, k]]);
        if m && x.is_finite() {
            pts.push([i as f64 * s[0], j as f64 * s[1], k as f64 * s[2]]);
            vals.push(x);
        }
    }
    (pts, vals)
}

/// |CoM_geom - CoM_gl|: morphological voxel centroid vs intensity-weighted intensity-mask
/// centroid (IBSI KLMA). NaN when the intensity mask is empty or the intensities sum to zero.
fn centre_of_mass_shift(morph: &[[f64; 3]], int_points: &[[f64; 3]], int_values: &[f64]) -> f64 {
    let total: f64 = int_values.iter().sum();
    if int_points.is_empty() || total == 0.0 {
        return f64::NAN;
    }
    let geom = centroid(morph);
    let mut gl = [0.0; 3];
    for (p, &w) in int_points.iter().zip(int_values) {
        for a in 0..3 {
            gl[a] += w * (p[a] - geom[a]);
        }
    }
    norm(gl.map(|x| x / total))
}

/// Ascending eigenvalues of the sample covariance (n - 1) of the points (IBSI TDIC: PCA of the
/// voxel-centre point set). `None` for fewer than two points.
fn pca_eigenvalues(points: &[[f64; 3]]) -> Option<[f64; 3]> {
    if points.len() < 2 {
        return None;
    }
    let c = centroid(points);
    let mut cov = [[0.0; 3]; 3];
    for p in points {
        let d = sub(*p, c);
        for r in 0..3 {
            for q in 0..3 {
                cov[r][q] += d[r] * d[q];
            }
        }
    }
    let n1 = (points.len() - 1) as f64;
    let cov = cov.map(|row| row.map(|x| x / n1));
    Some(symmetric_eigen3(cov).0)
}

/// Convex hull of the mesh vertices. Only the lowest and highest vertex of every (x, y) lattice
/// column can be a hull vertex, so the others are dropped before quickhull.
fn hull_mm(mesh: &Mesh, spacing: [f64; 3]) -> Option<HullMm> {
    let mut columns: BTreeMap<(i64, i64), (i64, i64)> = BTreeMap::new();
    for p in &mesh.lattice {
        let e = columns.entry((p[0], p[1])).or_insert((p[2], p[2]));
        e.0 = e.0.min(p[2]);
        e.1 = e.1.max(p[2]);
    }
    let mut candidates: Vec<[i64; 3]> = Vec::with_capacity(2 * columns.len());
    for (&(x, y), &(zlo, zhi)) in &columns {
        candidates.push([x, y, zlo]);
        if zhi != zlo {
            candidates.push([x, y, zhi]);
        }
    }
    let hull = convex_hull(&candidates)?;
    let to_mm = |i: usize| lattice_to_mm(candidates[i], spacing);
    let vertices: Vec<[f64; 3]> = hull.vertex_indices().into_iter().map(to_mm).collect();
    let c = centroid(&vertices);
    let (mut vol6, mut area2) = (0.0, 0.0);
    let mut normal_dirs: BTreeSet<[i64; 3]> = BTreeSet::new();
    for f in &hull.faces {
        let [p, q, r] = f.map(|i| sub(to_mm(i), c));
        vol6 += dot(p, cross(q, r));
        area2 += norm(cross(sub(q, p), sub(r, p)));
        normal_dirs.insert(reduced_normal(candidates[f[0]], candidates[f[1]], candidates[f[2]]));
    }
    // A lattice normal n maps to the mm normal n / (spacing / 2) (inverse transpose of the scaling).
    let normals = normal_dirs.into_iter().map(|n| [0, 1, 2].map(|a| n[a] as f64 / spacing[a])).collect();
    Some(HullMm { vertices, volume: vol6.abs() / 6.0, area: area2 / 2.0, normals })
}

/// Facet normal direction reduced by the gcd and sign-normalised (a box face and its opposite
/// give the same box orientation).
fn reduced_normal(a: [i64; 3], b: [i64; 3], c: [i64; 3]) -> [i64; 3] {
    let (u, v) = ([b[0] - a[0], b[1] - a[1], b[2] - a[2]], [c[0] - a[0], c[1] - a[1], c[2] - a[2]]);
    let n = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
    let g = gcd(gcd(n[0].abs(), n[1].abs()), n[2].abs()).max(1);
    let n = n.map(|x| x / g);
    let first = n.iter().copied().find(|&x| x != 0).unwrap_or(1);
    if first < 0 {
        n.map(|x| -x)
    } else {
        n
    }
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Largest distance between any two points (IBSI L0JK on the hull vertices).
fn max_pairwise_distance(points: &[[f64; 3]]) -> f64 {
    let mut best = 0.0f64;
    for (i, p) in points.iter().enumerate() {
        for q in &points[i + 1..] {
            let d = sub(*p, *q);
            best = best.max(dot(d, d));
        }
    }
    best.sqrt()
}
