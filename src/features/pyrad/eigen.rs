//! Eigenvalues for PyRadiomics' shape (symmetric 3×3 covariance) and GLCM MCC (general real
//! square matrix, as `numpy.linalg.eigvals`): Jacobi rotations, and balancing + Hessenberg
//! reduction + Francis double-shift QR (the classic EISPACK `balanc/elmhes/hqr` scheme).
//! This module must not know about images.
#![allow(clippy::needless_range_loop)] // index-heavy dense matrix algorithms read best with indices

/// Eigenvalues (re, im) of a general real square matrix (row-major `a[i][j]`); `None` when
/// the QR iteration does not converge.
pub fn general_eigenvalues(a: Vec<Vec<f64>>) -> Option<Vec<(f64, f64)>> {
    let n = a.len();
    let mut flat: Vec<f64> = a.into_iter().flatten().collect();
    general_eigenvalues_flat(&mut flat, n)
}

/// `general_eigenvalues` of the n×n matrix stored row-major in `a` (overwritten). The same
/// operations in the same order: bit-identical results, without per-row allocations.
pub fn general_eigenvalues_flat(a: &mut [f64], n: usize) -> Option<Vec<(f64, f64)>> {
    if n == 0 {
        return Some(Vec::new());
    }
    assert_eq!(a.len(), n * n, "an n×n matrix");
    let mut a = Mat { a, n };
    balance(&mut a);
    hessenberg(&mut a);
    for i in 0..n {
        for j in 0..i.saturating_sub(1) {
            a[i][j] = 0.0;
        }
    }
    hqr(&mut a)
}

/// Row-major square matrix view: `m[i]` is row i.
struct Mat<'a> {
    a: &'a mut [f64],
    n: usize,
}

impl std::ops::Index<usize> for Mat<'_> {
    type Output = [f64];
    fn index(&self, i: usize) -> &[f64] {
        &self.a[i * self.n..(i + 1) * self.n]
    }
}

impl std::ops::IndexMut<usize> for Mat<'_> {
    fn index_mut(&mut self, i: usize) -> &mut [f64] {
        &mut self.a[i * self.n..(i + 1) * self.n]
    }
}

impl Mat<'_> {
    fn len(&self) -> usize {
        self.n
    }

    /// `f(row)` for every row, in order.
    fn rows_mut(&mut self) -> std::slice::ChunksExactMut<'_, f64> {
        self.a.chunks_exact_mut(self.n)
    }

    /// Rows `m` and `i` (m < i) mutably at once.
    fn two_rows(&mut self, m: usize, i: usize) -> (&mut [f64], &mut [f64]) {
        let n = self.n;
        let (lo, hi) = self.a.split_at_mut(i * n);
        (&mut lo[m * n..(m + 1) * n], &mut hi[..n])
    }
}

fn balance(a: &mut Mat) {
    const RADIX: f64 = 2.0;
    let n = a.len();
    let sqrdx = RADIX * RADIX;
    let mut done = false;
    while !done {
        done = true;
        for i in 0..n {
            let (mut r, mut c) = (0.0, 0.0);
            for j in 0..n {
                if j != i {
                    c += a.a[j * a.n + i].abs();
                    r += a.a[i * a.n + j].abs();
                }
            }
            if c != 0.0 && r != 0.0 {
                let mut g = r / RADIX;
                let mut f = 1.0;
                let s = c + r;
                while c < g {
                    f *= RADIX;
                    c *= sqrdx;
                }
                g = r * RADIX;
                while c > g {
                    f /= RADIX;
                    c /= sqrdx;
                }
                if (c + r) / f < 0.95 * s {
                    done = false;
                    let g = 1.0 / f;
                    for j in 0..n {
                        a.a[i * a.n + j] *= g;
                    }
                    for row in a.rows_mut() {
                        row[i] *= f;
                    }
                }
            }
        }
    }
}

fn hessenberg(a: &mut Mat) {
    let n = a.len();
    for m in 1..n.saturating_sub(1) {
        let mut x = 0.0f64;
        let mut i = m;
        for j in m..n {
            if a.a[j * a.n + (m - 1)].abs() > x.abs() {
                x = a.a[j * a.n + (m - 1)];
                i = j;
            }
        }
        if i != m {
            for j in (m - 1)..n {
                a.a.swap(i * a.n + j, m * a.n + j);
            }
            for row in a.rows_mut() {
                row.swap(i, m);
            }
        }
        if x != 0.0 {
            for i in (m + 1)..n {
                let mut y = a.a[i * a.n + (m - 1)];
                if y != 0.0 {
                    y /= x;
                    a.a[i * a.n + (m - 1)] = y;
                    let (rm, ri) = a.two_rows(m, i);
                    for (x, &b) in ri[m..n].iter_mut().zip(&rm[m..n]) {
                        *x -= y * b;
                    }
                    for row in a.rows_mut() {
                        row[m] += y * row[i];
                    }
                }
            }
        }
    }
}

fn sign(a: f64, b: f64) -> f64 {
    if b >= 0.0 {
        a.abs()
    } else {
        -a.abs()
    }
}

#[allow(clippy::many_single_char_names)]
fn hqr(a: &mut Mat) -> Option<Vec<(f64, f64)>> {
    let n = a.len() as isize;
    let mut wr = vec![0.0; n as usize];
    let mut wi = vec![0.0; n as usize];
    let at = |a: &Mat, i: isize, j: isize| a.a[i as usize * a.n + j as usize];
    let mut anorm = 0.0;
    for i in 0..n {
        for j in (i - 1).max(0)..n {
            anorm += at(a, i, j).abs();
        }
    }
    let mut nn = n - 1;
    let mut t = 0.0;
    while nn >= 0 {
        let mut its = 0;
        loop {
            let mut l = nn;
            while l >= 1 {
                let mut s = at(a, l - 1, l - 1).abs() + at(a, l, l).abs();
                if s == 0.0 {
                    s = anorm;
                }
                if at(a, l, l - 1).abs() + s == s {
                    a.a[l as usize * a.n + ((l - 1) as usize)] = 0.0;
                    break;
                }
                l -= 1;
            }
            let mut x = at(a, nn, nn);
            if l == nn {
                wr[nn as usize] = x + t;
                wi[nn as usize] = 0.0;
                nn -= 1;
                break;
            }
            let mut y = at(a, nn - 1, nn - 1);
            let mut w = at(a, nn, nn - 1) * at(a, nn - 1, nn);
            if l == nn - 1 {
                let p = 0.5 * (y - x);
                let q = p * p + w;
                let z = q.abs().sqrt();
                x += t;
                let (i1, i2) = ((nn - 1) as usize, nn as usize);
                if q >= 0.0 {
                    let z = p + sign(z, p);
                    wr[i1] = x + z;
                    wr[i2] = x + z;
                    if z != 0.0 {
                        wr[i2] = x - w / z;
                    }
                    wi[i1] = 0.0;
                    wi[i2] = 0.0;
                } else {
                    wr[i1] = x + p;
                    wr[i2] = x + p;
                    wi[i1] = -z;
                    wi[i2] = z;
                }
                nn -= 2;
                break;
            }
            if its == 60 {
                return None;
            }
            if its == 10 || its == 20 {
                t += x;
                for i in 0..=nn {
                    a.a[i as usize * a.n + i as usize] -= x;
                }
                let s = at(a, nn, nn - 1).abs() + at(a, nn - 1, nn - 2).abs();
                x = 0.75 * s;
                y = x;
                w = -0.4375 * s * s;
            }
            its += 1;
            let (mut p, mut q, mut r) = (0.0, 0.0, 0.0);
            let mut m = nn - 2;
            while m >= l {
                let z = at(a, m, m);
                r = x - z;
                let s = y - z;
                p = (r * s - w) / at(a, m + 1, m) + at(a, m, m + 1);
                q = at(a, m + 1, m + 1) - z - r - s;
                r = at(a, m + 2, m + 1);
                let s = p.abs() + q.abs() + r.abs();
                p /= s;
                q /= s;
                r /= s;
                if m == l {
                    break;
                }
                let u = at(a, m, m - 1).abs() * (q.abs() + r.abs());
                let v = p.abs() * (at(a, m - 1, m - 1).abs() + z.abs() + at(a, m + 1, m + 1).abs());
                if u + v == v {
                    break;
                }
                m -= 1;
            }
            for i in (m + 2)..=nn {
                a.a[i as usize * a.n + ((i - 2) as usize)] = 0.0;
                if i != m + 2 {
                    a.a[i as usize * a.n + ((i - 3) as usize)] = 0.0;
                }
            }
            let mut k = m;
            while k < nn {
                if k != m {
                    p = at(a, k, k - 1);
                    q = at(a, k + 1, k - 1);
                    r = 0.0;
                    if k != nn - 1 {
                        r = at(a, k + 2, k - 1);
                    }
                    x = p.abs() + q.abs() + r.abs();
                    if x != 0.0 {
                        p /= x;
                        q /= x;
                        r /= x;
                    }
                }
                let s = sign((p * p + q * q + r * r).sqrt(), p);
                if s != 0.0 {
                    if k == m {
                        if l != m {
                            a.a[k as usize * a.n + ((k - 1) as usize)] = -at(a, k, k - 1);
                        }
                    } else {
                        a.a[k as usize * a.n + ((k - 1) as usize)] = -s * x;
                    }
                    p += s;
                    x = p / s;
                    y = q / s;
                    let z = r / s;
                    q /= p;
                    r /= p;
                    for j in k..=nn {
                        let (ku, ju) = (k as usize, j as usize);
                        let mut pp = a.a[ku * a.n + ju] + q * a.a[(ku + 1) * a.n + ju];
                        if k != nn - 1 {
                            pp += r * a.a[(ku + 2) * a.n + ju];
                            a.a[(ku + 2) * a.n + ju] -= pp * z;
                        }
                        a.a[(ku + 1) * a.n + ju] -= pp * y;
                        a.a[ku * a.n + ju] -= pp * x;
                    }
                    let mmin = if nn < k + 3 { nn } else { k + 3 };
                    for i in l..=mmin {
                        let (iu, ku) = (i as usize, k as usize);
                        let mut pp = x * a.a[iu * a.n + ku] + y * a.a[iu * a.n + (ku + 1)];
                        if k != nn - 1 {
                            pp += z * a.a[iu * a.n + (ku + 2)];
                            a.a[iu * a.n + (ku + 2)] -= pp * r;
                        }
                        a.a[iu * a.n + (ku + 1)] -= pp * q;
                        a.a[iu * a.n + ku] -= pp;
                    }
                }
                k += 1;
            }
        }
    }
    Some(wr.into_iter().zip(wi).collect())
}

/// The k-th largest eigenvalue (k = 1: the largest) of the symmetric n×n matrix stored
/// row-major in `a` (both triangles; overwritten): Householder tridiagonalisation on whole
/// contiguous rows (the rank-2 updates keep the matrix exactly symmetric), then Sturm-sequence
/// bisection to full precision. `None` for k outside 1..=n.
pub fn symmetric_kth_largest(a: &mut [f64], n: usize, k: usize) -> Option<f64> {
    if k == 0 || k > n {
        return None;
    }
    assert_eq!(a.len(), n * n, "an n×n matrix");
    let (d, e) = tridiagonalise(a, n);
    Some(bisect_kth_largest(&d, &e, k))
}

/// Householder reduction of the symmetric matrix `a` (full storage) to tridiagonal form,
/// from the last row up: diagonal `d` and sub-diagonal `e` (`e[i]` couples rows i−1 and i).
/// Each step's rank-2 update also takes the next step's products A·u row by row while the
/// row is at hand (the next Householder vector comes from the first row updated): one pass
/// over the matrix per step, the same operations in the same order as two passes.
fn tridiagonalise(a: &mut [f64], n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut e = vec![0.0; n];
    let (mut u, mut u_next, mut q, mut dots) = (vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    let mut house = if n >= 2 { householder(a, n, n - 1, &mut u, &mut e) } else { None };
    let mut have_dots = false;
    for i in (1..n).rev() {
        let m = i; // the leading block 0..m still to reduce
        let Some(h) = house else {
            // Row i needed no reflection (e[i] is set); the block is unchanged.
            house = if i >= 2 { householder(a, n, i - 1, &mut u, &mut e) } else { None };
            have_dots = false;
            continue;
        };
        if !have_dots {
            for j in 0..m {
                dots[j] = dot4(&a[j * n..j * n + m], &u[..m]);
            }
        }
        // q = A·u / h − (uᵀA·u / 2h²)·u, then A −= u·qᵀ + q·uᵀ on the leading block.
        let mut uq = 0.0;
        for j in 0..m {
            q[j] = dots[j] / h;
            uq += q[j] * u[j];
        }
        let hh = uq / (h + h);
        for j in 0..m {
            q[j] -= hh * u[j];
        }
        let (uu, qq) = (&u[..m], &q[..m]);
        rank2_update(&mut a[(m - 1) * n..m * n], uu, qq, m - 1);
        let next = if i >= 2 { householder(a, n, i - 1, &mut u_next, &mut e) } else { None };
        for j in 0..m - 1 {
            let row = &mut a[j * n..(j + 1) * n];
            if next.is_some() {
                dots[j] = update_dot4(&mut row[..m], uu, qq, j, &u_next[..m - 1]);
            } else {
                rank2_update(&mut row[..m], uu, qq, j);
            }
        }
        std::mem::swap(&mut u, &mut u_next);
        house = next;
        have_dots = next.is_some();
    }
    let d = (0..n).map(|i| a[i * n + i]).collect();
    (d, e)
}

/// The Householder vector `u[..i]` reducing row i (its leading i entries) and its h, or
/// `None` when the row needs no reflection (one entry, or all zero); sets `e[i]` either way.
fn householder(a: &[f64], n: usize, i: usize, u: &mut [f64], e: &mut [f64]) -> Option<f64> {
    let m = i;
    let row_i = &a[i * n..i * n + m];
    let scale: f64 = row_i.iter().map(|v| v.abs()).sum();
    if m == 1 || scale == 0.0 {
        e[i] = a[i * n + m - 1];
        return None;
    }
    let mut h = 0.0;
    for (uk, &v) in u.iter_mut().zip(row_i) {
        *uk = v / scale;
        h += *uk * *uk;
    }
    let f = u[m - 1];
    let g = if f >= 0.0 { -h.sqrt() } else { h.sqrt() };
    e[i] = scale * g;
    h -= f * g;
    u[m - 1] = f - g;
    Some(h)
}

/// `row[k] -= u[j]·q[k] + q[j]·u[k]` for every k, returning the updated `row[..m − 1]`'s
/// `dot4` with `v` (m − 1 entries) in one pass: the same operations in the same order as the
/// update followed by `dot4`, without reading the row twice.
fn update_dot4(row: &mut [f64], u: &[f64], q: &[f64], j: usize, v: &[f64]) -> f64 {
    let m = row.len();
    assert!(m >= 1 && u.len() >= m && q.len() >= m && v.len() + 1 >= m);
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the CPU supports AVX (checked just above); the lengths are checked above.
        return unsafe { update_dot4_avx(row, u, q, j, v) };
    }
    update_dot4_portable(row, u, q, j, v)
}

/// `update_dot4` without vector instructions: the update, then `dot4`.
fn update_dot4_portable(row: &mut [f64], u: &[f64], q: &[f64], j: usize, v: &[f64]) -> f64 {
    let m = row.len();
    rank2_update(row, u, q, j);
    dot4(&row[..m - 1], &v[..m - 1])
}

/// Row j's part of the rank-2 update: `row[k] -= u[j]·q[k] + q[j]·u[k]` for every k.
fn rank2_update(row: &mut [f64], u: &[f64], q: &[f64], j: usize) {
    let (uj, qj) = (u[j], q[j]);
    for ((x, &qk), &uk) in row.iter_mut().zip(q).zip(u) {
        *x -= uj * qk + qj * uk;
    }
}

/// The scalar tail of `update_dot4` from `body` on, given the vector part's sum `s`.
#[inline(always)]
fn finish_update_dot4(row: &mut [f64], u: &[f64], q: &[f64], j: usize, v: &[f64], body: usize, mut s: f64) -> f64 {
    let (uj, qj) = (u[j], q[j]);
    let m = row.len();
    for k in body..m - 1 {
        row[k] -= uj * q[k] + qj * u[k];
        s += row[k] * v[k];
    }
    row[m - 1] -= uj * q[m - 1] + qj * u[m - 1];
    s
}

/// `update_dot4` with 4-lane AVX vectors: separate multiplies and adds (no FMA), so every
/// value rounds as in the portable path.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
unsafe fn update_dot4_avx(row: &mut [f64], u: &[f64], q: &[f64], j: usize, v: &[f64]) -> f64 {
    use std::arch::x86_64::*;
    let m = row.len();
    let body = (m - 1) / 4 * 4;
    let (ujv, qjv) = (_mm256_set1_pd(u[j]), _mm256_set1_pd(q[j]));
    let mut acc = _mm256_setzero_pd();
    let (r, up, qp, vp) = (row.as_mut_ptr(), u.as_ptr(), q.as_ptr(), v.as_ptr());
    for k in (0..body).step_by(4) {
        // SAFETY: k + 4 <= body <= m − 1, within row, u, q (≥ m) and v (≥ m − 1).
        let t = _mm256_add_pd(
            _mm256_mul_pd(ujv, _mm256_loadu_pd(qp.add(k))),
            _mm256_mul_pd(qjv, _mm256_loadu_pd(up.add(k))),
        );
        let x = _mm256_sub_pd(_mm256_loadu_pd(r.add(k)), t);
        _mm256_storeu_pd(r.add(k), x);
        acc = _mm256_add_pd(acc, _mm256_mul_pd(x, _mm256_loadu_pd(vp.add(k))));
    }
    let mut a = [0.0f64; 4];
    _mm256_storeu_pd(a.as_mut_ptr(), acc);
    finish_update_dot4(row, u, q, j, v, body, (a[0] + a[1]) + (a[2] + a[3]))
}

/// Dot product with four interleaved partial sums (a fixed order the compiler can vectorise).
fn dot4(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0f64; 4];
    let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for t in 0..4 {
            acc[t] += x[t] * y[t];
        }
    }
    let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
    }
    s
}

/// Sturm-count points per multisection round (one round narrows the bracket ninefold).
const SECTIONS: usize = 8;

/// The k-th largest eigenvalue of the symmetric tridiagonal (d, e) by multisection on Sturm
/// counts, from the Gershgorin interval down to adjacent floating-point numbers. Each round
/// counts at `SECTIONS` interior points at once (independent recurrences: their divisions
/// overlap instead of waiting on each other), then keeps the sub-interval where the count
/// passes n − k. The bracket ends on the same pair of adjacent numbers as plain bisection
/// (`bisect_kth_largest_plain`, the tests' oracle) wherever the count is monotone in x.
fn bisect_kth_largest(d: &[f64], e: &[f64], k: usize) -> f64 {
    let e2: Vec<f64> = e.iter().map(|v| v * v).collect();
    let (mut lo, mut hi) = gershgorin(d, e);
    // The wanted eigenvalue has n − k eigenvalues below it.
    let below = d.len() - k;
    loop {
        let w = hi - lo;
        let xs: [f64; SECTIONS] = std::array::from_fn(|j| lo + w * ((j + 1) as f64 / (SECTIONS + 1) as f64));
        let distinct = lo < xs[0] && xs.windows(2).all(|p| p[0] < p[1]) && xs[SECTIONS - 1] < hi;
        if !distinct {
            break;
        }
        let counts = sturm_counts(d, &e2, xs);
        // The first point whose count passes `below` closes the bracket (hi stays when none).
        let j = counts.iter().position(|&c| c > below).unwrap_or(SECTIONS);
        if j < SECTIONS {
            hi = xs[j];
        }
        if j > 0 {
            lo = xs[j - 1];
        }
    }
    bisect_between(d, &e2, below, lo, hi)
}

/// `bisect_kth_largest` by plain bisection from the Gershgorin interval.
#[cfg(test)]
fn bisect_kth_largest_plain(d: &[f64], e: &[f64], k: usize) -> f64 {
    let e2: Vec<f64> = e.iter().map(|v| v * v).collect();
    let (lo, hi) = gershgorin(d, e);
    bisect_between(d, &e2, d.len() - k, lo, hi)
}

/// Gershgorin interval of the tridiagonal (d, e): every eigenvalue lies in it.
fn gershgorin(d: &[f64], e: &[f64]) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for i in 0..d.len() {
        let r = e[i].abs() + e.get(i + 1).map_or(0.0, |v| v.abs());
        lo = lo.min(d[i] - r);
        hi = hi.max(d[i] + r);
    }
    (lo, hi)
}

/// Bisection of the bracket (lo, hi) down to adjacent floating-point numbers: the point where
/// the Sturm count passes `below`.
fn bisect_between(d: &[f64], e2: &[f64], below: usize, mut lo: f64, mut hi: f64) -> f64 {
    loop {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            return mid;
        }
        if sturm_counts(d, e2, [mid])[0] > below {
            hi = mid;
        } else {
            lo = mid;
        }
    }
}

/// Number of eigenvalues of the tridiagonal (d, e² = `e2`) below each of the points `x`
/// (one independent recurrence per point).
fn sturm_counts<const M: usize>(d: &[f64], e2: &[f64], x: [f64; M]) -> [usize; M] {
    let mut count = [0usize; M];
    let mut q = [1.0f64; M];
    for i in 0..d.len() {
        for m in 0..M {
            // A zero pivot is nudged to a tiny negative-safe value (LAPACK dstebz's pivmin idea).
            let prev = if q[m] == 0.0 { f64::MIN_POSITIVE } else { q[m] };
            q[m] = d[i] - x[m] - if i == 0 { 0.0 } else { e2[i] / prev };
            count[m] += usize::from(q[m] < 0.0);
        }
    }
    count
}

/// Eigenvalues of a symmetric 3×3 matrix, ascending (cyclic Jacobi).
pub fn symmetric3_eigenvalues(m: [[f64; 3]; 3]) -> [f64; 3] {
    let mut a = m;
    for _ in 0..100 {
        let off = a[0][1].powi(2) + a[0][2].powi(2) + a[1][2].powi(2);
        if off == 0.0 {
            break;
        }
        for (p, q) in [(0usize, 1usize), (0, 2), (1, 2)] {
            if a[p][q] == 0.0 {
                continue;
            }
            let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
            let t = sign(1.0, theta) / (theta.abs() + (theta * theta + 1.0).sqrt());
            let c = 1.0 / (t * t + 1.0).sqrt();
            let s = t * c;
            let mut b = a;
            for k in 0..3 {
                b[k][p] = c * a[k][p] - s * a[k][q];
                b[k][q] = s * a[k][p] + c * a[k][q];
            }
            let mut d = b;
            for k in 0..3 {
                d[p][k] = c * b[p][k] - s * b[q][k];
                d[q][k] = s * b[p][k] + c * b[q][k];
            }
            d[p][q] = 0.0;
            d[q][p] = 0.0;
            a = d;
        }
    }
    let mut e = [a[0][0], a[1][1], a[2][2]];
    e.sort_by(|x, y| x.total_cmp(y));
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fused_update_and_dot_match_the_two_passes_bit_for_bit() {
        let mut next = crate::features::pyrad::test_rng(1357911);
        let mut rnd = || next(1 << 40) as f64 / (1u64 << 40) as f64 - 0.5;
        for m in 1..=23 {
            let row: Vec<f64> = (0..m).map(|_| rnd()).collect();
            let (u, q, v): (Vec<f64>, Vec<f64>, Vec<f64>) =
                ((0..m).map(|_| rnd()).collect(), (0..m).map(|_| rnd()).collect(), (0..m).map(|_| rnd()).collect());
            for j in [0, m / 2, m - 1] {
                // The two passes: the rank-2 update, then dot4 over the first m − 1 entries.
                let mut want = row.clone();
                for k in 0..m {
                    want[k] -= u[j] * q[k] + q[j] * u[k];
                }
                let want_dot = dot4(&want[..m - 1], &v[..m - 1]);
                let (mut fused, mut portable) = (row.clone(), row.clone());
                let got = update_dot4(&mut fused, &u, &q, j, &v[..m - 1]);
                let got_portable = update_dot4_portable(&mut portable, &u, &q, j, &v[..m - 1]);
                let bits = |x: &[f64]| x.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&fused), bits(&want), "m {m} j {j}");
                assert_eq!(bits(&portable), bits(&want), "m {m} j {j}");
                assert_eq!(got.to_bits(), want_dot.to_bits(), "m {m} j {j}");
                assert_eq!(got_portable.to_bits(), want_dot.to_bits(), "m {m} j {j}");
            }
        }
    }

    #[test]
    fn general_eigenvalues_known_matrices() {
        // [[2,1],[1,2]] -> 1, 3; rotation [[0,-1],[1,0]] -> ±i; companion of (x-1)(x-2)(x-3).
        let mut e = general_eigenvalues(vec![vec![2.0, 1.0], vec![1.0, 2.0]]).unwrap();
        e.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!((e[0].0 - 1.0).abs() < 1e-12 && (e[1].0 - 3.0).abs() < 1e-12);
        let e = general_eigenvalues(vec![vec![0.0, -1.0], vec![1.0, 0.0]]).unwrap();
        assert!(e.iter().all(|(re, im)| re.abs() < 1e-12 && (im.abs() - 1.0).abs() < 1e-12));
        let mut e = general_eigenvalues(vec![vec![6.0, -11.0, 6.0], vec![1.0, 0.0, 0.0], vec![0.0, 1.0, 0.0]]).unwrap();
        e.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (k, want) in [1.0, 2.0, 3.0].iter().enumerate() {
            assert!((e[k].0 - want).abs() < 1e-9, "{e:?}");
        }
    }

    #[test]
    fn symmetric_kth_largest_matches_known_spectra() {
        // Tridiagonal [-1 2 -1] of size n: eigenvalues 2 − 2cos(jπ/(n+1)), j = 1..n.
        let n = 9;
        let mut a = vec![0.0; n * n];
        for i in 0..n {
            a[i * n + i] = 2.0;
            if i + 1 < n {
                a[i * n + i + 1] = -1.0;
                a[(i + 1) * n + i] = -1.0;
            }
        }
        let want = |j: usize| 2.0 - 2.0 * (j as f64 * std::f64::consts::PI / (n + 1) as f64).cos();
        for k in 1..=n {
            let got = symmetric_kth_largest(&mut a.clone(), n, k).unwrap();
            assert!((got - want(n + 1 - k)).abs() < 1e-13, "k={k}: {got} vs {}", want(n + 1 - k));
        }
        // A dense symmetric matrix: the general solver's eigenvalues.
        let m = [[4.0, 1.0, -2.0, 2.0], [1.0, 2.0, 0.0, 1.0], [-2.0, 0.0, 3.0, -2.0], [2.0, 1.0, -2.0, -1.0]];
        let mut ev: Vec<f64> =
            general_eigenvalues(m.iter().map(|r| r.to_vec()).collect()).unwrap().into_iter().map(|e| e.0).collect();
        ev.sort_by(|x, y| y.total_cmp(x));
        let flat: Vec<f64> = m.iter().flatten().copied().collect();
        for k in 1..=4 {
            let got = symmetric_kth_largest(&mut flat.clone(), 4, k).unwrap();
            assert!((got - ev[k - 1]).abs() < 1e-12, "k={k}: {got} vs {}", ev[k - 1]);
        }
        assert!(symmetric_kth_largest(&mut flat.clone(), 4, 5).is_none());
    }

    #[test]
    fn multisection_ends_where_bisection_ends() {
        // Random symmetric tridiagonals (and clustered spectra): every k, bit for bit.
        let mut rng = crate::features::pyrad::test_rng(11);
        for n in [1usize, 2, 3, 7, 20, 64] {
            for trial in 0..6 {
                let d: Vec<f64> = (0..n).map(|_| rng(2001) as f64 / 1000.0 - 1.0).collect();
                let e: Vec<f64> = (0..n)
                    .map(|i| {
                        if i == 0 {
                            0.0
                        } else if trial == 5 {
                            1e-9 * rng(7) as f64
                        } else {
                            rng(1001) as f64 / 500.0 - 1.0
                        }
                    })
                    .collect();
                for k in 1..=n {
                    let (fast, plain) = (bisect_kth_largest(&d, &e, k), bisect_kth_largest_plain(&d, &e, k));
                    assert_eq!(fast.to_bits(), plain.to_bits(), "n={n} trial={trial} k={k}: {fast} vs {plain}");
                }
            }
        }
    }

    #[test]
    fn symmetric3() {
        let e = symmetric3_eigenvalues([[2.0, 1.0, 0.0], [1.0, 2.0, 0.0], [0.0, 0.0, 5.0]]);
        assert!((e[0] - 1.0).abs() < 1e-12 && (e[1] - 3.0).abs() < 1e-12 && (e[2] - 5.0).abs() < 1e-12);
    }
}
