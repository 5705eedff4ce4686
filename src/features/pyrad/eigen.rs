//! Eigenvalues for PyRadiomics' shape (symmetric 3×3 covariance) and GLCM MCC (general real
//! square matrix, as `numpy.linalg.eigvals`): Jacobi rotations, and balancing + Hessenberg
//! reduction + Francis double-shift QR (the classic EISPACK `balanc/elmhes/hqr` scheme).
//! This module must not know about images.
#![allow(clippy::needless_range_loop)] // index-heavy dense matrix algorithms read best with indices

/// Eigenvalues (re, im) of a general real square matrix (row-major `a[i][j]`); `None` when
/// the QR iteration does not converge.
pub fn general_eigenvalues(mut a: Vec<Vec<f64>>) -> Option<Vec<(f64, f64)>> {
    let n = a.len();
    if n == 0 {
        return Some(Vec::new());
    }
    balance(&mut a);
    hessenberg(&mut a);
    for i in 0..n {
        for j in 0..i.saturating_sub(1) {
            a[i][j] = 0.0;
        }
    }
    hqr(&mut a)
}

fn balance(a: &mut [Vec<f64>]) {
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
                    c += a[j][i].abs();
                    r += a[i][j].abs();
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
                        a[i][j] *= g;
                    }
                    for row in a.iter_mut() {
                        row[i] *= f;
                    }
                }
            }
        }
    }
}

fn hessenberg(a: &mut [Vec<f64>]) {
    let n = a.len();
    for m in 1..n.saturating_sub(1) {
        let mut x = 0.0f64;
        let mut i = m;
        for j in m..n {
            if a[j][m - 1].abs() > x.abs() {
                x = a[j][m - 1];
                i = j;
            }
        }
        if i != m {
            for j in (m - 1)..n {
                let t = a[i][j];
                a[i][j] = a[m][j];
                a[m][j] = t;
            }
            for row in a.iter_mut() {
                row.swap(i, m);
            }
        }
        if x != 0.0 {
            for i in (m + 1)..n {
                let mut y = a[i][m - 1];
                if y != 0.0 {
                    y /= x;
                    a[i][m - 1] = y;
                    for j in m..n {
                        a[i][j] -= y * a[m][j];
                    }
                    for row in a.iter_mut() {
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
fn hqr(a: &mut [Vec<f64>]) -> Option<Vec<(f64, f64)>> {
    let n = a.len() as isize;
    let mut wr = vec![0.0; n as usize];
    let mut wi = vec![0.0; n as usize];
    let at = |a: &[Vec<f64>], i: isize, j: isize| a[i as usize][j as usize];
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
                    a[l as usize][(l - 1) as usize] = 0.0;
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
                    a[i as usize][i as usize] -= x;
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
                a[i as usize][(i - 2) as usize] = 0.0;
                if i != m + 2 {
                    a[i as usize][(i - 3) as usize] = 0.0;
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
                            a[k as usize][(k - 1) as usize] = -at(a, k, k - 1);
                        }
                    } else {
                        a[k as usize][(k - 1) as usize] = -s * x;
                    }
                    p += s;
                    x = p / s;
                    y = q / s;
                    let z = r / s;
                    q /= p;
                    r /= p;
                    for j in k..=nn {
                        let (ku, ju) = (k as usize, j as usize);
                        let mut pp = a[ku][ju] + q * a[ku + 1][ju];
                        if k != nn - 1 {
                            pp += r * a[ku + 2][ju];
                            a[ku + 2][ju] -= pp * z;
                        }
                        a[ku + 1][ju] -= pp * y;
                        a[ku][ju] -= pp * x;
                    }
                    let mmin = if nn < k + 3 { nn } else { k + 3 };
                    for i in l..=mmin {
                        let (iu, ku) = (i as usize, k as usize);
                        let mut pp = x * a[iu][ku] + y * a[iu][ku + 1];
                        if k != nn - 1 {
                            pp += z * a[iu][ku + 2];
                            a[iu][ku + 2] -= pp * r;
                        }
                        a[iu][ku + 1] -= pp * q;
                        a[iu][ku] -= pp;
                    }
                }
                k += 1;
            }
        }
    }
    Some(wr.into_iter().zip(wi).collect())
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
    fn symmetric3() {
        let e = symmetric3_eigenvalues([[2.0, 1.0, 0.0], [1.0, 2.0, 0.0], [0.0, 0.0, 5.0]]);
        assert!((e[0] - 1.0).abs() < 1e-12 && (e[1] - 3.0).abs() < 1e-12 && (e[2] - 5.0).abs() < 1e-12);
    }
}
