//! 3D convex hull (quickhull) of integer points with exact arithmetic.
//!
//! Mesh vertices live on a half-voxel integer lattice, so all orientation tests are exact in
//! `i64` (no epsilon, no robustness failures on the many coplanar lattice points). Coplanar
//! hull facets come out as several coplanar triangles; volume and area are unaffected. Any
//! invertible linear map (voxel spacing) maps the hull onto the hull of the mapped points, so
//! callers scale the result to mm afterwards. This module must not know about masks or features.

use std::collections::HashMap;

/// Hull as triangles over indices of the input points, oriented outward.
#[derive(Debug, Clone)]
pub struct Hull {
    pub faces: Vec<[usize; 3]>,
}

impl Hull {
    /// Sorted, de-duplicated indices of the points that are hull vertices.
    pub fn vertex_indices(&self) -> Vec<usize> {
        let mut v: Vec<usize> = self.faces.iter().flatten().copied().collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

struct Face {
    v: [usize; 3],
    normal: [i64; 3],
    offset: i64,
    outside: Vec<usize>,
    alive: bool,
}

fn sub(a: [i64; 3], b: [i64; 3]) -> [i64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

fn cross(a: [i64; 3], b: [i64; 3]) -> [i64; 3] {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}

fn dot(a: [i64; 3], b: [i64; 3]) -> i64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn make_face(p: &[[i64; 3]], v: [usize; 3]) -> Face {
    let normal = cross(sub(p[v[1]], p[v[0]]), sub(p[v[2]], p[v[0]]));
    Face { v, normal, offset: dot(normal, p[v[0]]), outside: Vec::new(), alive: true }
}

/// Signed height of `q` above the face plane (times |normal|); > 0 means strictly outside.
fn height(f: &Face, q: [i64; 3]) -> i64 {
    dot(f.normal, q) - f.offset
}

/// Four affinely independent points to start from, or `None` when all points are coplanar.
fn initial_simplex(p: &[[i64; 3]]) -> Option<[usize; 4]> {
    let a = (0..p.len()).min_by_key(|&i| p[i])?;
    let b = (0..p.len()).max_by_key(|&i| {
        let d = sub(p[i], p[a]);
        dot(d, d)
    })?;
    let ab = sub(p[b], p[a]);
    let c = (0..p.len()).max_by_key(|&i| {
        let n = cross(ab, sub(p[i], p[a]));
        dot(n, n)
    })?;
    let n = cross(ab, sub(p[c], p[a]));
    if n == [0; 3] {
        return None;
    }
    let d = (0..p.len()).max_by_key(|&i| dot(n, sub(p[i], p[a])).abs())?;
    if dot(n, sub(p[d], p[a])) == 0 {
        return None;
    }
    Some([a, b, c, d])
}

/// Convex hull of `points` (coordinates up to ~1e5 in magnitude keep `i64` products exact).
/// Returns `None` when the points are coplanar (no 3D hull).
pub fn convex_hull(points: &[[i64; 3]]) -> Option<Hull> {
    let [a, b, c, d] = initial_simplex(points)?;
    let mut faces: Vec<Face> = Vec::new();
    let flip = dot(cross(sub(points[b], points[a]), sub(points[c], points[a])), sub(points[d], points[a])) > 0;
    let base = if flip { [a, c, b] } else { [a, b, c] };
    for v in [base, [base[0], base[2], d], [base[2], base[1], d], [base[1], base[0], d]] {
        faces.push(make_face(points, v));
    }
    let mut edge_face: HashMap<(usize, usize), usize> = HashMap::new();
    for (fi, f) in faces.iter().enumerate() {
        for e in 0..3 {
            edge_face.insert((f.v[e], f.v[(e + 1) % 3]), fi);
        }
    }
    let initial: Vec<usize> = (0..points.len()).filter(|i| ![a, b, c, d].contains(i)).collect();
    assign(points, &mut faces, 0..4, &initial);

    let mut pending: Vec<usize> = (0..4).collect();
    while let Some(fi) = pending.pop() {
        if !faces[fi].alive || faces[fi].outside.is_empty() {
            continue;
        }
        let eye =
            *faces[fi].outside.iter().max_by_key(|&&q| height(&faces[fi], points[q])).expect("non-empty outside set");
        // Visible faces: flood fill over neighbours that see the eye strictly.
        let mut visible = vec![fi];
        let mut is_visible: HashMap<usize, bool> = HashMap::from([(fi, true)]);
        let mut horizon: Vec<(usize, usize)> = Vec::new();
        let mut k = 0;
        while k < visible.len() {
            let f = visible[k];
            k += 1;
            for e in 0..3 {
                let (u, w) = (faces[f].v[e], faces[f].v[(e + 1) % 3]);
                let nb = edge_face[&(w, u)];
                let seen = *is_visible.entry(nb).or_insert_with(|| {
                    let vis = height(&faces[nb], points[eye]) > 0;
                    if vis {
                        visible.push(nb);
                    }
                    vis
                });
                if !seen {
                    horizon.push((u, w));
                }
            }
        }
        let mut orphans = Vec::new();
        for &f in &visible {
            faces[f].alive = false;
            orphans.append(&mut faces[f].outside);
            for e in 0..3 {
                edge_face.remove(&(faces[f].v[e], faces[f].v[(e + 1) % 3]));
            }
        }
        let first_new = faces.len();
        for (u, w) in horizon {
            let nf = faces.len();
            faces.push(make_face(points, [u, w, eye]));
            for (x, y) in [(u, w), (w, eye), (eye, u)] {
                edge_face.insert((x, y), nf);
            }
        }
        orphans.retain(|&q| q != eye);
        let end = faces.len();
        assign(points, &mut faces, first_new..end, &orphans);
        pending.extend(first_new..faces.len());
    }
    let faces = faces.into_iter().filter(|f| f.alive).map(|f| f.v).collect();
    Some(Hull { faces })
}

/// Put each point into the outside set of the first face (in `range`) it lies strictly above.
fn assign(points: &[[i64; 3]], faces: &mut [Face], range: std::ops::Range<usize>, candidates: &[usize]) {
    for &q in candidates {
        for fi in range.clone() {
            if height(&faces[fi], points[q]) > 0 {
                faces[fi].outside.push(q);
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn volume6(points: &[[i64; 3]], hull: &Hull) -> i64 {
        hull.faces.iter().map(|f| dot(points[f[0]], cross(points[f[1]], points[f[2]]))).sum()
    }

    #[test]
    fn cube_lattice_hull_is_the_cube() {
        let mut pts = Vec::new();
        for x in 0..=4 {
            for y in 0..=4 {
                for z in 0..=4 {
                    pts.push([x, y, z]);
                }
            }
        }
        let hull = convex_hull(&pts).unwrap();
        assert_eq!(volume6(&pts, &hull), 6 * 64);
        let verts: Vec<[i64; 3]> = hull.vertex_indices().iter().map(|&i| pts[i]).collect();
        assert!(verts.len() >= 8 && verts.len() < 20, "hull vertices: {verts:?}");
        assert!(verts.iter().all(|v| v.iter().any(|&x| x == 0 || x == 4)));
    }

    #[test]
    fn random_points_all_inside_or_on_hull() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for _ in 0..20 {
            let pts: Vec<[i64; 3]> = (0..300)
                .map(|_| [rng.random_range(-20..20), rng.random_range(-20..20), rng.random_range(-5..5)])
                .collect();
            let hull = convex_hull(&pts).unwrap();
            for f in &hull.faces {
                let face = make_face(&pts, *f);
                assert!(face.normal != [0; 3]);
                for &p in &pts {
                    assert!(height(&face, p) <= 0, "point above a hull face");
                }
            }
            // Closed: every directed edge has its reverse.
            let edges: std::collections::HashSet<(usize, usize)> =
                hull.faces.iter().flat_map(|f| (0..3).map(move |e| (f[e], f[(e + 1) % 3]))).collect();
            assert!(edges.iter().all(|&(a, b)| edges.contains(&(b, a))));
            assert!(volume6(&pts, &hull) > 0);
        }
    }

    #[test]
    fn coplanar_points_have_no_hull() {
        let pts = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [1, 1, 0]];
        assert!(convex_hull(&pts).is_none());
        assert!(convex_hull(&[]).is_none());
    }
}
