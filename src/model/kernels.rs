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

    #[test]
    fn fast_kernels_equal_the_portable_ones_bit_for_bit() {
        let mut state = 5u64;
        let mut unif = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64 - 0.3
        };
        for n in [0usize, 1, 7, 8, 9, 31, 200, 203] {
            let v: Vec<Vec<f64>> = (0..6).map(|_| (0..n).map(|_| unif() * 1e3).collect()).collect();
            assert_eq!(dot8_fast(&v[0], &v[1]).to_bits(), dot8(&v[0], &v[1]).to_bits(), "n {n}");
            assert_eq!(sq_wdot8_fast(&v[0], &v[1]).to_bits(), sq_wdot8(&v[0], &v[1]).to_bits(), "n {n}");
            let (mut r1, mut r2) = (v[0].clone(), v[0].clone());
            let got = axpy_dot8(&mut r1, 0.37, &v[1], &v[2], &v[3]);
            for i in 0..n {
                r2[i] -= 0.37 * v[1][i] * v[2][i];
            }
            assert_eq!(got.to_bits(), dot8(&v[3], &r2).to_bits(), "n {n}");
            assert_eq!(
                r1.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                r2.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
            );
            let four = dot8_x4([&v[1], &v[2], &v[3], &v[4]], &v[5]);
            for k in 0..4 {
                assert_eq!(four[k].to_bits(), dot8(&v[k + 1], &v[5]).to_bits(), "n {n} col {k}");
            }
        }
    }
}

/// `dot8`, with AVX2 where the CPU has it: the same eight lanes (two 4-wide registers), the
/// same additions in the same order, no fused multiply-add, so the result is bit-identical.
#[inline]
pub(crate) fn dot8_fast(a: &[f64], b: &[f64]) -> f64 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2 (checked just above).
        return unsafe { x86::dot8_avx2(a, b) };
    }
    dot8(a, b)
}

/// `sq_wdot8` with AVX2 where available (bit-identical, as `dot8_fast`).
#[inline]
pub(crate) fn sq_wdot8_fast(a: &[f64], w: &[f64]) -> f64 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2 (checked just above).
        return unsafe { x86::sq_wdot8_avx2(a, w) };
    }
    sq_wdot8(a, w)
}

/// `dot8` of four columns with one vector at once (four independent sums in flight), each
/// result bit-identical to `dot8(col_k, b)`.
#[inline]
pub(crate) fn dot8_x4(cols: [&[f64]; 4], b: &[f64]) -> [f64; 4] {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2 (checked just above).
        return unsafe { x86::dot8_x4_avx2(cols, b) };
    }
    cols.map(|c| dot8(c, b))
}

/// r_i −= dj·x_i·v_i (as `r[i] -= dj * x[i] * v[i]`), then returns `dot8(next, r)` of the
/// updated r — one sweep instead of two; bit-identical to the two separate loops. All four
/// slices must have the same length.
#[inline]
pub(crate) fn axpy_dot8(r: &mut [f64], dj: f64, x: &[f64], v: &[f64], next: &[f64]) -> f64 {
    debug_assert!(x.len() == r.len() && v.len() == r.len() && next.len() == r.len());
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2 (checked just above).
        return unsafe { x86::axpy_dot8_avx2(r, dj, x, v, next) };
    }
    for ((ri, xi), vi) in r.iter_mut().zip(x).zip(v) {
        *ri -= dj * xi * vi;
    }
    dot8(next, r)
}

/// Adds the eight lanes as `dot8` does: ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7)).
#[inline(always)]
fn lanes_sum(l: &[f64; 8]) -> f64 {
    ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]))
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::lanes_sum;
    use std::arch::x86_64::*;

    /// Lanes 0–3 and 4–7 of an eight-lane accumulator as an array.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn lanes(lo: __m256d, hi: __m256d) -> [f64; 8] {
        let mut l = [0.0f64; 8];
        // SAFETY: `l` has room for 8 values; unaligned stores.
        unsafe {
            _mm256_storeu_pd(l.as_mut_ptr(), lo);
            _mm256_storeu_pd(l.as_mut_ptr().add(4), hi);
        }
        l
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) fn dot8_avx2(a: &[f64], b: &[f64]) -> f64 {
        let n = a.len().min(b.len());
        let body = n / 8 * 8;
        let (mut lo, mut hi) = (_mm256_setzero_pd(), _mm256_setzero_pd());
        let (pa, pb) = (a.as_ptr(), b.as_ptr());
        let mut i = 0;
        while i < body {
            // SAFETY: i + 8 <= n <= len of both slices; unaligned loads.
            unsafe {
                lo = _mm256_add_pd(lo, _mm256_mul_pd(_mm256_loadu_pd(pa.add(i)), _mm256_loadu_pd(pb.add(i))));
                hi = _mm256_add_pd(hi, _mm256_mul_pd(_mm256_loadu_pd(pa.add(i + 4)), _mm256_loadu_pd(pb.add(i + 4))));
            }
            i += 8;
        }
        let mut s = lanes_sum(&lanes(lo, hi));
        for k in body..n {
            s += a[k] * b[k];
        }
        s
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) fn sq_wdot8_avx2(a: &[f64], w: &[f64]) -> f64 {
        let n = a.len().min(w.len());
        let body = n / 8 * 8;
        let (mut lo, mut hi) = (_mm256_setzero_pd(), _mm256_setzero_pd());
        let (pa, pw) = (a.as_ptr(), w.as_ptr());
        let mut i = 0;
        while i < body {
            // SAFETY: i + 8 <= n <= len of both slices; unaligned loads.
            unsafe {
                let (x0, x1) = (_mm256_loadu_pd(pa.add(i)), _mm256_loadu_pd(pa.add(i + 4)));
                lo = _mm256_add_pd(lo, _mm256_mul_pd(_mm256_mul_pd(x0, x0), _mm256_loadu_pd(pw.add(i))));
                hi = _mm256_add_pd(hi, _mm256_mul_pd(_mm256_mul_pd(x1, x1), _mm256_loadu_pd(pw.add(i + 4))));
            }
            i += 8;
        }
        let mut s = lanes_sum(&lanes(lo, hi));
        for k in body..n {
            s += a[k] * a[k] * w[k];
        }
        s
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) fn axpy_dot8_avx2(r: &mut [f64], dj: f64, x: &[f64], v: &[f64], next: &[f64]) -> f64 {
        let n = r.len().min(x.len()).min(v.len()).min(next.len());
        let body = n / 8 * 8;
        let d = _mm256_set1_pd(dj);
        let (mut lo, mut hi) = (_mm256_setzero_pd(), _mm256_setzero_pd());
        let (pr, px, pv, pn) = (r.as_mut_ptr(), x.as_ptr(), v.as_ptr(), next.as_ptr());
        let mut i = 0;
        while i < body {
            // SAFETY: i + 8 <= n <= len of every slice; unaligned loads and stores.
            unsafe {
                for h in [0, 4] {
                    let upd =
                        _mm256_mul_pd(_mm256_mul_pd(d, _mm256_loadu_pd(px.add(i + h))), _mm256_loadu_pd(pv.add(i + h)));
                    let ri = _mm256_sub_pd(_mm256_loadu_pd(pr.add(i + h)), upd);
                    _mm256_storeu_pd(pr.add(i + h), ri);
                    let prod = _mm256_mul_pd(_mm256_loadu_pd(pn.add(i + h)), ri);
                    if h == 0 {
                        lo = _mm256_add_pd(lo, prod);
                    } else {
                        hi = _mm256_add_pd(hi, prod);
                    }
                }
            }
            i += 8;
        }
        for k in body..n {
            r[k] -= dj * x[k] * v[k];
        }
        let mut s = lanes_sum(&lanes(lo, hi));
        for k in body..n {
            s += next[k] * r[k];
        }
        s
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) fn dot8_x4_avx2(cols: [&[f64]; 4], b: &[f64]) -> [f64; 4] {
        let n = cols.iter().fold(b.len(), |m, c| m.min(c.len()));
        let body = n / 8 * 8;
        let mut lo = [_mm256_setzero_pd(); 4];
        let mut hi = [_mm256_setzero_pd(); 4];
        let pb = b.as_ptr();
        let pc = cols.map(|c| c.as_ptr());
        let mut i = 0;
        while i < body {
            // SAFETY: i + 8 <= n <= len of every slice; unaligned loads.
            unsafe {
                let (b0, b1) = (_mm256_loadu_pd(pb.add(i)), _mm256_loadu_pd(pb.add(i + 4)));
                for k in 0..4 {
                    lo[k] = _mm256_add_pd(lo[k], _mm256_mul_pd(_mm256_loadu_pd(pc[k].add(i)), b0));
                    hi[k] = _mm256_add_pd(hi[k], _mm256_mul_pd(_mm256_loadu_pd(pc[k].add(i + 4)), b1));
                }
            }
            i += 8;
        }
        let mut out = [0.0; 4];
        for k in 0..4 {
            let mut s = lanes_sum(&lanes(lo[k], hi[k]));
            for t in body..n {
                s += cols[k][t] * b[t];
            }
            out[k] = s;
        }
        out
    }
}
