//! The known outcome-generating model of the synthetic cohort: linear predictor from the
//! standardised latent tumour properties, its scale solved so the expected AUC (binary) or
//! Harrell C-index (survival) equals the target, outcome draws, clinical variables, and the
//! AUC / C-index used to report the realised truth.
//! This module must not touch images or files.

use rand::Rng;
use rand_distr::StandardNormal;
use serde::Serialize;

use super::spec::{BinaryOutcome, OutcomeSpec, SurvivalOutcome};
use super::SynthError;

/// Latent properties that drive the outcome (indices into `Latent::z`) and their raw weights.
/// The weights are normalised to unit length, so `w·z ~ N(0, 1)` for independent z ~ N(0, 1).
pub const OUTCOME_WEIGHTS: [(&str, f64); 4] =
    [("size", 0.55), ("heterogeneity", 0.45), ("rim_enhancement", 0.50), ("necrosis", 0.45)];

/// Correlation of log(AFP) with the standardised linear predictor ("weakly linked").
pub const AFP_LINK: f64 = 0.3;

/// Fraction lost to follow-up by the end of follow-up (constant dropout hazard).
pub const DROPOUT_BY_END: f64 = 0.10;

/// Unit-length outcome weights in the order of `OUTCOME_WEIGHTS`.
pub fn unit_weights() -> [f64; 4] {
    let norm = OUTCOME_WEIGHTS.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
    let mut w = [0.0; 4];
    for (o, (_, r)) in w.iter_mut().zip(OUTCOME_WEIGHTS) {
        *o = r / norm;
    }
    w
}

/// Solved generating model. `lp = scale × u`, u = unit-weighted sum of standardised latents.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Model {
    /// P(y = 1) = logistic(intercept + scale·u).
    Binary { scale: f64, intercept: f64 },
    /// Event hazard (per month) = baseline_hazard·exp(scale·u); censoring at `follow_up` months
    /// and by a constant dropout hazard.
    Survival { scale: f64, baseline_hazard: f64, dropout_hazard: f64, follow_up: f64 },
}

/// One patient's drawn outcome.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Outcome {
    /// 0/1 label and its true probability.
    Binary { y: u8, probability: f64 },
    /// Observed time (months) and event indicator.
    Survival { time: f64, event: u8 },
}

/// Standard-normal quadrature: `n` equally spaced nodes on [-lim, lim], weights ∝ φ(x), sum 1.
fn normal_grid(n: usize, lim: f64) -> (Vec<f64>, Vec<f64>) {
    let xs: Vec<f64> = (0..n).map(|k| -lim + 2.0 * lim * k as f64 / (n - 1) as f64).collect();
    let mut ws: Vec<f64> = xs.iter().map(|x| (-0.5 * x * x).exp()).collect();
    let s: f64 = ws.iter().sum();
    ws.iter_mut().for_each(|w| *w /= s);
    (xs, ws)
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Increasing function bisection: the x in [lo, hi] with f(x) = target (80 halvings).
fn bisect(mut lo: f64, mut hi: f64, target: f64, f: impl Fn(f64) -> f64) -> f64 {
    for _ in 0..80 {
        let mid = 0.5 * (lo + hi);
        if f(mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Expected prevalence E[logistic(a + s·U)], U ~ N(0, 1) (quadrature).
fn expected_prevalence(xs: &[f64], ws: &[f64], a: f64, s: f64) -> f64 {
    xs.iter().zip(ws).map(|(x, w)| w * logistic(a + s * x)).sum()
}

/// Expected AUC of p(U) = logistic(a + s·U) against Y ~ Bernoulli(p(U)):
/// P(U₁ > U₂ | Y₁ = 1, Y₂ = 0), by quadrature over U (nodes in ascending order).
pub fn expected_auc(a: f64, s: f64) -> f64 {
    let (xs, ws) = normal_grid(2001, 8.0);
    let (mut neg_below, mut num, mut pos, mut neg) = (0.0, 0.0, 0.0, 0.0);
    for (x, w) in xs.iter().zip(&ws) {
        let p = logistic(a + s * x);
        let (pm, nm) = (w * p, w * (1.0 - p));
        num += pm * (neg_below + 0.5 * nm);
        neg_below += nm;
        pos += pm;
        neg += nm;
    }
    num / (pos * neg)
}

/// Solve intercept and scale so E[p] = prevalence and the expected AUC = target.
pub fn solve_binary(b: &BinaryOutcome) -> Result<Model, SynthError> {
    let (xs, ws) = normal_grid(2001, 8.0);
    let intercept_for = |s: f64| bisect(-60.0, 60.0, b.prevalence, |a| expected_prevalence(&xs, &ws, a, s));
    if expected_auc(intercept_for(40.0), 40.0) < b.target_auc {
        return Err(SynthError::Spec(format!("outcome.target_auc = {} is not reachable", b.target_auc)));
    }
    let scale = bisect(0.0, 40.0, b.target_auc, |s| expected_auc(intercept_for(s), s));
    Ok(Model::Binary { scale, intercept: intercept_for(scale) })
}

/// Expected event fraction: E[h/(h+μ)·(1 − e^{−(h+μ)F})], h = λ₀·e^{s·U}.
fn expected_event_rate(xs: &[f64], ws: &[f64], lambda0: f64, s: f64, mu: f64, f: f64) -> f64 {
    xs.iter()
        .zip(ws)
        .map(|(x, w)| {
            let h = lambda0 * (s * x).exp();
            w * h / (h + mu) * (1.0 - (-(h + mu) * f).exp())
        })
        .sum()
}

/// Expected Harrell C of lp = s·U for exponential times, dropout hazard μ and administrative
/// censoring at F: E[max(h₁,h₂)·g(H)] / E[(h₁+h₂)·g(H)], H = h₁+h₂+2μ, g(H) = (1−e^{−HF})/H
/// (a pair is comparable when its first event precedes both censoring times).
pub fn expected_c_index(lambda0: f64, s: f64, mu: f64, f: f64) -> f64 {
    let (xs, ws) = normal_grid(401, 7.0);
    let hs: Vec<f64> = xs.iter().map(|x| lambda0 * (s * x).exp()).collect();
    let (mut conc, mut comp) = (0.0, 0.0);
    for k in 0..hs.len() {
        for l in k..hs.len() {
            let big_h = hs[k] + hs[l] + 2.0 * mu;
            let g = (1.0 - (-big_h * f).exp()) / big_h;
            let w = if k == l { ws[k] * ws[l] } else { 2.0 * ws[k] * ws[l] };
            conc += w * hs[k].max(hs[l]) * g;
            comp += w * (hs[k] + hs[l]) * g;
        }
    }
    conc / comp
}

/// Solve baseline hazard and scale so the expected event rate and Harrell C hit the targets.
pub fn solve_survival(o: &SurvivalOutcome) -> Result<Model, SynthError> {
    let (xs, ws) = normal_grid(801, 8.0);
    let f = o.follow_up_months;
    let mu = -(1.0 - DROPOUT_BY_END).ln() / f;
    // Largest reachable event fraction is limited by dropout: solve in log(λ₀).
    let lambda_for = |s: f64| {
        let ln = bisect(-40.0, 20.0, o.event_rate, |l| expected_event_rate(&xs, &ws, l.exp(), s, mu, f));
        ln.exp()
    };
    let s_max = 8.0;
    if expected_c_index(lambda_for(s_max), s_max, mu, f) < o.target_c_index {
        return Err(SynthError::Spec(format!("outcome.target_c_index = {} is not reachable", o.target_c_index)));
    }
    let mut lo = 0.0;
    let mut hi = s_max;
    for _ in 0..40 {
        let mid = 0.5 * (lo + hi);
        if expected_c_index(lambda_for(mid), mid, mu, f) < o.target_c_index {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let scale = 0.5 * (lo + hi);
    Ok(Model::Survival { scale, baseline_hazard: lambda_for(scale), dropout_hazard: mu, follow_up: f })
}

/// Solve the generating model for an outcome specification.
pub fn solve(spec: &OutcomeSpec) -> Result<Model, SynthError> {
    match spec {
        OutcomeSpec::Binary(b) => solve_binary(b),
        OutcomeSpec::Survival(s) => solve_survival(s),
    }
}

impl Model {
    /// Linear predictor for the unit-weighted latent score u.
    pub fn linear_predictor(&self, u: f64) -> f64 {
        match *self {
            Model::Binary { scale, intercept } => intercept + scale * u,
            Model::Survival { scale, baseline_hazard, .. } => baseline_hazard.ln() + scale * u,
        }
    }

    /// Draw one outcome for score u (uses exactly two uniforms from `rng`).
    pub fn draw<R: Rng>(&self, u: f64, rng: &mut R) -> Outcome {
        let u1: f64 = rng.random();
        let u2: f64 = rng.random();
        match *self {
            Model::Binary { .. } => {
                let p = logistic(self.linear_predictor(u));
                Outcome::Binary { y: u8::from(u1 < p), probability: p }
            }
            Model::Survival { dropout_hazard, follow_up, .. } => {
                let h = self.linear_predictor(u).exp();
                let t = -(1.0 - u1).ln() / h;
                let d = -(1.0 - u2).ln() / dropout_hazard;
                let c = d.min(follow_up);
                if t <= c {
                    Outcome::Survival { time: t, event: 1 }
                } else {
                    Outcome::Survival { time: c, event: 0 }
                }
            }
        }
    }
}

/// Clinical variables of one patient.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Clinical {
    /// Age in whole years, N(62, 10) clipped to 30–90.
    pub age: f64,
    /// Alpha-fetoprotein, ng/mL: log-normal (median 20, log-SD 1.5), log correlated AFP_LINK with u.
    pub afp: f64,
    /// ALBI grade 1, 2 or 3 (probabilities 0.50, 0.40, 0.10), independent of the outcome.
    pub albi_grade: u8,
    /// Neutrophil-to-lymphocyte ratio: log-normal (median 2.5, log-SD 0.45), independent.
    pub nlr: f64,
}

/// Draw the clinical variables (uses four normals and one uniform from `rng`).
pub fn draw_clinical<R: Rng>(u: f64, rng: &mut R) -> Clinical {
    let n: [f64; 3] = [rng.sample(StandardNormal), rng.sample(StandardNormal), rng.sample(StandardNormal)];
    let g: f64 = rng.random();
    let age = (62.0 + 10.0 * n[0]).clamp(30.0, 90.0).round();
    let afp_z = AFP_LINK * u + (1.0 - AFP_LINK * AFP_LINK).sqrt() * n[1];
    let afp = (20f64.ln() + 1.5 * afp_z).exp().clamp(1.0, 1e6);
    let albi_grade = if g < 0.5 {
        1
    } else if g < 0.9 {
        2
    } else {
        3
    };
    let nlr = (2.5f64.ln() + 0.45 * n[2]).exp();
    Clinical { age, afp, albi_grade, nlr }
}

/// AUC (Mann–Whitney, ties count ½) of `scores` for labels 1 vs 0; NaN if a class is empty.
pub fn auc(scores: &[f64], labels: &[u8]) -> f64 {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let (mut rank_sum_pos, mut n_pos) = (0.0, 0.0);
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && scores[idx[j + 1]] == scores[idx[i]] {
            j += 1;
        }
        let mid_rank = (i + j) as f64 / 2.0 + 1.0;
        for &t in &idx[i..=j] {
            if labels[t] == 1 {
                rank_sum_pos += mid_rank;
                n_pos += 1.0;
            }
        }
        i = j + 1;
    }
    let n_neg = scores.len() as f64 - n_pos;
    if n_pos == 0.0 || n_neg == 0.0 {
        return f64::NAN;
    }
    (rank_sum_pos - n_pos * (n_pos + 1.0) / 2.0) / (n_pos * n_neg)
}

/// Harrell's C of `risk` (higher = earlier event): pairs where subject i has an event and
/// t_j > t_i (or t_j = t_i with j censored); concordant if risk_i > risk_j, ties ½
/// (the scikit-survival convention). NaN when no pair is comparable.
pub fn harrell_c(time: &[f64], event: &[u8], risk: &[f64]) -> f64 {
    let (mut conc, mut comp) = (0.0, 0.0);
    for i in 0..time.len() {
        if event[i] != 1 {
            continue;
        }
        for j in 0..time.len() {
            if time[j] > time[i] || (time[j] == time[i] && event[j] == 0 && j != i) {
                comp += 1.0;
                if risk[i] > risk[j] {
                    conc += 1.0;
                } else if risk[i] == risk[j] {
                    conc += 0.5;
                }
            }
        }
    }
    if comp == 0.0 {
        f64::NAN
    } else {
        conc / comp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_weights_have_unit_length() {
        let w = unit_weights();
        assert!((w.iter().map(|x| x * x).sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn expected_auc_is_half_without_signal_and_grows_with_scale() {
        assert!((expected_auc(-0.5, 0.0) - 0.5).abs() < 1e-9);
        assert!(expected_auc(0.0, 3.0) > expected_auc(0.0, 1.0));
    }

    #[test]
    fn auc_and_c_handle_degenerate_input() {
        assert!(auc(&[0.1, 0.2], &[1, 1]).is_nan());
        assert_eq!(auc(&[0.1, 0.2, 0.2], &[0, 1, 0]), 0.75);
        assert!(harrell_c(&[1.0, 2.0], &[0, 0], &[1.0, 0.0]).is_nan());
    }
}
