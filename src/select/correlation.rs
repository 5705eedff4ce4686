//! Correlation redundancy filter: of each pair of features with |Pearson r| above a cut-off,
//! keep the one more related to the outcome (larger |AUC − 0.5|). Fitted on training rows
//! only. Must not look at held-out rows.
//!
//! Speed: columns are centred and scaled to unit norm once, so r is a plain dot product; the
//! candidates are visited in blocks and their correlations with the features kept so far come
//! from one matrix product per block (only the pairs the greedy rule needs, never the full
//! p × p matrix or a per-pair recomputation of means).

use ndarray::{Array2, ArrayView1, ArrayView2, Axis};

/// Candidates per block of the greedy pass.
const BLOCK: usize = 128;

/// Pearson correlation of two equal-length columns (NaN when either is constant).
pub fn pearson(a: ArrayView1<f64>, b: ArrayView1<f64>) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.sum() / n, b.sum() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b.iter()) {
        let (dx, dy) = (x - ma, y - mb);
        sab += dx * dy;
        saa += dx * dx;
        sbb += dy * dy;
    }
    sab / (saa * sbb).sqrt()
}

/// Column j centred and scaled to unit Euclidean norm; None when r with it is undefined
/// (constant or non-finite column: such a column is never redundant and never makes another
/// redundant, as its Pearson r is NaN).
fn unit_column(c: ArrayView1<f64>) -> Option<Vec<f64>> {
    let n = c.len() as f64;
    let m = c.sum() / n;
    let ss: f64 = c.iter().map(|v| (v - m) * (v - m)).sum();
    if !(ss > 0.0 && ss.is_finite()) {
        return None;
    }
    let s = 1.0 / ss.sqrt();
    Some(c.iter().map(|v| (v - m) * s).collect())
}

/// Greedy filter: visit features by decreasing `relevance`; keep a feature unless it
/// correlates above `max_abs_r` with one already kept. Returns kept column indices (ascending).
pub fn correlation_filter(x: &Array2<f64>, relevance: &[f64], max_abs_r: f64) -> Vec<usize> {
    let (n, p) = x.dim();
    let mut order: Vec<usize> = (0..p).collect();
    // Stable order: higher relevance first, ties by column index.
    order.sort_by(|&a, &b| relevance[b].total_cmp(&relevance[a]).then(a.cmp(&b)));
    let units: Vec<Option<Vec<f64>>> = x.axis_iter(Axis(1)).map(unit_column).collect();
    let mut kept: Vec<usize> = (0..p).filter(|&j| units[j].is_none()).collect();
    let candidates: Vec<usize> = order.into_iter().filter(|&j| units[j].is_some()).collect();
    // rows = unit columns of the features kept so far, in acceptance order
    let mut kept_rows: Vec<f64> = Vec::with_capacity(candidates.len() * n);
    let mut n_kept = 0usize;
    let mut blk: Vec<f64> = Vec::with_capacity(BLOCK * n);
    for chunk in candidates.chunks(BLOCK) {
        blk.clear();
        for &j in chunk {
            blk.extend_from_slice(units[j].as_deref().unwrap_or(&[]));
        }
        let b = match ArrayView2::from_shape((chunk.len(), n), &blk[..]) {
            Ok(v) => v,
            Err(_) => return (0..p).collect(),
        };
        let cross = match ArrayView2::from_shape((n_kept, n), &kept_rows[..n_kept * n]) {
            Ok(k) if n_kept > 0 => Some(b.dot(&k.t())),
            _ => None,
        };
        let within = b.dot(&b.t());
        let mut accepted: Vec<usize> = Vec::with_capacity(chunk.len());
        for a in 0..chunk.len() {
            let vs_kept = cross.as_ref().is_some_and(|c| c.row(a).iter().any(|r| r.abs() > max_abs_r));
            if !vs_kept && !accepted.iter().any(|&q| within[[a, q]].abs() > max_abs_r) {
                accepted.push(a);
            }
        }
        for a in accepted {
            kept.push(chunk[a]);
            kept_rows.extend(b.row(a).iter());
            n_kept += 1;
        }
    }
    kept.sort_unstable();
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn drops_the_less_relevant_of_a_correlated_pair() {
        let x = array![[1.0, 2.0, 5.0], [2.0, 4.1, 1.0], [3.0, 6.0, 4.0], [4.0, 8.2, 2.0]];
        assert_eq!(correlation_filter(&x, &[0.1, 0.3, 0.2], 0.9), vec![1, 2]);
        assert_eq!(correlation_filter(&x, &[0.3, 0.1, 0.2], 0.9), vec![0, 2]);
        assert!((pearson(x.column(0), x.column(0)) - 1.0).abs() < 1e-12);
    }

    /// The pairwise greedy definition, feature by feature (the specification).
    fn naive(x: &Array2<f64>, relevance: &[f64], cut: f64) -> Vec<usize> {
        let mut order: Vec<usize> = (0..x.ncols()).collect();
        order.sort_by(|&a, &b| relevance[b].total_cmp(&relevance[a]).then(a.cmp(&b)));
        let mut kept: Vec<usize> = Vec::new();
        for j in order {
            if !kept.iter().any(|&k| pearson(x.column(j), x.column(k)).abs() > cut) {
                kept.push(j);
            }
        }
        kept.sort_unstable();
        kept
    }

    #[test]
    fn blocked_equals_pairwise_greedy_on_correlated_blocks() {
        // 300 columns in blocks of 5 sharing a latent factor with varying noise (many pairs
        // near the cut-off), a constant column and one with a NaN; more columns than a block.
        let (n, p) = (40, 300);
        let mut state = 12345u64;
        let mut unif = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        };
        let mut x = Array2::<f64>::zeros((n, p));
        for blk in 0..p / 5 {
            let sd = 0.05 + 0.6 * unif();
            let latent: Vec<f64> = (0..n).map(|_| unif() - 0.5).collect();
            for k in 0..5 {
                for i in 0..n {
                    x[[i, blk * 5 + k]] = latent[i] + sd * (unif() - 0.5);
                }
            }
        }
        x.column_mut(7).fill(3.0);
        x[[4, 11]] = f64::NAN;
        let rel: Vec<f64> = (0..p).map(|j| ((j * 37) % 101) as f64 / 101.0).collect();
        for cut in [0.5, 0.8, 0.9, 0.95] {
            let want = naive(&x, &rel, cut);
            assert!(want.len() < p && want.len() > p / 5, "cut {cut}: {}", want.len());
            assert_eq!(correlation_filter(&x, &rel, cut), want, "cut {cut}");
        }
    }
}
