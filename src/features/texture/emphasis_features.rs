//! Features of a (grey level i × count j) matrix, shared by the GLRLM (j = run length),
//! GLSZM (zone size), GLDZM (zone distance) and NGLDM (dependence): IBSI 1 defines these
//! families with the same formulas. Each function documents its formula and the IBSI codes
//! per family (RLM / SZM / DZM / NGL). Pure functions; no matrix building, no aggregation.
//! Notation: r_ij counts, N_s = Σ r_ij, p_ij = r_ij / N_s, N_v = ROI voxels behind the
//! matrix (summed when merged), i and j 1-based.

use super::matrix::CountMatrix;

/// Normalised matrix with its marginals.
pub struct EmphasisStats {
    n_cols: usize,
    p: Vec<f64>,
    /// Σ_j p_ij per grey level i.
    p_i: Vec<f64>,
    /// Σ_i p_ij per count j.
    p_j: Vec<f64>,
    n_s: f64,
    n_v: f64,
}

impl EmphasisStats {
    /// Normalise; `None` when the matrix holds no run/zone/neighbourhood.
    pub fn new(m: &CountMatrix) -> Option<EmphasisStats> {
        let n_s = m.total();
        if n_s <= 0.0 {
            return None;
        }
        let p: Vec<f64> = m.counts.iter().map(|c| c / n_s).collect();
        let mut p_i = vec![0.0; m.n_rows];
        let mut p_j = vec![0.0; m.n_cols];
        for r in 0..m.n_rows {
            for c in 0..m.n_cols {
                let v = p[r * m.n_cols + c];
                p_i[r] += v;
                p_j[c] += v;
            }
        }
        Some(EmphasisStats { n_cols: m.n_cols, p, p_i, p_j, n_s, n_v: m.n_voxels })
    }

    /// Σ_ij p_ij w(i, j) over non-zero elements.
    fn weighted(&self, w: impl Fn(f64, f64) -> f64) -> f64 {
        let n = self.n_cols;
        self.p
            .iter()
            .enumerate()
            .filter(|(_, &v)| v > 0.0)
            .map(|(idx, &v)| v * w((idx / n + 1) as f64, (idx % n + 1) as f64))
            .sum()
    }
}

fn sq(x: f64) -> f64 {
    x * x
}

/// Σ_j p_.j / j² — short runs / small zone / small distance / low dependence emphasis
/// (RLM 22OV, SZM 5QRC, DZM 0GBI, NGL SODN).
pub fn low_count_emphasis(s: &EmphasisStats) -> f64 {
    s.p_j.iter().enumerate().map(|(c, v)| v / sq((c + 1) as f64)).sum()
}

/// Σ_j j² p_.j — long runs / large zone / large distance / high dependence emphasis
/// (RLM W4KF, SZM 48P8, DZM MB4I, NGL IMOQ).
pub fn high_count_emphasis(s: &EmphasisStats) -> f64 {
    s.p_j.iter().enumerate().map(|(c, v)| v * sq((c + 1) as f64)).sum()
}

/// Σ_i p_i. / i² — low grey level run / zone / count emphasis
/// (RLM V3SW, SZM XMSY, DZM S1RA, NGL TL9H).
pub fn low_grey_level_emphasis(s: &EmphasisStats) -> f64 {
    s.p_i.iter().enumerate().map(|(r, v)| v / sq((r + 1) as f64)).sum()
}

/// Σ_i i² p_i. — high grey level run / zone / count emphasis
/// (RLM G3QZ, SZM 5GN9, DZM K26C, NGL OAE7).
pub fn high_grey_level_emphasis(s: &EmphasisStats) -> f64 {
    s.p_i.iter().enumerate().map(|(r, v)| v * sq((r + 1) as f64)).sum()
}

/// Σ p_ij / (i² j²) (RLM HTZT, SZM 5RAI, DZM RUVG, NGL EQ3F).
pub fn low_count_low_grey_level_emphasis(s: &EmphasisStats) -> f64 {
    s.weighted(|i, j| 1.0 / (sq(i) * sq(j)))
}

/// Σ p_ij i² / j² (RLM GD3A, SZM HW1V, DZM DKNJ, NGL JA6D).
pub fn low_count_high_grey_level_emphasis(s: &EmphasisStats) -> f64 {
    s.weighted(|i, j| sq(i) / sq(j))
}

/// Σ p_ij j² / i² (RLM IVPO, SZM YH51, DZM A7WM, NGL NBZI).
pub fn high_count_low_grey_level_emphasis(s: &EmphasisStats) -> f64 {
    s.weighted(|i, j| sq(j) / sq(i))
}

/// Σ p_ij i² j² (RLM 3KUM, SZM J17V, DZM KLTH, NGL 9QMG).
pub fn high_count_high_grey_level_emphasis(s: &EmphasisStats) -> f64 {
    s.weighted(|i, j| sq(i) * sq(j))
}

/// Grey level non-uniformity Σ_i r_i.² / N_s = N_s Σ_i p_i.²
/// (RLM R5YN, SZM JNSA, DZM VFT7, NGL FP8K).
pub fn grey_level_non_uniformity(s: &EmphasisStats) -> f64 {
    s.n_s * normalised_grey_level_non_uniformity(s)
}

/// Normalised grey level non-uniformity Σ_i p_i.² (RLM OVBL, SZM Y1RO, DZM 7HP3, NGL 5SPA).
pub fn normalised_grey_level_non_uniformity(s: &EmphasisStats) -> f64 {
    s.p_i.iter().map(|v| v * v).sum()
}

/// Run length / zone size / zone distance / dependence count non-uniformity
/// Σ_j r_.j² / N_s = N_s Σ_j p_.j² (RLM W92Y, SZM 4JP3, DZM V294, NGL Z87G).
pub fn count_non_uniformity(s: &EmphasisStats) -> f64 {
    s.n_s * normalised_count_non_uniformity(s)
}

/// Normalised count non-uniformity Σ_j p_.j² (RLM IC23, SZM VB3A, DZM IATH, NGL OKJI).
pub fn normalised_count_non_uniformity(s: &EmphasisStats) -> f64 {
    s.p_j.iter().map(|v| v * v).sum()
}

/// Run / zone / dependence count percentage N_s / N_v (RLM 9ZK5, SZM P30P, DZM VIWW,
/// NGL 6XV8).
pub fn percentage(s: &EmphasisStats) -> f64 {
    s.n_s / s.n_v
}

/// Grey level variance Σ (i − μ)² p_ij, μ = Σ i p_ij (RLM 8CE5, SZM BYLV, DZM QK93, NGL 1PFV).
pub fn grey_level_variance(s: &EmphasisStats) -> f64 {
    variance(&s.p_i)
}

/// Run length / zone size / zone distance / dependence count variance Σ (j − μ)² p_ij,
/// μ = Σ j p_ij (RLM SXLW, SZM 3NSA, DZM 7WT1, NGL DNX2).
pub fn count_variance(s: &EmphasisStats) -> f64 {
    variance(&s.p_j)
}

fn variance(marginal: &[f64]) -> f64 {
    let mu: f64 = marginal.iter().enumerate().map(|(x, v)| (x + 1) as f64 * v).sum();
    marginal.iter().enumerate().map(|(x, v)| sq((x + 1) as f64 - mu) * v).sum()
}

/// Run / zone size / zone distance / dependence count entropy −Σ p_ij log2 p_ij
/// (RLM HJ9O, SZM GU8N, DZM GBDU, NGL FCBV).
pub fn entropy(s: &EmphasisStats) -> f64 {
    -s.p.iter().filter(|&&v| v > 0.0).map(|v| v * v.log2()).sum::<f64>()
}

/// Dependence count energy Σ p_ij² (NGL CAS9; NGLDM only).
pub fn energy(s: &EmphasisStats) -> f64 {
    s.p.iter().map(|v| v * v).sum()
}

/// A feature of this kind: snake_case name, IBSI code, function.
pub type EmphasisFeature = (&'static str, &'static str, fn(&EmphasisStats) -> f64);

/// Evaluate a feature table on one matrix (all NaN for an empty matrix).
pub fn emphasis_values(m: &CountMatrix, table: &[EmphasisFeature]) -> Vec<f64> {
    match EmphasisStats::new(m) {
        Some(s) => table.iter().map(|f| (f.2)(&s)).collect(),
        None => vec![f64::NAN; table.len()],
    }
}
