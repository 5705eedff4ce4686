//! PyRadiomics GLSZM (`glszm.py` + `cmatrices.c`): zones of equal discretised grey level,
//! connected through the distance-1 offsets valid for the ROI box (26-connectivity in 3D,
//! 8 in-plane with force2D). This module must not average over directions (there are none).

use super::angles::angles;
use super::binning::{discretised, Discretised};
use super::roi::RoiArrays;
use super::settings::PyradSettings;
use super::PyradError;

/// Zones as (grey level position, size): connected components of equal discretised levels
/// through `offsets`. Voxels are grouped into runs of one level along x (when the x
/// neighbours connect), and runs are joined by a union-find with the runs of the earlier
/// rows the offsets reach (the offsets are bidirectional, so earlier rows see every link).
fn zones(d: &Discretised, offsets: &[[i64; 3]], pos: &[usize]) -> Vec<(usize, usize)> {
    let sh = d.levels.shape();
    let [nz, ny, nx] = [sh[0], sh[1], sh[2]];
    let levels = d.levels.as_standard_layout();
    let lv = levels.as_slice().expect("standard layout");
    let in_row = offsets.contains(&[0, 0, 1]);
    let runs = row_runs(lv, nz * ny, nx, in_row);
    let mut parent: Vec<u32> = (0..runs.runs.len() as u32).collect();
    for (dz, dy, ranges) in earlier_rows(offsets) {
        for z in 0..nz {
            let Some(z2) = z.checked_add_signed(dz as isize).filter(|&v| v < nz) else { continue };
            for y in 0..ny {
                let Some(y2) = y.checked_add_signed(dy as isize).filter(|&v| v < ny) else { continue };
                let (a, b) = (runs.row(z * ny + y), runs.row(z2 * ny + y2));
                for &(lo, hi) in &ranges {
                    join_rows(&runs.runs, a.clone(), b.clone(), lo, hi, &mut parent);
                }
            }
        }
    }
    let mut size = vec![0u32; parent.len()];
    for (i, r) in runs.runs.iter().enumerate() {
        let root = find(&mut parent, i as u32);
        size[root as usize] += r.1 - r.0 + 1;
    }
    (0..parent.len())
        .filter(|&i| parent[i] as usize == i)
        .map(|i| (pos[runs.runs[i].2 as usize], size[i] as usize))
        .collect()
}

/// Runs (first x, last x, level) of the non-zero levels, row by row.
struct Runs {
    runs: Vec<(u32, u32, i32)>,
    /// Index of each row's first run, and the end.
    row_at: Vec<usize>,
}

impl Runs {
    fn row(&self, r: usize) -> std::ops::Range<usize> {
        self.row_at[r]..self.row_at[r + 1]
    }
}

/// Split the `rows` rows of `nx` levels into runs of one non-zero level (single voxels when
/// x neighbours do not connect).
fn row_runs(lv: &[i32], rows: usize, nx: usize, in_row: bool) -> Runs {
    let mut runs = Vec::new();
    let mut row_at = Vec::with_capacity(rows + 1);
    for row in lv.chunks_exact(nx.max(1)).take(rows) {
        row_at.push(runs.len());
        let mut x = 0;
        while x < nx {
            let g = row[x];
            let s = x;
            x += 1;
            if in_row {
                while x < nx && row[x] == g {
                    x += 1;
                }
            }
            if g != 0 {
                runs.push((s as u32, (x - 1) as u32, g));
            }
        }
    }
    row_at.resize(rows + 1, runs.len());
    Runs { runs, row_at }
}

/// An earlier row (dz, dy) the offsets reach, with its x shifts as contiguous ranges (lo, hi).
type EarlierRow = (i64, i64, Vec<(i64, i64)>);

/// The earlier rows the offsets reach.
fn earlier_rows(offsets: &[[i64; 3]]) -> Vec<EarlierRow> {
    let mut rows: Vec<(i64, i64, Vec<i64>)> = Vec::new();
    for o in offsets.iter().filter(|o| (o[0], o[1]) < (0, 0)) {
        match rows.iter_mut().find(|r| (r.0, r.1) == (o[0], o[1])) {
            Some(r) => r.2.push(o[2]),
            None => rows.push((o[0], o[1], vec![o[2]])),
        }
    }
    rows.into_iter()
        .map(|(dz, dy, mut dx)| {
            dx.sort_unstable();
            let mut ranges: Vec<(i64, i64)> = Vec::new();
            for x in dx {
                match ranges.last_mut() {
                    Some(r) if r.1 + 1 == x => r.1 = x,
                    _ => ranges.push((x, x)),
                }
            }
            (dz, dy, ranges)
        })
        .collect()
}

/// Join the runs `a` of one row with the runs `b` of an earlier row they touch: same level
/// and [first + lo, last + hi] overlapping. Both rows' runs are sorted by x and disjoint, so
/// the first candidate in `b` only moves forward.
fn join_rows(
    runs: &[(u32, u32, i32)],
    a: std::ops::Range<usize>,
    b: std::ops::Range<usize>,
    lo: i64,
    hi: i64,
    parent: &mut [u32],
) {
    let mut first = b.start;
    for i in a {
        let ra = runs[i];
        let (s, e) = (ra.0 as i64 + lo, ra.1 as i64 + hi);
        while first < b.end && (runs[first].1 as i64) < s {
            first += 1;
        }
        for (j, rb) in runs[first..b.end].iter().enumerate().take_while(|(_, rb)| rb.0 as i64 <= e) {
            if rb.2 == ra.2 {
                let (x, y) = (find(parent, i as u32), find(parent, (first + j) as u32));
                parent[x.max(y) as usize] = x.min(y);
            }
        }
    }
}

/// Union-find root of `i`, halving the path.
fn find(parent: &mut [u32], mut i: u32) -> u32 {
    while parent[i as usize] != i {
        parent[i as usize] = parent[parent[i as usize] as usize];
        i = parent[i as usize];
    }
    i
}

/// All GLSZM features (PyRadiomics names) of the ROI.
pub fn compute(roi: &RoiArrays, settings: &PyradSettings) -> Result<Vec<(&'static str, f64)>, PyradError> {
    let d = discretised(roi, settings)?;
    let sh = d.levels.shape();
    let force = settings.force2D.then_some(settings.force2Ddimension);
    let offsets = angles([sh[0], sh[1], sh[2]], &[1], true, force);
    let mut pos = vec![0usize; d.ng as usize + 1];
    for (k, &g) in d.gray_levels.iter().enumerate() {
        pos[g as usize] = k;
    }
    let ngp = d.gray_levels.len();
    d.check_u32_counts("glszm")?;
    let mut zs = zones(&d, &offsets, &pos);
    let ns = zs.iter().map(|z| z.1).max().unwrap_or(1);
    // The size-zone matrix (ngp × ns, mostly zero) as its non-zero cells in row-major order:
    // (level position, size) sorted, equal pairs counted.
    zs.sort_unstable();
    let mut cells: Vec<(usize, usize, f64)> = Vec::new();
    for &(g, n) in &zs {
        match cells.last_mut() {
            Some(c) if c.0 == g && c.1 == n - 1 => c.2 += 1.0,
            _ => cells.push((g, n - 1, 1.0)),
        }
    }
    let iv: Vec<f64> = d.gray_levels.iter().map(|&g| g as f64).collect();
    // Row and column sums of integer counts: exact in any order.
    let (mut pg, mut ps) = (vec![0.0; ngp], vec![0.0; ns]);
    for &(g, j, v) in &cells {
        pg[g] += v;
        ps[j] += v;
    }
    let jv = |j: usize| (j + 1) as f64;
    let mut nz = zs.len() as f64;
    if nz == 0.0 {
        nz = 1.0;
    }
    // The few zone sizes present. A size with no zone adds a +0.0 term to the sums below,
    // whose terms are all +0.0 or positive: summing only the others from +0.0 rounds the same.
    let sizes: Vec<(usize, f64)> = ps.iter().enumerate().filter(|(_, &v)| v != 0.0).map(|(j, &v)| (j, v)).collect();
    let size_sum = |f: &dyn Fn(usize, f64) -> f64| sizes.iter().fold(0.0, |acc, &(j, v)| acc + f(j, v));
    let mut np: f64 = size_sum(&|j, v| v * jv(j));
    if np == 0.0 {
        np = 1.0;
    }
    let ui: f64 = (0..ngp).map(|g| pg[g] / nz * iv[g]).sum();
    let uj: f64 = size_sum(&|j, v| v / nz * jv(j));
    let (mut ze, mut salg, mut sahg, mut lalg, mut lahg) = (0.0, 0.0, 0.0, 0.0, 0.0);
    // Zero cells add +0.0 and are skipped, as before.
    for &(g, j, v) in &cells {
        let i2 = iv[g] * iv[g];
        let j2 = jv(j) * jv(j);
        let pn = v / nz;
        ze -= pn * (pn + f64::EPSILON).log2();
        salg += v / (i2 * j2);
        sahg += v * i2 / j2;
        lalg += v * j2 / i2;
        lahg += v * i2 * j2;
    }
    let gln = pg.iter().map(|v| v * v).sum::<f64>();
    let szn = size_sum(&|_, v| v * v);
    Ok(vec![
        ("GrayLevelNonUniformity", gln / nz),
        ("GrayLevelNonUniformityNormalized", gln / (nz * nz)),
        ("GrayLevelVariance", (0..ngp).map(|g| pg[g] / nz * (iv[g] - ui).powi(2)).sum()),
        ("HighGrayLevelZoneEmphasis", (0..ngp).map(|g| pg[g] * iv[g] * iv[g]).sum::<f64>() / nz),
        ("LargeAreaEmphasis", size_sum(&|j, v| v * jv(j) * jv(j)) / nz),
        ("LargeAreaHighGrayLevelEmphasis", lahg / nz),
        ("LargeAreaLowGrayLevelEmphasis", lalg / nz),
        ("LowGrayLevelZoneEmphasis", (0..ngp).map(|g| pg[g] / (iv[g] * iv[g])).sum::<f64>() / nz),
        ("SizeZoneNonUniformity", szn / nz),
        ("SizeZoneNonUniformityNormalized", szn / (nz * nz)),
        ("SmallAreaEmphasis", size_sum(&|j, v| v / (jv(j) * jv(j))) / nz),
        ("SmallAreaHighGrayLevelEmphasis", sahg / nz),
        ("SmallAreaLowGrayLevelEmphasis", salg / nz),
        ("ZoneEntropy", ze),
        ("ZonePercentage", nz / np),
        ("ZoneVariance", size_sum(&|j, v| v / nz * (jv(j) - uj).powi(2))),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array3;

    /// Plain flood fill over the offsets (the former implementation), zones sorted.
    fn reference(levels: &Array3<i32>, offsets: &[[i64; 3]], pos: &[usize]) -> Vec<(usize, usize)> {
        let sh = levels.shape();
        let mut lv = levels.clone();
        let mut out = Vec::new();
        for start in levels.indexed_iter().map(|(i, _)| i) {
            let gl = lv[start];
            if gl == 0 {
                continue;
            }
            lv[start] = 0;
            let (mut stack, mut n) = (vec![start], 0);
            while let Some((z, y, x)) = stack.pop() {
                n += 1;
                for o in offsets {
                    let q = [z as i64 + o[0], y as i64 + o[1], x as i64 + o[2]];
                    if (0..3).all(|k| q[k] >= 0 && q[k] < sh[k] as i64) {
                        let q = (q[0] as usize, q[1] as usize, q[2] as usize);
                        if lv[q] == gl {
                            lv[q] = 0;
                            stack.push(q);
                        }
                    }
                }
            }
            out.push((pos[gl as usize], n));
        }
        out.sort_unstable();
        out
    }

    #[test]
    fn zones_match_a_plain_flood_fill() {
        let mut next = crate::features::pyrad::test_rng(987654321);
        for shape in [[4, 5, 6], [1, 6, 7], [5, 1, 4], [3, 4, 1], [1, 1, 5], [6, 7, 9]] {
            for levels_n in [1, 2, 4] {
                let levels = Array3::from_shape_fn(shape, |_| if next(4) == 0 { 0 } else { 1 + next(levels_n) as i32 });
                let pos: Vec<usize> = (0..=levels_n as usize).collect();
                let d = Discretised::from_levels(levels.clone(), levels_n as i32);
                for force in [None, Some(0), Some(1), Some(2)] {
                    let offsets = angles(shape, &[1], true, force);
                    let mut got = zones(&d, &offsets, &pos);
                    got.sort_unstable();
                    assert_eq!(got, reference(&levels, &offsets, &pos), "{shape:?} force {force:?}");
                }
            }
        }
    }
}
