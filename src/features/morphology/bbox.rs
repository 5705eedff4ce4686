//! Bounding boxes of a 3D point set: axis-aligned (grid axes) and an approximate oriented
//! minimum-volume bounding box. The OMBB is searched over the orientations in which one box
//! face is flush with a convex-hull facet; for each such orientation the in-plane rectangle
//! is the exact minimum-area rectangle of the projected hull (one side flush with a 2D hull
//! edge, Freeman & Shapira 1975). IBSI 1 allows approximations here (O'Rourke's exact method is
//! rarely used); the axis-aligned box is always a candidate, so OMBB volume <= AABB volume.
//! This module must not know about masks or features.

use super::mesh::{cross, dot, norm};

/// Side lengths of the axis-aligned bounding box of `points`.
pub fn aabb_dims(points: &[[f64; 3]]) -> [f64; 3] {
    let mut lo = [f64::INFINITY; 3];
    let mut hi = [f64::NEG_INFINITY; 3];
    for p in points {
        for a in 0..3 {
            lo[a] = lo[a].min(p[a]);
            hi[a] = hi[a].max(p[a]);
        }
    }
    [hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]]
}

/// Volume and surface area of a box with side lengths `d`.
pub fn box_volume_area(d: [f64; 3]) -> (f64, f64) {
    (d[0] * d[1] * d[2], 2.0 * (d[0] * d[1] + d[0] * d[2] + d[1] * d[2]))
}

/// Side lengths of the approximate oriented minimum-volume bounding box of `points`
/// (hull vertices), trying every direction in `normals` (hull facet normals) as a box axis.
pub fn ombb_dims(points: &[[f64; 3]], normals: &[[f64; 3]]) -> [f64; 3] {
    let mut best = aabb_dims(points);
    let mut best_vol = box_volume_area(best).0;
    for &n in normals {
        let len = norm(n);
        if len.is_nan() || len <= 0.0 {
            continue;
        }
        let n = n.map(|x| x / len);
        let (u, v) = plane_basis(n);
        let (mut hmin, mut hmax) = (f64::INFINITY, f64::NEG_INFINITY);
        let mut proj = Vec::with_capacity(points.len());
        for &p in points {
            let h = dot(p, n);
            hmin = hmin.min(h);
            hmax = hmax.max(h);
            proj.push([dot(p, u), dot(p, v)]);
        }
        let (w, l) = min_area_rectangle(&proj);
        let vol = w * l * (hmax - hmin);
        if vol < best_vol {
            best_vol = vol;
            best = [w, l, hmax - hmin];
        }
    }
    best
}

/// Two unit vectors spanning the plane orthogonal to unit vector `n`.
fn plane_basis(n: [f64; 3]) -> ([f64; 3], [f64; 3]) {
    let helper = if n[0].abs() < 0.9 { [1.0, 0.0, 0.0] } else { [0.0, 1.0, 0.0] };
    let u = cross(n, helper);
    let u = u.map(|x| x / norm(u));
    (u, cross(n, u))
}

/// 2D convex hull (Andrew's monotone chain), counter-clockwise, without collinear points.
pub fn hull_2d(points: &[[f64; 2]]) -> Vec<[f64; 2]> {
    let mut p = points.to_vec();
    p.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    p.dedup();
    if p.len() < 3 {
        return p;
    }
    let turn = |o: [f64; 2], a: [f64; 2], b: [f64; 2]| (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
    let mut h: Vec<[f64; 2]> = Vec::with_capacity(2 * p.len());
    for pass in 0..2 {
        let start = h.len();
        let iter: Box<dyn Iterator<Item = &[f64; 2]>> =
            if pass == 0 { Box::new(p.iter()) } else { Box::new(p.iter().rev()) };
        for &q in iter {
            while h.len() >= start + 2 && turn(h[h.len() - 2], h[h.len() - 1], q) <= 0.0 {
                h.pop();
            }
            h.push(q);
        }
        h.pop();
    }
    h
}

/// Side lengths (width, length) of the minimum-area enclosing rectangle of 2D points.
pub fn min_area_rectangle(points: &[[f64; 2]]) -> (f64, f64) {
    let h = hull_2d(points);
    if h.len() < 3 {
        // Degenerate (segment or point): zero area, length along the segment.
        let len = if h.len() == 2 { ((h[1][0] - h[0][0]).powi(2) + (h[1][1] - h[0][1]).powi(2)).sqrt() } else { 0.0 };
        return (0.0, len);
    }
    let mut best = (f64::INFINITY, (0.0, 0.0));
    for i in 0..h.len() {
        let (a, b) = (h[i], h[(i + 1) % h.len()]);
        let e = [b[0] - a[0], b[1] - a[1]];
        let el = (e[0] * e[0] + e[1] * e[1]).sqrt();
        if el == 0.0 {
            continue;
        }
        let e = [e[0] / el, e[1] / el];
        let (mut lo_e, mut hi_e, mut lo_p, mut hi_p) =
            (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
        for q in &h {
            let (s, t) = (q[0] * e[0] + q[1] * e[1], -q[0] * e[1] + q[1] * e[0]);
            lo_e = lo_e.min(s);
            hi_e = hi_e.max(s);
            lo_p = lo_p.min(t);
            hi_p = hi_p.max(t);
        }
        let area = (hi_e - lo_e) * (hi_p - lo_p);
        if area < best.0 {
            best = (area, (hi_e - lo_e, hi_p - lo_p));
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotated_box_is_recovered() {
        // Corners of a 4 x 2 x 1 box rotated by 30 degrees about z and 20 about x.
        let (a, b) = (30f64.to_radians(), 20f64.to_radians());
        let rot = |p: [f64; 3]| {
            let q = [p[0] * a.cos() - p[1] * a.sin(), p[0] * a.sin() + p[1] * a.cos(), p[2]];
            [q[0], q[1] * b.cos() - q[2] * b.sin(), q[1] * b.sin() + q[2] * b.cos()]
        };
        let mut pts = Vec::new();
        for x in [0.0, 4.0] {
            for y in [0.0, 2.0] {
                for z in [0.0, 1.0] {
                    pts.push(rot([x, y, z]));
                }
            }
        }
        // Facet normals of the box: the rotated axes.
        let normals = [rot([1.0, 0.0, 0.0]), rot([0.0, 1.0, 0.0]), rot([0.0, 0.0, 1.0])];
        let d = ombb_dims(&pts, &normals);
        assert!((box_volume_area(d).0 - 8.0).abs() < 1e-9, "{d:?}");
        assert!((box_volume_area(d).1 - 28.0).abs() < 1e-9);
        assert!(box_volume_area(aabb_dims(&pts)).0 > 8.5);
    }

    #[test]
    fn min_rectangle_of_rotated_square() {
        let s = std::f64::consts::FRAC_1_SQRT_2;
        let pts = [[0.0, 0.0], [s, s], [0.0, 2.0 * s], [-s, s], [0.0, s]];
        let (w, l) = min_area_rectangle(&pts);
        assert!((w * l - 1.0).abs() < 1e-12);
        assert_eq!(hull_2d(&pts).len(), 4);
    }
}
