//! The 25 IBSI GLCM features (IBSI 1 section "Grey level co-occurrence based features") as
//! pure functions of one normalised co-occurrence matrix. Grey level i is row i (1-based);
//! logarithms are base 2. This module builds no matrix and does no aggregation.

use super::matrix::CountMatrix;

/// Normalised GLCM p_ij with the marginal, diagonal and cross-diagonal distributions and
/// the entropies every feature draws from.
pub struct GlcmStats {
    n_g: usize,
    /// p_ij, row-major N_g × N_g.
    p: Vec<f64>,
    /// Row marginal p_i. (= column marginal p_.j, the GLCM being symmetric).
    p_i: Vec<f64>,
    /// p_{i−j,k}, k = 0..N_g−1.
    p_diff: Vec<f64>,
    /// p_{i+j,k}, stored at index k, k = 2..2N_g.
    p_sum: Vec<f64>,
    /// μ_i. = Σ i p_i.
    mu: f64,
    /// σ_i. = sqrt(Σ (i − μ)² p_i.)
    sigma: f64,
}

impl GlcmStats {
    /// Normalise a count matrix; `None` when it holds no co-occurrence.
    pub fn new(m: &CountMatrix) -> Option<GlcmStats> {
        let total = m.total();
        if total <= 0.0 {
            return None;
        }
        let n_g = m.n_rows;
        let p: Vec<f64> = m.counts.iter().map(|c| c / total).collect();
        let mut p_i = vec![0.0; n_g];
        let mut p_diff = vec![0.0; n_g];
        let mut p_sum = vec![0.0; 2 * n_g + 1];
        for i in 0..n_g {
            for j in 0..n_g {
                let v = p[i * n_g + j];
                p_i[i] += v;
                p_diff[i.abs_diff(j)] += v;
                p_sum[i + j + 2] += v;
            }
        }
        let mu: f64 = p_i.iter().enumerate().map(|(i, v)| (i + 1) as f64 * v).sum();
        let var: f64 = p_i.iter().enumerate().map(|(i, v)| ((i + 1) as f64 - mu).powi(2) * v).sum();
        Some(GlcmStats { n_g, p, p_i, p_diff, p_sum, mu, sigma: var.sqrt() })
    }

    /// Iterate (i, j, p_ij) over non-zero elements, i and j 1-based as f64.
    fn nonzero(&self) -> impl Iterator<Item = (f64, f64, f64)> + '_ {
        let n = self.n_g;
        self.p
            .iter()
            .enumerate()
            .filter(|(_, &v)| v > 0.0)
            .map(move |(idx, &v)| ((idx / n + 1) as f64, (idx % n + 1) as f64, v))
    }
}

fn entropy(p: &[f64]) -> f64 {
    -p.iter().filter(|&&v| v > 0.0).map(|v| v * v.log2()).sum::<f64>()
}

/// Joint maximum max(p_ij) (IBSI GYBY).
pub fn joint_maximum(s: &GlcmStats) -> f64 {
    s.p.iter().copied().fold(0.0, f64::max)
}

/// Joint average Σ i p_ij (IBSI 60VM).
pub fn joint_average(s: &GlcmStats) -> f64 {
    s.mu
}

/// Joint variance Σ (i − μ)² p_ij, μ = joint average (IBSI UR99).
pub fn joint_variance(s: &GlcmStats) -> f64 {
    s.sigma * s.sigma
}

/// Joint entropy −Σ p_ij log2 p_ij (IBSI TU9B).
pub fn joint_entropy(s: &GlcmStats) -> f64 {
    entropy(&s.p)
}

/// Difference average Σ_k k p_{i−j,k} (IBSI TF7R).
pub fn difference_average(s: &GlcmStats) -> f64 {
    s.p_diff.iter().enumerate().map(|(k, v)| k as f64 * v).sum()
}

/// Difference variance Σ_k (k − μ)² p_{i−j,k}, μ = difference average (IBSI D3YU).
pub fn difference_variance(s: &GlcmStats) -> f64 {
    let mu = difference_average(s);
    s.p_diff.iter().enumerate().map(|(k, v)| (k as f64 - mu).powi(2) * v).sum()
}

/// Difference entropy −Σ_k p_{i−j,k} log2 p_{i−j,k} (IBSI NTRS).
pub fn difference_entropy(s: &GlcmStats) -> f64 {
    entropy(&s.p_diff)
}

/// Sum average Σ_k k p_{i+j,k} (IBSI ZGXS).
pub fn sum_average(s: &GlcmStats) -> f64 {
    s.p_sum.iter().enumerate().map(|(k, v)| k as f64 * v).sum()
}

/// Sum variance Σ_k (k − μ)² p_{i+j,k}, μ = sum average (IBSI OEEB).
pub fn sum_variance(s: &GlcmStats) -> f64 {
    let mu = sum_average(s);
    s.p_sum.iter().enumerate().map(|(k, v)| (k as f64 - mu).powi(2) * v).sum()
}

/// Sum entropy −Σ_k p_{i+j,k} log2 p_{i+j,k} (IBSI P6QZ).
pub fn sum_entropy(s: &GlcmStats) -> f64 {
    entropy(&s.p_sum)
}

/// Angular second moment (energy) Σ p_ij² (IBSI 8ZQL).
pub fn angular_second_moment(s: &GlcmStats) -> f64 {
    s.p.iter().map(|v| v * v).sum()
}

/// Contrast Σ (i − j)² p_ij (IBSI ACUI).
pub fn contrast(s: &GlcmStats) -> f64 {
    s.p_diff.iter().enumerate().map(|(k, v)| (k * k) as f64 * v).sum()
}

/// Dissimilarity Σ |i − j| p_ij (IBSI 8S9J).
pub fn dissimilarity(s: &GlcmStats) -> f64 {
    difference_average(s)
}

/// Inverse difference Σ p_ij / (1 + |i − j|) (IBSI IB1Z).
pub fn inverse_difference(s: &GlcmStats) -> f64 {
    s.p_diff.iter().enumerate().map(|(k, v)| v / (1.0 + k as f64)).sum()
}

/// Normalised inverse difference Σ p_ij / (1 + |i − j| / N_g) (IBSI NDRX).
pub fn normalised_inverse_difference(s: &GlcmStats) -> f64 {
    let n = s.n_g as f64;
    s.p_diff.iter().enumerate().map(|(k, v)| v / (1.0 + k as f64 / n)).sum()
}

/// Inverse difference moment Σ p_ij / (1 + (i − j)²) (IBSI WF0Z).
pub fn inverse_difference_moment(s: &GlcmStats) -> f64 {
    s.p_diff.iter().enumerate().map(|(k, v)| v / (1.0 + (k * k) as f64)).sum()
}

/// Normalised inverse difference moment Σ p_ij / (1 + (i − j)² / N_g²) (IBSI 1QCO).
pub fn normalised_inverse_difference_moment(s: &GlcmStats) -> f64 {
    let n2 = (s.n_g * s.n_g) as f64;
    s.p_diff.iter().enumerate().map(|(k, v)| v / (1.0 + (k * k) as f64 / n2)).sum()
}

/// Inverse variance Σ_{k≥1} p_{i−j,k} / k² = 2 Σ_{j>i} p_ij / (i − j)² (IBSI E8JP).
pub fn inverse_variance(s: &GlcmStats) -> f64 {
    s.p_diff.iter().enumerate().skip(1).map(|(k, v)| v / (k * k) as f64).sum()
}

/// Correlation (Σ i j p_ij − μ_i. μ_.j) / (σ_i. σ_.j) (IBSI NI2N); NaN when σ = 0
/// (a single grey level), where it is undefined.
pub fn correlation(s: &GlcmStats) -> f64 {
    if s.sigma <= 0.0 {
        return f64::NAN;
    }
    (autocorrelation(s) - s.mu * s.mu) / (s.sigma * s.sigma)
}

/// Autocorrelation Σ i j p_ij (IBSI QWB0).
pub fn autocorrelation(s: &GlcmStats) -> f64 {
    s.nonzero().map(|(i, j, v)| i * j * v).sum()
}

/// Cluster tendency Σ (i + j − μ_i. − μ_.j)² p_ij (IBSI DG8W).
pub fn cluster_tendency(s: &GlcmStats) -> f64 {
    cluster_moment(s, 2)
}

/// Cluster shade Σ (i + j − μ_i. − μ_.j)³ p_ij (IBSI 7NFM).
pub fn cluster_shade(s: &GlcmStats) -> f64 {
    cluster_moment(s, 3)
}

/// Cluster prominence Σ (i + j − μ_i. − μ_.j)⁴ p_ij (IBSI AE86).
pub fn cluster_prominence(s: &GlcmStats) -> f64 {
    cluster_moment(s, 4)
}

fn cluster_moment(s: &GlcmStats, power: i32) -> f64 {
    s.nonzero().map(|(i, j, v)| (i + j - 2.0 * s.mu).powi(power) * v).sum()
}

/// HXY1 = −Σ p_ij log2(p_i. p_.j) and HXY2 = −Σ p_i. p_.j log2(p_i. p_.j).
fn hxy1_hxy2(s: &GlcmStats) -> (f64, f64) {
    let n = s.n_g;
    let (mut h1, mut h2) = (0.0, 0.0);
    for i in 0..n {
        for j in 0..n {
            let q = s.p_i[i] * s.p_i[j];
            if q > 0.0 {
                h1 -= s.p[i * n + j] * q.log2();
                h2 -= q * q.log2();
            }
        }
    }
    (h1, h2)
}

/// Information correlation 1 (HXY − HXY1) / HX, HX = −Σ p_i. log2 p_i. (IBSI R8DG);
/// NaN when HX = 0 (a single grey level), where it is undefined.
pub fn information_correlation_1(s: &GlcmStats) -> f64 {
    let hx = entropy(&s.p_i);
    if hx <= 0.0 {
        return f64::NAN;
    }
    let (h1, _) = hxy1_hxy2(s);
    (joint_entropy(s) - h1) / hx
}

/// Information correlation 2 sqrt(1 − exp(−2 (HXY2 − HXY))) (IBSI JN9H).
pub fn information_correlation_2(s: &GlcmStats) -> f64 {
    let (_, h2) = hxy1_hxy2(s);
    let x = (h2 - joint_entropy(s)).max(0.0);
    (1.0 - (-2.0 * x).exp()).sqrt()
}

/// A GLCM feature: snake_case name, IBSI code, function.
pub type GlcmFeature = (&'static str, &'static str, fn(&GlcmStats) -> f64);

/// All 25 GLCM features in IBSI order.
pub const GLCM_FEATURES: [GlcmFeature; 25] = [
    ("joint_maximum", "GYBY", joint_maximum),
    ("joint_average", "60VM", joint_average),
    ("joint_variance", "UR99", joint_variance),
    ("joint_entropy", "TU9B", joint_entropy),
    ("difference_average", "TF7R", difference_average),
    ("difference_variance", "D3YU", difference_variance),
    ("difference_entropy", "NTRS", difference_entropy),
    ("sum_average", "ZGXS", sum_average),
    ("sum_variance", "OEEB", sum_variance),
    ("sum_entropy", "P6QZ", sum_entropy),
    ("angular_second_moment", "8ZQL", angular_second_moment),
    ("contrast", "ACUI", contrast),
    ("dissimilarity", "8S9J", dissimilarity),
    ("inverse_difference", "IB1Z", inverse_difference),
    ("normalised_inverse_difference", "NDRX", normalised_inverse_difference),
    ("inverse_difference_moment", "WF0Z", inverse_difference_moment),
    ("normalised_inverse_difference_moment", "1QCO", normalised_inverse_difference_moment),
    ("inverse_variance", "E8JP", inverse_variance),
    ("correlation", "NI2N", correlation),
    ("autocorrelation", "QWB0", autocorrelation),
    ("cluster_tendency", "DG8W", cluster_tendency),
    ("cluster_shade", "7NFM", cluster_shade),
    ("cluster_prominence", "AE86", cluster_prominence),
    ("information_correlation_1", "R8DG", information_correlation_1),
    ("information_correlation_2", "JN9H", information_correlation_2),
];

/// All 25 feature values of one matrix (NaN for an empty matrix), in `GLCM_FEATURES` order.
pub fn glcm_values(m: &CountMatrix) -> Vec<f64> {
    match GlcmStats::new(m) {
        Some(s) => GLCM_FEATURES.iter().map(|f| (f.2)(&s)).collect(),
        None => vec![f64::NAN; GLCM_FEATURES.len()],
    }
}
