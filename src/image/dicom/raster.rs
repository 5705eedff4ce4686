//! Even-odd polygon filling at voxel centres: a voxel centre (i, j) is inside when a ray from
//! it towards +i crosses the slice's polygon edges an odd number of times (holes are inner
//! contours). Half-open edge rule, so a centre on a vertex row is counted once.
//! Must not know about DICOM or physical coordinates (polygons are in index units).

/// Inside flags (index j·ni + i) of the ni × nj voxel centres for closed `polygons` given as
/// (i, j) vertex lists in continuous index coordinates.
pub(crate) fn fill_even_odd(polygons: &[Vec<[f64; 2]>], ni: usize, nj: usize) -> Vec<bool> {
    let mut inside = vec![false; ni * nj];
    let mut xs: Vec<f64> = Vec::new();
    for j in 0..nj {
        let y = j as f64;
        xs.clear();
        for poly in polygons {
            let n = poly.len();
            for e in 0..n {
                let (a, b) = (poly[e], poly[(e + 1) % n]);
                if (a[1] <= y) != (b[1] <= y) {
                    xs.push(a[0] + (y - a[1]) * (b[0] - a[0]) / (b[1] - a[1]));
                }
            }
        }
        if xs.is_empty() {
            continue;
        }
        xs.sort_by(f64::total_cmp);
        let mut at_or_below = 0; // crossings with x ≤ i
        for i in 0..ni {
            let x = i as f64;
            while at_or_below < xs.len() && xs[at_or_below] <= x {
                at_or_below += 1;
            }
            inside[j * ni + i] = (xs.len() - at_or_below) % 2 == 1;
        }
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(v: &[bool]) -> usize {
        v.iter().filter(|b| **b).count()
    }

    #[test]
    fn square_with_hole_by_even_odd() {
        // outer square covers centres 1..=8 in both axes (64), hole covers 3..=6 (16)
        let outer = vec![[0.5, 0.5], [8.5, 0.5], [8.5, 8.5], [0.5, 8.5]];
        let hole = vec![[2.5, 2.5], [6.5, 2.5], [6.5, 6.5], [2.5, 6.5]];
        let m = fill_even_odd(std::slice::from_ref(&outer), 10, 10);
        assert_eq!(count(&m), 64);
        let m = fill_even_odd(&[outer, hole], 10, 10);
        assert_eq!(count(&m), 48);
        assert!(!m[4 * 10 + 4] && m[10 + 1]);
    }

    #[test]
    fn diamond_through_vertex_rows_counts_its_centre_once() {
        // diamond around centre (2,2) with vertices on row 2 and column 2
        let d = vec![[1.5, 2.0], [2.0, 1.5], [2.5, 2.0], [2.0, 2.5]];
        let m = fill_even_odd(&[d], 5, 5);
        assert_eq!(count(&m), 1);
        assert!(m[2 * 5 + 2]);
    }

    #[test]
    fn triangle_area_matches_pick_count() {
        // right triangle with legs 20 (vertices off-grid): ~ area 200 centres
        let t = vec![[0.3, 0.3], [20.3, 0.3], [0.3, 20.3]];
        let n = count(&fill_even_odd(&[t], 30, 30));
        assert!((n as i64 - 200).abs() <= 20, "{n}");
    }
}
