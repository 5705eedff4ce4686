//! Marching squares on the voxel-centre grid of one binary slice: closed loops through the
//! midpoints between inside and outside voxel centres (iso-level 0.5), saddles split so that
//! diagonal neighbours get separate loops; collinear vertices removed.
//! Must not know about DICOM or physical coordinates (output is in index units).

use std::collections::BTreeMap;

/// Closed contours (vertex lists in (i, j) index coordinates, last vertex ≠ first) of the set
/// `inside(i, j)` on an ni × nj grid; everything outside the grid counts as outside.
pub(crate) fn contours(ni: usize, nj: usize, inside: impl Fn(usize, usize) -> bool) -> Vec<Vec<[f64; 2]>> {
    let at =
        |i: i64, j: i64| i >= 0 && j >= 0 && (i as usize) < ni && (j as usize) < nj && inside(i as usize, j as usize);
    // points in doubled coordinates
    let mut segs: Vec<[(i64, i64); 2]> = Vec::new();
    for j in -1..nj as i64 {
        for i in -1..ni as i64 {
            let case =
                at(i, j) as u8 | (at(i + 1, j) as u8) << 1 | (at(i + 1, j + 1) as u8) << 2 | (at(i, j + 1) as u8) << 3;
            let e = [(2 * i + 1, 2 * j), (2 * i + 2, 2 * j + 1), (2 * i + 1, 2 * j + 2), (2 * i, 2 * j + 1)];
            let pairs: &[(usize, usize)] = match case {
                1 | 14 => &[(3, 0)],
                2 | 13 => &[(0, 1)],
                3 | 12 => &[(3, 1)],
                4 | 11 => &[(1, 2)],
                5 => &[(3, 0), (1, 2)],
                6 | 9 => &[(0, 2)],
                7 | 8 => &[(3, 2)],
                10 => &[(0, 1), (2, 3)],
                _ => &[],
            };
            segs.extend(pairs.iter().map(|(a, b)| [e[*a], e[*b]]));
        }
    }
    let mut at_point: BTreeMap<(i64, i64), Vec<usize>> = BTreeMap::new();
    for (s, seg) in segs.iter().enumerate() {
        for p in seg {
            at_point.entry(*p).or_default().push(s);
        }
    }
    let mut used = vec![false; segs.len()];
    let mut loops = Vec::new();
    for start in 0..segs.len() {
        if used[start] {
            continue;
        }
        used[start] = true;
        let first = segs[start][0];
        let mut pts = vec![first];
        let mut cur = segs[start][1];
        while cur != first {
            pts.push(cur);
            let next = at_point[&cur].iter().copied().find(|s| !used[*s]);
            let Some(s) = next else { break };
            used[s] = true;
            cur = if segs[s][0] == cur { segs[s][1] } else { segs[s][0] };
        }
        loops.push(simplify(&pts).into_iter().map(|(x, y)| [x as f64 / 2.0, y as f64 / 2.0]).collect());
    }
    loops
}

/// Drop vertices collinear with their neighbours.
fn simplify(pts: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let n = pts.len();
    if n < 4 {
        return pts.to_vec();
    }
    (0..n)
        .filter(|&k| {
            let (a, b, c) = (pts[(k + n - 1) % n], pts[k], pts[(k + 1) % n]);
            (b.0 - a.0) * (c.1 - b.1) - (b.1 - a.1) * (c.0 - b.0) != 0
        })
        .map(|k| pts[k])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::raster::fill_even_odd;
    use super::*;

    #[test]
    fn single_voxel_gives_a_diamond() {
        let c = contours(3, 3, |i, j| i == 1 && j == 1);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].len(), 4);
        assert!(c[0].contains(&[0.5, 1.0]) && c[0].contains(&[1.0, 1.5]));
    }

    #[test]
    fn ring_round_trips_through_even_odd_fill() {
        // 7×7 ring with a 3×3 hole plus a diagonal neighbour (saddle)
        let f = |i: usize, j: usize| {
            ((1..=7).contains(&i) && (1..=7).contains(&j) && !((3..=5).contains(&i) && (3..=5).contains(&j)))
                || (i == 8 && j == 8)
        };
        let c = contours(10, 10, f);
        assert_eq!(c.len(), 3);
        let m = fill_even_odd(&c, 10, 10);
        for j in 0..10 {
            for i in 0..10 {
                assert_eq!(m[j * 10 + i], f(i, j), "voxel {i},{j}");
            }
        }
    }
}
