//! Univariate association of one feature with a binary outcome: Mann–Whitney U, Welch and
//! Student t, point-biserial r, one-way ANOVA F, AUC, and multiplicity adjustment (BH, Bonferroni).
//! Screening statistics only; no feature is selected here.
use crate::metrics::distributions::{f_sf, normal_two_sided_p, t_two_sided_p};
use crate::metrics::error::{check_finite, check_len, class_counts, Result, StatsError};
use crate::metrics::ranks::{argsort, midranks, tie_group_sizes};

/// Mann–Whitney U test (normal approximation).
#[derive(Debug, Clone, PartialEq)]
pub struct MannWhitney {
    /// U of the first sample: R₁ − n₁(n₁+1)/2.
    pub u: f64,
    /// (max(U₁, U₂) − n₁n₂/2 − ½)/σ_U (continuity-corrected).
    pub z: f64,
    /// Two-sided p.
    pub p: f64,
}

/// A two-sample t test.
#[derive(Debug, Clone, PartialEq)]
pub struct TTest {
    /// (mean₁ − mean₂)/SE.
    pub t: f64,
    pub df: f64,
    /// Two-sided p.
    pub p: f64,
}

/// Pearson correlation of a feature with the 0/1 outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct PointBiserial {
    pub r: f64,
    /// Two-sided p of t = r√((n−2)/(1−r²)) on n−2 df.
    pub p: f64,
}

/// One-way ANOVA F test.
#[derive(Debug, Clone, PartialEq)]
pub struct AnovaF {
    pub f: f64,
    pub df1: f64,
    pub df2: f64,
    pub p: f64,
}

/// All univariate statistics of one feature against a binary outcome (group 1 = `true`).
#[derive(Debug, Clone, PartialEq)]
pub struct UnivariateTests {
    /// U of the positive group.
    pub mwu_u: f64,
    pub mwu_p: f64,
    pub welch_t: f64,
    pub welch_p: f64,
    pub student_t: f64,
    pub student_p: f64,
    /// U / (n₊n₋): P(x₊ > x₋) + ½P(tie).
    pub auc: f64,
    pub pointbiserial_r: f64,
    pub pointbiserial_p: f64,
    pub anova_f: f64,
    pub anova_f_p: f64,
}

fn mean_var(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    let v = x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, v)
}

/// Mann & Whitney (1947) U with tie and continuity correction, two-sided normal p:
/// σ² = n₁n₂/12·[(n+1) − Σ(t³−t)/(n(n−1))], z = (max(U₁,U₂) − n₁n₂/2 − ½)/σ, p = min(1, 2(1−Φ(z))).
/// Same as scipy `mannwhitneyu(method="asymptotic")` and R `wilcox.test(exact=FALSE, correct=TRUE)`.
pub fn mann_whitney_u(x1: &[f64], x2: &[f64]) -> Result<MannWhitney> {
    check_finite("sample 1", x1)?;
    check_finite("sample 2", x2)?;
    if x1.is_empty() || x2.is_empty() {
        return Err(StatsError::EmptyClass { needed: 1, positives: x1.len(), negatives: x2.len() });
    }
    let all: Vec<f64> = x1.iter().chain(x2).copied().collect();
    let ranks = midranks(&all);
    let (n1, n2) = (x1.len() as f64, x2.len() as f64);
    let n = n1 + n2;
    let r1: f64 = ranks[..x1.len()].iter().sum();
    let u1 = r1 - n1 * (n1 + 1.0) / 2.0;
    let u = u1.max(n1 * n2 - u1);
    let ties: f64 = tie_group_sizes(&all).iter().map(|&t| (t as f64).powi(3) - t as f64).sum();
    let sigma = (n1 * n2 / 12.0 * ((n + 1.0) - ties / (n * (n - 1.0)))).sqrt();
    let z = (u - n1 * n2 / 2.0 - 0.5) / sigma;
    Ok(MannWhitney { u: u1, z, p: normal_two_sided_p(z) })
}

/// Welch (1947) t = (x̄₁ − x̄₂)/√(s₁²/n₁ + s₂²/n₂), Welch–Satterthwaite df; two-sided p.
pub fn welch_t_test(x1: &[f64], x2: &[f64]) -> Result<TTest> {
    two_sample_check(x1, x2)?;
    let (m1, v1) = mean_var(x1);
    let (m2, v2) = mean_var(x2);
    let (a, b) = (v1 / x1.len() as f64, v2 / x2.len() as f64);
    let t = (m1 - m2) / (a + b).sqrt();
    let df = (a + b).powi(2) / (a * a / (x1.len() as f64 - 1.0) + b * b / (x2.len() as f64 - 1.0));
    Ok(TTest { t, df, p: t_two_sided_p(t, df) })
}

/// Student t with pooled variance s² = ((n₁−1)s₁² + (n₂−1)s₂²)/(n₁+n₂−2), df = n₁+n₂−2; two-sided p.
pub fn student_t_test(x1: &[f64], x2: &[f64]) -> Result<TTest> {
    two_sample_check(x1, x2)?;
    let (n1, n2) = (x1.len() as f64, x2.len() as f64);
    let (m1, v1) = mean_var(x1);
    let (m2, v2) = mean_var(x2);
    let df = n1 + n2 - 2.0;
    let sp = ((n1 - 1.0) * v1 + (n2 - 1.0) * v2) / df;
    let t = (m1 - m2) / (sp * (1.0 / n1 + 1.0 / n2)).sqrt();
    Ok(TTest { t, df, p: t_two_sided_p(t, df) })
}

fn two_sample_check(x1: &[f64], x2: &[f64]) -> Result<()> {
    check_finite("sample 1", x1)?;
    check_finite("sample 2", x2)?;
    if x1.len() < 2 || x2.len() < 2 {
        return Err(StatsError::EmptyClass { needed: 2, positives: x1.len(), negatives: x2.len() });
    }
    Ok(())
}

/// Point-biserial r = Pearson correlation of x with y ∈ {0,1}; p from t = r√((n−2)/(1−r²)), n−2 df.
pub fn point_biserial(x: &[f64], y: &[bool]) -> Result<PointBiserial> {
    check_len("outcome", y.len(), x.len())?;
    check_finite("feature", x)?;
    class_counts(y, 1)?;
    let n = x.len() as f64;
    let yf: Vec<f64> = y.iter().map(|&v| if v { 1.0 } else { 0.0 }).collect();
    let (mx, my) = (x.iter().sum::<f64>() / n, yf.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(&yf) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    let r = sxy / (sxx * syy).sqrt();
    let df = n - 2.0;
    let t = r * (df / (1.0 - r * r)).sqrt();
    Ok(PointBiserial { r, p: t_two_sided_p(t, df) })
}

/// One-way ANOVA F = [Σ nᵍ(x̄ᵍ − x̄)²/(G−1)] / [Σ Σ(x − x̄ᵍ)²/(N−G)] (sklearn `f_classif`); p from F.
pub fn anova_f_oneway(groups: &[&[f64]]) -> Result<AnovaF> {
    let g = groups.len();
    let n: usize = groups.iter().map(|x| x.len()).sum();
    if g < 2 || groups.iter().any(|x| x.is_empty()) || n <= g {
        return Err(StatsError::InvalidArgument("ANOVA needs ≥ 2 non-empty groups and N > G".into()));
    }
    for x in groups {
        check_finite("group", x)?;
    }
    let grand = groups.iter().flat_map(|x| x.iter()).sum::<f64>() / n as f64;
    let (mut ssb, mut ssw) = (0.0, 0.0);
    for x in groups {
        let m = x.iter().sum::<f64>() / x.len() as f64;
        ssb += x.len() as f64 * (m - grand).powi(2);
        ssw += x.iter().map(|v| (v - m).powi(2)).sum::<f64>();
    }
    let (df1, df2) = ((g - 1) as f64, (n - g) as f64);
    let f = (ssb / df1) / (ssw / df2);
    Ok(AnovaF { f, df1, df2, p: f_sf(f, df1, df2) })
}

/// Every univariate statistic of feature `x` against outcome `y` (group 1 = `true`, first sample).
pub fn univariate_tests(x: &[f64], y: &[bool]) -> Result<UnivariateTests> {
    check_len("outcome", y.len(), x.len())?;
    let pos: Vec<f64> = x.iter().zip(y).filter(|(_, &l)| l).map(|(v, _)| *v).collect();
    let neg: Vec<f64> = x.iter().zip(y).filter(|(_, &l)| !l).map(|(v, _)| *v).collect();
    let mw = mann_whitney_u(&pos, &neg)?;
    let welch = welch_t_test(&pos, &neg)?;
    let student = student_t_test(&pos, &neg)?;
    let pb = point_biserial(x, y)?;
    let anova = anova_f_oneway(&[&pos, &neg])?;
    Ok(UnivariateTests {
        mwu_u: mw.u,
        mwu_p: mw.p,
        welch_t: welch.t,
        welch_p: welch.p,
        student_t: student.t,
        student_p: student.p,
        auc: mw.u / (pos.len() as f64 * neg.len() as f64),
        pointbiserial_r: pb.r,
        pointbiserial_p: pb.p,
        anova_f: anova.f,
        anova_f_p: anova.p,
    })
}

/// Benjamini & Hochberg (1995) q-values: q₍ᵢ₎ = min_{j ≥ i} min(1, m·p₍ⱼ₎/j) over ascending p
/// (R `p.adjust(method = "BH")`). NaN p-values give NaN and are not counted in m.
pub fn benjamini_hochberg(p: &[f64]) -> Vec<f64> {
    let idx: Vec<usize> = (0..p.len()).filter(|&i| !p[i].is_nan()).collect();
    let vals: Vec<f64> = idx.iter().map(|&i| p[i]).collect();
    let order = argsort(&vals);
    let m = vals.len() as f64;
    let mut q = vec![f64::NAN; p.len()];
    let mut running = f64::INFINITY;
    for (rank0, &o) in order.iter().enumerate().rev() {
        let adj = (vals[o] * m / (rank0 + 1) as f64).min(1.0);
        running = running.min(adj);
        q[idx[o]] = running;
    }
    q
}

/// Bonferroni adjustment min(1, m·p) (NaN stays NaN and is not counted in m).
pub fn bonferroni(p: &[f64]) -> Vec<f64> {
    let m = p.iter().filter(|v| !v.is_nan()).count() as f64;
    p.iter().map(|&v| (v * m).min(1.0)).collect()
}
