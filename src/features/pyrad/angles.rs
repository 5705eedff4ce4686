//! Neighbour offsets ("angles") as PyRadiomics' C extension generates them (`build_angles`):
//! (dz, dy, dx) offsets whose infinity norm is one of `distances`, no offset reaching beyond
//! the ROI box size, none along the `force2D` dimension; mono-directional = the first half.
//! This module must not count matrices.

/// Offsets for a (z, y, x) box of `size`; `force2d_dim` excludes moving along that axis.
pub fn angles(size: [usize; 3], distances: &[i64], bidirectional: bool, force2d_dim: Option<usize>) -> Vec<[i64; 3]> {
    let max_d = distances.iter().copied().max().unwrap_or(0);
    if max_d < 1 || distances.iter().any(|&d| d < 1) {
        return Vec::new();
    }
    let mut out = Vec::new();
    // Offsets run from +max_d down to -max_d, the last axis fastest (PyRadiomics order).
    for oz in (-max_d..=max_d).rev() {
        for oy in (-max_d..=max_d).rev() {
            for ox in (-max_d..=max_d).rev() {
                let a = [oz, oy, ox];
                let valid = (0..3).all(|d| {
                    (force2d_dim != Some(d) || a[d] == 0) && a[d] < size[d] as i64 && a[d] > -(size[d] as i64)
                });
                let dist = a.iter().map(|x| x.abs()).max().unwrap_or(0);
                if valid && dist >= 1 && distances.contains(&dist) {
                    out.push(a);
                }
            }
        }
    }
    if !bidirectional {
        out.truncate(out.len() / 2);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirteen_and_twenty_six() {
        assert_eq!(angles([5, 5, 5], &[1], false, None).len(), 13);
        assert_eq!(angles([5, 5, 5], &[1], true, None).len(), 26);
        assert_eq!(angles([5, 5, 5], &[1], false, Some(0)).len(), 4);
        assert_eq!(angles([1, 5, 5], &[1], true, None).len(), 8);
        assert_eq!(angles([5, 5, 5], &[1, 2], true, None).len(), 124);
        // Mono-directional offsets are the ones whose first non-zero component is positive.
        for a in angles([5, 5, 5], &[1], false, None) {
            let first = a.iter().find(|&&x| x != 0).unwrap();
            assert!(*first > 0, "{a:?}");
        }
    }
}
