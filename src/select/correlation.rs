//! Correlation redundancy filter: of each pair of features with |Pearson r| above a cut-off,
//! keep the one more related to the outcome (larger |AUC − 0.5|). Fitted on training rows
//! only. Must not look at held-out rows.

use ndarray::{Array2, ArrayView1};

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

/// Greedy filter: visit features by decreasing `relevance`; keep a feature unless it
/// correlates above `max_abs_r` with one already kept. Returns kept column indices (ascending).
pub fn correlation_filter(x: &Array2<f64>, relevance: &[f64], max_abs_r: f64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..x.ncols()).collect();
    // Stable order: higher relevance first, ties by column index.
    order.sort_by(|&a, &b| relevance[b].total_cmp(&relevance[a]).then(a.cmp(&b)));
    let mut kept: Vec<usize> = Vec::new();
    for j in order {
        let redundant = kept.iter().any(|&k| pearson(x.column(j), x.column(k)).abs() > max_abs_r);
        if !redundant {
            kept.push(j);
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
}
