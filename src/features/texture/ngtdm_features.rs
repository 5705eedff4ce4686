//! The 5 IBSI NGTDM features (IBSI 1 section "Neighbourhood grey tone difference based
//! features") as pure functions of one NGTDM. Notation: n_i voxels with grey level i and a
//! non-empty neighbourhood, N_v,c = Σ n_i, p_i = n_i / N_v,c, s_i grey tone differences,
//! N_g,p = number of grey levels with p_i > 0; double sums run over p_i1, p_i2 > 0.
//! No matrix building, no aggregation.

use super::matrix::ngtdm::Ngtdm;

/// Non-empty NGTDM rows: (grey level i, p_i, s_i), plus N_v,c.
pub struct NgtdmStats {
    rows: Vec<(f64, f64, f64)>,
    n_vc: f64,
}

impl NgtdmStats {
    /// `None` when no voxel has a neighbour (N_v,c = 0).
    pub fn new(m: &Ngtdm) -> Option<NgtdmStats> {
        let n_vc = m.n_valid();
        if n_vc <= 0.0 {
            return None;
        }
        let rows = (0..m.n.len()).filter(|&i| m.n[i] > 0.0).map(|i| ((i + 1) as f64, m.n[i] / n_vc, m.s[i])).collect();
        Some(NgtdmStats { rows, n_vc })
    }

    fn sum_ps(&self) -> f64 {
        self.rows.iter().map(|r| r.1 * r.2).sum()
    }

    fn sum_s(&self) -> f64 {
        self.rows.iter().map(|r| r.2).sum()
    }
}

/// Coarseness 1 / Σ p_i s_i; 10⁶ when the sum is 0 (IBSI QCDE).
pub fn coarseness(t: &NgtdmStats) -> f64 {
    let d = t.sum_ps();
    if d <= 0.0 {
        1e6
    } else {
        1.0 / d
    }
}

/// Contrast [Σ Σ p_i1 p_i2 (i1 − i2)² / (N_g,p (N_g,p − 1))] · [Σ s_i / N_v,c];
/// 0 when N_g,p = 1 (IBSI 65HE).
pub fn contrast(t: &NgtdmStats) -> f64 {
    let ngp = t.rows.len() as f64;
    if t.rows.len() < 2 {
        return 0.0;
    }
    let mut acc = 0.0;
    for a in &t.rows {
        for b in &t.rows {
            acc += a.1 * b.1 * (a.0 - b.0).powi(2);
        }
    }
    acc / (ngp * (ngp - 1.0)) * t.sum_s() / t.n_vc
}

/// Busyness Σ p_i s_i / Σ Σ |i1 p_i1 − i2 p_i2|; 0 when N_g,p = 1 (IBSI NQ30).
pub fn busyness(t: &NgtdmStats) -> f64 {
    if t.rows.len() < 2 {
        return 0.0;
    }
    let mut denom = 0.0;
    for a in &t.rows {
        for b in &t.rows {
            denom += (a.0 * a.1 - b.0 * b.1).abs();
        }
    }
    if denom <= 0.0 {
        return 0.0;
    }
    t.sum_ps() / denom
}

/// Complexity Σ Σ |i1 − i2| (p_i1 s_i1 + p_i2 s_i2) / (p_i1 + p_i2) / N_v,c (IBSI HDEZ).
pub fn complexity(t: &NgtdmStats) -> f64 {
    let mut acc = 0.0;
    for a in &t.rows {
        for b in &t.rows {
            acc += (a.0 - b.0).abs() * (a.1 * a.2 + b.1 * b.2) / (a.1 + b.1);
        }
    }
    acc / t.n_vc
}

/// Strength Σ Σ (p_i1 + p_i2)(i1 − i2)² / Σ s_i; 0 when Σ s_i = 0 (IBSI 1X9X).
pub fn strength(t: &NgtdmStats) -> f64 {
    let s = t.sum_s();
    if s <= 0.0 {
        return 0.0;
    }
    let mut acc = 0.0;
    for a in &t.rows {
        for b in &t.rows {
            acc += (a.1 + b.1) * (a.0 - b.0).powi(2);
        }
    }
    acc / s
}

/// An NGTDM feature: snake_case name, IBSI code, function.
pub type NgtdmFeature = (&'static str, &'static str, fn(&NgtdmStats) -> f64);

/// All 5 NGTDM features in IBSI order.
pub const NGTDM_FEATURES: [NgtdmFeature; 5] = [
    ("coarseness", "QCDE", coarseness),
    ("contrast", "65HE", contrast),
    ("busyness", "NQ30", busyness),
    ("complexity", "HDEZ", complexity),
    ("strength", "1X9X", strength),
];

/// All 5 values of one NGTDM (NaN when no voxel has a neighbour).
pub fn ngtdm_values(m: &Ngtdm) -> Vec<f64> {
    match NgtdmStats::new(m) {
        Some(s) => NGTDM_FEATURES.iter().map(|f| (f.2)(&s)).collect(),
        None => vec![f64::NAN; NGTDM_FEATURES.len()],
    }
}
