//! Small numeric kernels for the coordinate-descent solvers: dot products with eight
//! interleaved partial sums, so the compiler can vectorise the reduction. The summation order
//! is fixed (lane k sums elements k, k+8, …; lanes are added pairwise, then the tail), so
//! results are deterministic on every machine and thread count. Must not allocate.

/// Σ a_i b_i over the common length.
#[inline]
pub(crate) fn dot8(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f64; 8];
    let (ac, bc) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ar, br) = (ac.remainder(), bc.remainder());
    for (x, y) in ac.zip(bc) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    for (x, y) in ar.iter().zip(br) {
        s += x * y;
    }
    s
}

/// Σ a_i² w_i over the common length.
#[inline]
pub(crate) fn sq_wdot8(a: &[f64], w: &[f64]) -> f64 {
    let n = a.len().min(w.len());
    let (a, w) = (&a[..n], &w[..n]);
    let mut acc = [0.0f64; 8];
    let (ac, wc) = (a.chunks_exact(8), w.chunks_exact(8));
    let (ar, wr) = (ac.remainder(), wc.remainder());
    for (x, v) in ac.zip(wc) {
        for k in 0..8 {
            acc[k] += x[k] * x[k] * v[k];
        }
    }
    let mut s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    for (x, v) in ar.iter().zip(wr) {
        s += x * x * v;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_plain_sums_on_exact_values() {
        let a: Vec<f64> = (0..19).map(|i| i as f64).collect();
        let b: Vec<f64> = (0..19).map(|i| (i % 3) as f64).collect();
        let plain: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert_eq!(dot8(&a, &b), plain);
        let sq: f64 = a.iter().zip(&b).map(|(x, y)| x * x * y).sum();
        assert_eq!(sq_wdot8(&a, &b), sq);
        assert_eq!(dot8(&[], &[]), 0.0);
    }
}
