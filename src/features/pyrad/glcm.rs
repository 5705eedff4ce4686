//! PyRadiomics GLCM (`glcm.py` + `cmatrices.c`): one matrix per mono-directional offset of
//! every requested distance (13 in 3D for distance 1), symmetrised, optionally summed with
//! `weightingNorm` weights, empty directions dropped, features averaged over directions
//! (numpy `nanmean`). Grey levels absent from the ROI are removed; i, j are grey values.
//! This module must not merge directions unless `weightingNorm` asks for it.

use super::angles::angles;
use super::binning::{discretised, Discretised};
use super::eigen::{general_eigenvalues_flat, symmetric_kth_largest};
use super::roi::RoiArrays;
use super::settings::PyradSettings;
use super::{nanmean, PyradError};

const EPS: f64 = f64::EPSILON;

/// Count co-occurrences per offset: `P[a][i·ng + j]` over present grey levels.
///
/// Counted as integers (exact, so the same as adding 1.0 in any order) in one table per
/// offset with an extra column 0 for neighbours outside the ROI: each ROI voxel adds one to
/// cell (its level, the neighbour's level + 1 or 0) of every offset's table, with no branch.
/// u32 tables are half the size of f64 ones (13 of them for 95 grey levels: 470 KB).
fn count_matrices(d: &Discretised, offsets: &[[i64; 3]], pos: &[usize], ngp: usize) -> Vec<Vec<f64>> {
    let (pd, disp) = d.padded_for(offsets);
    // Neighbour codes: present-level position + 1 inside the ROI, 0 outside.
    let code: Vec<u32> = pd.levels.iter().map(|&g| if g == 0 { 0 } else { pos[g as usize] as u32 + 1 }).collect();
    let width = ngp + 1;
    let table = ngp * width;
    let mut counts = vec![0u32; offsets.len() * table];
    let tables: Vec<usize> = (0..offsets.len()).map(|a| a * table).collect();
    for (at, len) in pd.roi_rows() {
        for v in at..at + len {
            let c = code[v] as usize;
            if c == 0 {
                continue;
            }
            let row = (c - 1) * width;
            for (&t, &o) in tables.iter().zip(&disp) {
                counts[t + row + code[v.wrapping_add_signed(o)] as usize] += 1;
            }
        }
    }
    counts
        .chunks_exact(table)
        .map(|t| t.chunks_exact(width).flat_map(|r| r[1..].iter().map(|&c| f64::from(c))).collect())
        .collect()
}

/// PyRadiomics direction weight for `weightingNorm` (GLCM variant: exp(−‖d‖²)).
fn weight(norm: &str, off: &[i64; 3], spacing: [f64; 3]) -> f64 {
    let v: Vec<f64> = (0..3).map(|k| off[k].abs() as f64 * spacing[k]).collect();
    match norm {
        "infinity" => (-v.iter().cloned().fold(f64::NEG_INFINITY, f64::max).powi(2)).exp(),
        "euclidean" => (-v.iter().map(|x| x * x).sum::<f64>()).exp(),
        "manhattan" => (-v.iter().sum::<f64>().powi(2)).exp(),
        _ => 1.0,
    }
}

/// All GLCM features (PyRadiomics names) of the ROI.
pub fn compute(roi: &RoiArrays, settings: &PyradSettings) -> Result<Vec<(&'static str, f64)>, PyradError> {
    let d = discretised(roi, settings)?;
    let sh = d.levels.shape();
    let force = settings.force2D.then_some(settings.force2Ddimension);
    let offsets = angles([sh[0], sh[1], sh[2]], &settings.distances, false, force);
    if offsets.is_empty() {
        return Err(PyradError::Feature { class: "glcm", msg: "no valid offsets for this ROI".into() });
    }
    let mut pos = vec![0usize; d.ng as usize + 1];
    for (k, &g) in d.gray_levels.iter().enumerate() {
        pos[g as usize] = k;
    }
    let ngp = d.gray_levels.len();
    d.check_u32_counts("glcm")?;
    let mut mats = count_matrices(&d, &offsets, &pos, ngp);
    if settings.symmetricalGLCM {
        // P + Pᵀ in place (addition commutes: both cells of a pair get the same sum).
        for p in mats.iter_mut() {
            for i in 0..ngp {
                p[i * ngp + i] += p[i * ngp + i];
                for j in 0..i {
                    let s = p[i * ngp + j] + p[j * ngp + i];
                    p[i * ngp + j] = s;
                    p[j * ngp + i] = s;
                }
            }
        }
    }
    if let Some(norm) = &settings.weightingNorm {
        let mut sum = vec![0.0; ngp * ngp];
        for (p, off) in mats.iter().zip(&offsets) {
            let w = weight(norm, off, roi.spacing);
            for (s, v) in sum.iter_mut().zip(p) {
                *s += v * w;
            }
        }
        mats = vec![sum];
    }
    if mats.len() > 1 {
        mats.retain(|p| p.iter().sum::<f64>() != 0.0);
    }
    let g: Vec<f64> = d.gray_levels.iter().map(|&x| x as f64).collect();
    let per_angle: Vec<Vec<f64>> = mats
        .iter()
        .map(|p| {
            let s: f64 = p.iter().sum();
            let pn: Vec<f64> = p.iter().map(|v| if s == 0.0 { f64::NAN } else { v / s }).collect();
            angle_features(&pn, &g, d.ng as usize, settings.symmetricalGLCM)
        })
        .collect();
    let mean = |k: usize| nanmean(&per_angle.iter().map(|f| f[k]).collect::<Vec<_>>());
    Ok(NAMES.iter().enumerate().map(|(k, n)| (*n, mean(k))).collect())
}

const NAMES: [&str; 24] = [
    "Autocorrelation",
    "ClusterProminence",
    "ClusterShade",
    "ClusterTendency",
    "Contrast",
    "Correlation",
    "DifferenceAverage",
    "DifferenceEntropy",
    "DifferenceVariance",
    "Id",
    "Idm",
    "Idmn",
    "Idn",
    "Imc1",
    "Imc2",
    "InverseVariance",
    "JointAverage",
    "JointEnergy",
    "JointEntropy",
    "MCC",
    "MaximumProbability",
    "SumAverage",
    "SumEntropy",
    "SumSquares",
];

/// Features of one normalised matrix `p` (row i, column j over grey values `g`), in NAMES order.
/// A symmetric `p` (symmetricalGLCM) is summed over its lower triangle, each off-diagonal
/// term doubled (exactly: ×2), as the two mirrored cells add the same term.
fn angle_features(p: &[f64], g: &[f64], ng: usize, symmetric: bool) -> Vec<f64> {
    let n = g.len();
    let at = |i: usize, j: usize| p[i * n + j];
    let px: Vec<f64> = (0..n).map(|i| (0..n).map(|j| at(i, j)).sum()).collect();
    let py: Vec<f64> = (0..n).map(|j| (0..n).map(|i| at(i, j)).sum()).collect();
    let ux: f64 = (0..n).map(|i| g[i] * px[i]).sum();
    let uy: f64 = (0..n).map(|j| g[j] * py[j]).sum();
    let mut pxy_sum = vec![0.0; 2 * ng + 1];
    let mut pxy_diff = vec![0.0; ng];
    let (mut ac, mut cp, mut cs, mut ct, mut con) = (0.0, 0.0, 0.0, 0.0, 0.0);
    let (mut corm, mut ene, mut hxy, mut hxy1, mut hxy2) = (0.0, 0.0, 0.0, 0.0, 0.0);
    let mut maxp = f64::NEG_INFINITY;
    let lg = log2_products(&px, &py);
    for i in 0..n {
        let row = if symmetric { i + 1 } else { n };
        for j in 0..row {
            let v = at(i, j);
            let w = if symmetric && j != i { 2.0 } else { 1.0 };
            let pp = px[i] * py[j];
            let lpp = lg[i * n + j];
            hxy2 -= w * pp * lpp;
            if v == 0.0 {
                // Every other term is ±0 here; adding ±0 to a sum that starts at +0 changes
                // nothing, so skipping them keeps the result bit for bit.
                continue;
            }
            let vw = w * v;
            let (gi, gj) = (g[i], g[j]);
            pxy_sum[(gi + gj) as usize] += vw;
            pxy_diff[(gi - gj).abs() as usize] += vw;
            ac += vw * gi * gj;
            let c = gi + gj - ux - uy;
            cp += vw * c.powi(4);
            cs += vw * c.powi(3);
            ct += vw * c * c;
            con += vw * (gi - gj).powi(2);
            corm += vw * (gi - ux) * (gj - uy);
            ene += vw * v;
            hxy -= vw * (v + EPS).log2();
            hxy1 -= vw * lpp;
            maxp = maxp.max(v);
        }
    }
    // Σ_ij p(i,j)·(g_i − ux)² over the row marginal (and likewise for y).
    let ss: f64 = (0..n).map(|i| px[i] * (g[i] - ux).powi(2)).sum();
    let var_y: f64 = (0..n).map(|j| py[j] * (g[j] - uy).powi(2)).sum();
    let (sigx, sigy) = (ss.sqrt(), var_y.sqrt());
    let corr = if sigx * sigy == 0.0 { 1.0 } else { corm / (sigx * sigy + EPS) };
    let diffs = &pxy_diff;
    let da: f64 = diffs.iter().enumerate().map(|(k, v)| k as f64 * v).sum();
    let de: f64 = -diffs.iter().map(|v| v * (v + EPS).log2()).sum::<f64>();
    let dv: f64 = diffs.iter().enumerate().map(|(k, v)| v * (k as f64 - da).powi(2)).sum();
    let ngf = ng as f64;
    let id: f64 = diffs.iter().enumerate().map(|(k, v)| v / (1.0 + k as f64)).sum();
    let idm: f64 = diffs.iter().enumerate().map(|(k, v)| v / (1.0 + (k * k) as f64)).sum();
    let idmn: f64 = diffs.iter().enumerate().map(|(k, v)| v / (1.0 + (k * k) as f64 / (ngf * ngf))).sum();
    let idn: f64 = diffs.iter().enumerate().map(|(k, v)| v / (1.0 + k as f64 / ngf)).sum();
    let iv: f64 = diffs.iter().enumerate().skip(1).map(|(k, v)| v / (k * k) as f64).sum();
    let sums = &pxy_sum[2..];
    let sa: f64 = sums.iter().enumerate().map(|(k, v)| (k + 2) as f64 * v).sum();
    let se: f64 = -sums.iter().map(|v| v * (v + EPS).log2()).sum::<f64>();
    let hx: f64 = -px.iter().map(|v| v * (v + EPS).log2()).sum::<f64>();
    let hy: f64 = -py.iter().map(|v| v * (v + EPS).log2()).sum::<f64>();
    let div = hx.max(hy);
    let imc1 = if div != 0.0 { (hxy - hxy1) / div } else { 0.0 };
    let imc2 = if hxy2 == hxy { 0.0 } else { (1.0 - (-2.0 * (hxy2 - hxy)).exp()).sqrt() };
    vec![
        ac,
        cp,
        cs,
        ct,
        con,
        corr,
        da,
        de,
        dv,
        id,
        idm,
        idmn,
        idn,
        imc1,
        imc2,
        iv,
        ux,
        ene,
        hxy,
        mcc(p, &px, &py, n),
        maxp,
        sa,
        se,
        ss,
    ]
}

/// log2(px(i)·py(j) + ε) for every (i, j), row-major. With equal marginals (a symmetrical
/// GLCM) the table is symmetric — px(i)·px(j) is the same product either way round — so
/// only the lower triangle is evaluated (the same values, half the log2 calls).
fn log2_products(px: &[f64], py: &[f64]) -> Vec<f64> {
    let n = px.len();
    let mut lg = vec![0.0; n * n];
    let symmetric = px.iter().zip(py).all(|(a, b)| a.to_bits() == b.to_bits());
    for i in 0..n {
        for j in 0..if symmetric { i + 1 } else { n } {
            let v = (px[i] * py[j] + EPS).log2();
            lg[i * n + j] = v;
            if symmetric {
                lg[j * n + i] = v;
            }
        }
    }
    lg
}

/// Maximal correlation coefficient: √(second largest eigenvalue) of
/// Q(i,j) = Σ_k p(i,k)·p(j,k) / (px(i)·py(k) + ε), as PyRadiomics (numpy eigvals, sorted).
fn mcc(p: &[f64], px: &[f64], py: &[f64], n: usize) -> f64 {
    if n < 2 {
        return 1.0;
    }
    let mut q = q_matrix(p, px, py, n);
    if q.iter().any(|v| !v.is_finite()) {
        return f64::NAN;
    }
    if let Some(mut s) = symmetrised(&q, px, n) {
        return symmetric_kth_largest(&mut s, n, 2).expect("n >= 2").sqrt();
    }
    mcc_general(&mut q, n)
}

/// Q(i,j) = Σ_k w(i,k)·p(j,k) with w(i,k) = p(i,k) / (px(i)·py(k) + ε), row-major: one
/// division per non-zero p(i,k) instead of one per term (the product differs from
/// PyRadiomics' p(i,k)·p(j,k) / (…) by rounding only, far below the eigenvalue's accuracy).
/// Row i of Q is the sum over ascending k with w(i,k) ≠ 0 of w(i,k)·(column k of P): whole
/// rows at a time, so it vectorises. Every Q(i,j) adds its terms in ascending k; the zero
/// terms (p(j,k) = 0) it also adds are +0 on a sum of non-negative terms started at +0, so
/// they change nothing. Compiled with AVX2 where the CPU has it (no FMA: the same roundings).
fn q_matrix(p: &[f64], px: &[f64], py: &[f64], n: usize) -> Vec<f64> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2 (checked just above).
        return unsafe { q_matrix_avx2(p, px, py, n) };
    }
    q_matrix_portable(p, px, py, n)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn q_matrix_avx2(p: &[f64], px: &[f64], py: &[f64], n: usize) -> Vec<f64> {
    q_matrix_portable(p, px, py, n)
}

#[inline(always)]
fn q_matrix_portable(p: &[f64], px: &[f64], py: &[f64], n: usize) -> Vec<f64> {
    // Columns of P as contiguous rows (P itself when it is symmetric, the default).
    let symmetric = (0..n).all(|i| (0..i).all(|j| p[i * n + j].to_bits() == p[j * n + i].to_bits()));
    let transposed: Vec<f64>;
    let pt = if symmetric {
        p
    } else {
        transposed = (0..n * n).map(|t| p[(t % n) * n + t / n]).collect();
        &transposed
    };
    let mut q = vec![0.0f64; n * n];
    for ((qr, pr), &pxi) in q.chunks_exact_mut(n).zip(p.chunks_exact(n)).zip(px) {
        for ((&pik, &pyk), ptk) in pr.iter().zip(py).zip(pt.chunks_exact(n)) {
            if pik == 0.0 {
                continue;
            }
            let w = pik / (pxi * pyk + EPS);
            for (x, &pjk) in qr.iter_mut().zip(ptk) {
                *x += w * pjk;
            }
        }
    }
    q
}

/// Largest relative asymmetry of px(i)·Q(i,j) allowed for the symmetric route. Without the ε
/// of PyRadiomics' denominator, px(i)·Q(i,j) = Σ_k p(i,k)·p(j,k)/py(k) is symmetric, so Q is
/// similar to S = diag(√px)·Q·diag(1/√px) with S(i,j) = √(Q(i,j)·Q(j,i)). The ε makes S
/// slightly non-symmetric; its skew part moves eigenvalues only at second order (≲ 1e-12 at
/// this bound). The five PyRadiomics sample cases reach 1.3e-7 (rare grey levels, lung2);
/// there the two routes agree to 3e-13, and both agree with numpy to 3e-12 (breast1, MCC 0.003).
const MAX_ASYMMETRY: f64 = 1e-6;

/// S(i,j) = √(Q(i,j)·Q(j,i)) (row-major, both triangles) when Q is symmetrisable up to
/// `MAX_ASYMMETRY`; `None` otherwise (the general solver then runs on Q itself).
fn symmetrised(q: &[f64], px: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut s = vec![0.0f64; n * n];
    for i in 0..n {
        s[i * n + i] = q[i * n + i];
        for j in 0..i {
            let (qij, qji) = (q[i * n + j], q[j * n + i]);
            let (a, b) = (qij * px[i], qji * px[j]);
            if (a - b).abs() > MAX_ASYMMETRY * (a + b) || qij < 0.0 || qji < 0.0 {
                return None;
            }
            let v = (qij * qji).sqrt();
            s[i * n + j] = v;
            s[j * n + i] = v;
        }
    }
    Some(s)
}

/// `mcc` through the eigenvalues of the general matrix Q (numpy's sort: real part, then
/// imaginary part; the principal square root's real part when some eigenvalue is complex).
fn mcc_general(q: &mut [f64], n: usize) -> f64 {
    let Some(mut ev) = general_eigenvalues_flat(q, n) else { return f64::NAN };
    ev.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let complex = ev.iter().any(|e| e.1 != 0.0);
    let (re, im) = ev[ev.len() - 2];
    if complex {
        // Real part of the principal complex square root.
        (((re * re + im * im).sqrt() + re) / 2.0).sqrt()
    } else {
        re.sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A symmetric GLCM-like matrix (normalised) with a deterministic pattern of counts.
    fn glcm(n: usize, scale: f64) -> Vec<f64> {
        let mut p = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..=i {
                let c = ((i * 7 + j * 3) % 11) as f64 * scale + if i.abs_diff(j) <= 1 { 5.0 } else { 0.0 };
                p[i * n + j] = c;
                p[j * n + i] = c;
            }
        }
        let s: f64 = p.iter().sum();
        p.iter().map(|v| v / s).collect()
    }

    fn marginals(p: &[f64], n: usize) -> (Vec<f64>, Vec<f64>) {
        let px = (0..n).map(|i| p[i * n..(i + 1) * n].iter().sum()).collect();
        let py = (0..n).map(|j| (0..n).map(|i| p[i * n + j]).sum()).collect();
        (px, py)
    }

    #[test]
    fn mcc_symmetric_route_matches_general_solver() {
        for n in [2, 3, 9, 40] {
            let p = glcm(n, 1.0);
            let (px, py) = marginals(&p, n);
            let fast = mcc(&p, &px, &py, n);
            // The same Q through the general (numpy-like) eigenvalue solver.
            let mut q = vec![0.0; n * n];
            for i in 0..n {
                for j in 0..n {
                    q[i * n + j] = (0..n).map(|k| p[i * n + k] * p[j * n + k] / (px[i] * py[k] + EPS)).sum();
                }
            }
            assert!(symmetrised(&q, &px, n).is_some(), "n={n}: a well-populated GLCM takes the fast route");
            let general = mcc_general(&mut q, n);
            assert!(((fast - general) / general).abs() < 1e-12, "n={n}: {fast} vs {general}");
        }
    }

    #[test]
    fn q_matrix_sums_the_non_zero_terms_in_ascending_k() {
        // Sparse symmetric and non-symmetric matrices: bit for bit against the term-by-term sum.
        for (n, symmetric) in [(2, true), (7, true), (13, false), (40, true), (41, false)] {
            let mut p = glcm(n, 1.0);
            for (t, v) in p.iter_mut().enumerate() {
                if (t * 7919) % 5 == 0 && (symmetric || t % 3 == 0) {
                    *v = 0.0;
                }
            }
            if symmetric {
                for i in 0..n {
                    for j in 0..i {
                        p[j * n + i] = p[i * n + j];
                    }
                }
            }
            let (px, py) = marginals(&p, n);
            let got = q_matrix(&p, &px, &py, n);
            for i in 0..n {
                for j in 0..n {
                    let mut want = 0.0;
                    for k in 0..n {
                        if p[i * n + k] != 0.0 && p[j * n + k] != 0.0 {
                            want += p[i * n + k] / (px[i] * py[k] + EPS) * p[j * n + k];
                        }
                    }
                    assert_eq!(got[i * n + j].to_bits(), want.to_bits(), "n={n} ({i}, {j})");
                }
            }
        }
    }

    #[test]
    fn tiny_probabilities_fall_back_to_the_general_solver() {
        // Probabilities near ε: px·py + ε is far from px·py, Q is not symmetrisable.
        let n = 4;
        let p: Vec<f64> = glcm(n, 1.0).iter().map(|v| v * 1e-9).collect();
        let (px, py) = marginals(&p, n);
        let mut q = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                q[i * n + j] = (0..n).map(|k| p[i * n + k] / (px[i] * py[k] + EPS) * p[j * n + k]).sum();
            }
        }
        assert!(symmetrised(&q, &px, n).is_none());
        let general = mcc_general(&mut q.clone(), n);
        assert_eq!(mcc(&p, &px, &py, n).to_bits(), general.to_bits());
    }
}
