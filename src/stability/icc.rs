//! Intraclass correlation coefficients (Shrout & Fleiss 1979; McGraw & Wong 1996) from a complete
//! targets × raters matrix: the six forms with F test and 95% CI, as R `psych::ICC` / pingouin.
//! Works from one two-way ANOVA pass (O(n + k) scratch); no missing-value handling.
use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use crate::metrics::distributions::{f_quantile, f_sf};
use crate::metrics::error::{Result, StatsError};

/// The six ICC forms; serde names as in Shrout & Fleiss (pingouin `Description` order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum IccForm {
    /// One-way random, single rater.
    #[serde(rename = "ICC(1,1)")]
    Icc11,
    /// Two-way random, absolute agreement, single rater (McGraw–Wong ICC(A,1)).
    #[serde(rename = "ICC(2,1)")]
    Icc21,
    /// Two-way mixed, consistency, single rater (ICC(C,1)).
    #[serde(rename = "ICC(3,1)")]
    Icc31,
    /// One-way random, mean of k raters.
    #[serde(rename = "ICC(1,k)")]
    Icc1k,
    /// Two-way random, absolute agreement, mean of k raters (ICC(A,k)).
    #[serde(rename = "ICC(2,k)")]
    Icc2k,
    /// Two-way mixed, consistency, mean of k raters (ICC(C,k)).
    #[serde(rename = "ICC(3,k)")]
    Icc3k,
}

impl IccForm {
    /// All six forms in the order (1,1), (2,1), (3,1), (1,k), (2,k), (3,k).
    pub const ALL: [IccForm; 6] =
        [IccForm::Icc11, IccForm::Icc21, IccForm::Icc31, IccForm::Icc1k, IccForm::Icc2k, IccForm::Icc3k];

    /// Parse a Shrout–Fleiss label such as "ICC(2,1)" (spaces ignored, `K` = `k`).
    pub fn parse(s: &str) -> Option<IccForm> {
        let t: String = s.chars().filter(|c| !c.is_whitespace()).collect::<String>().replace('K', "k");
        IccForm::ALL.into_iter().find(|f| f.label() == t)
    }

    /// The Shrout–Fleiss label, e.g. "ICC(2,1)".
    pub fn label(self) -> &'static str {
        match self {
            IccForm::Icc11 => "ICC(1,1)",
            IccForm::Icc21 => "ICC(2,1)",
            IccForm::Icc31 => "ICC(3,1)",
            IccForm::Icc1k => "ICC(1,k)",
            IccForm::Icc2k => "ICC(2,k)",
            IccForm::Icc3k => "ICC(3,k)",
        }
    }
}

/// Two-way ANOVA mean squares of an n × k matrix (targets × raters).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IccAnova {
    pub n_targets: usize,
    pub k_raters: usize,
    /// Between targets: SSR/(n−1), SSR = k·Σᵢ(x̄ᵢ· − x̄)².
    pub msr: f64,
    /// Within targets: (SSC + SSE)/(n(k−1)).
    pub msw: f64,
    /// Between raters: SSC/(k−1), SSC = n·Σⱼ(x̄·ⱼ − x̄)².
    pub msc: f64,
    /// Residual: SSE/((n−1)(k−1)), SSE = SST − SSR − SSC.
    pub mse: f64,
}

/// One ICC with its F test (H₀: ICC = 0) and 95% CI.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IccResult {
    pub form: IccForm,
    pub value: f64,
    /// MSR/MSW for case 1, MSR/MSE for cases 2 and 3.
    pub f: f64,
    pub df1: f64,
    pub df2: f64,
    /// P(F_{df1,df2} > f).
    pub p: f64,
    pub ci95: [f64; 2],
}

impl IccAnova {
    /// Mean squares from an n × k matrix (n ≥ 2 targets, k ≥ 2 raters, all finite); two passes,
    /// O(n + k) scratch (row and column means).
    pub fn from_ratings(x: ArrayView2<f64>) -> Result<IccAnova> {
        let (n, k) = x.dim();
        if n < 2 || k < 2 {
            return Err(StatsError::InvalidArgument(format!("ICC needs ≥ 2 targets and ≥ 2 raters, got {n} × {k}")));
        }
        if x.iter().any(|v| !v.is_finite()) {
            return Err(StatsError::NonFinite("ratings"));
        }
        let (nf, kf) = (n as f64, k as f64);
        let mut row_mean = vec![0.0; n];
        let mut col_mean = vec![0.0; k];
        let mut total = 0.0;
        for ((i, j), &v) in x.indexed_iter() {
            row_mean[i] += v;
            col_mean[j] += v;
            total += v;
        }
        let grand = total / (nf * kf);
        let mut sst = 0.0;
        for &v in x.iter() {
            sst += (v - grand).powi(2);
        }
        let ssr = kf * row_mean.iter().map(|s| (s / kf - grand).powi(2)).sum::<f64>();
        let ssc = nf * col_mean.iter().map(|s| (s / nf - grand).powi(2)).sum::<f64>();
        let sse = sst - ssr - ssc;
        Ok(IccAnova {
            n_targets: n,
            k_raters: k,
            msr: ssr / (nf - 1.0),
            msw: (ssc + sse) / (nf * (kf - 1.0)),
            msc: ssc / (kf - 1.0),
            mse: sse / ((nf - 1.0) * (kf - 1.0)),
        })
    }

    /// ICC value, F test and 95% CI of one form (α = 0.05).
    /// Point estimates (Shrout & Fleiss 1979, McGraw & Wong 1996):
    /// (1,1) = (MSR−MSW)/(MSR+(k−1)MSW); (2,1) = (MSR−MSE)/(MSR+(k−1)MSE+k(MSC−MSE)/n);
    /// (3,1) = (MSR−MSE)/(MSR+(k−1)MSE); (1,k) = (MSR−MSW)/MSR; (2,k) = (MSR−MSE)/(MSR+(MSC−MSE)/n);
    /// (3,k) = (MSR−MSE)/MSR. CIs: exact F bounds for cases 1 and 3; case 2 with the Satterthwaite
    /// df ν of McGraw & Wong (1996) eq. A5–A6, exactly as pingouin 0.7 / psych::ICC.
    pub fn form(&self, form: IccForm) -> IccResult {
        let (n, k) = (self.n_targets as f64, self.k_raters as f64);
        let (msr, msw, msc, mse) = (self.msr, self.msw, self.msc, self.mse);
        let q = 0.975; // 1 − α/2
        let (df1, df2_one, df2_two) = (n - 1.0, n * (k - 1.0), (n - 1.0) * (k - 1.0));
        let f1 = msr / msw;
        let f3 = msr / mse;
        let icc2 = (msr - mse) / (msr + (k - 1.0) * mse + k * (msc - mse) / n);
        let (value, f, df2, ci95) = match form {
            IccForm::Icc11 | IccForm::Icc1k => {
                let fl = f1 / f_quantile(q, df1, df2_one);
                let fu = f1 * f_quantile(q, df2_one, df1);
                if form == IccForm::Icc11 {
                    let v = (msr - msw) / (msr + (k - 1.0) * msw);
                    let ci = [(fl - 1.0) / (fl + k - 1.0), (fu - 1.0) / (fu + k - 1.0)];
                    (v, f1, df2_one, ci)
                } else {
                    ((msr - msw) / msr, f1, df2_one, [1.0 - 1.0 / fl, 1.0 - 1.0 / fu])
                }
            }
            IccForm::Icc31 | IccForm::Icc3k => {
                let fl = f3 / f_quantile(q, df1, df2_two);
                let fu = f3 * f_quantile(q, df2_two, df1);
                if form == IccForm::Icc31 {
                    let v = (msr - mse) / (msr + (k - 1.0) * mse);
                    let ci = [(fl - 1.0) / (fl + k - 1.0), (fu - 1.0) / (fu + k - 1.0)];
                    (v, f3, df2_two, ci)
                } else {
                    ((msr - mse) / msr, f3, df2_two, [1.0 - 1.0 / fl, 1.0 - 1.0 / fu])
                }
            }
            IccForm::Icc21 | IccForm::Icc2k => {
                let fj = msc / mse;
                let vn = (k - 1.0) * (n - 1.0) * (k * icc2 * fj + n * (1.0 + (k - 1.0) * icc2) - k * icc2).powi(2);
                let vd = (n - 1.0) * k * k * icc2 * icc2 * fj * fj + (n * (1.0 + (k - 1.0) * icc2) - k * icc2).powi(2);
                let nu = vn / vd;
                let fu = f_quantile(q, n - 1.0, nu);
                let fl = f_quantile(q, nu, n - 1.0);
                let lo = n * (msr - fu * mse) / (fu * (k * msc + (k * n - k - n) * mse) + n * msr);
                let hi = n * (fl * msr - mse) / (k * msc + (k * n - k - n) * mse + n * fl * msr);
                if form == IccForm::Icc21 {
                    (icc2, f3, df2_two, [lo, hi])
                } else {
                    let v = (msr - mse) / (msr + (msc - mse) / n);
                    let ci = [lo * k / (1.0 + lo * (k - 1.0)), hi * k / (1.0 + hi * (k - 1.0))];
                    (v, f3, df2_two, ci)
                }
            }
        };
        IccResult { form, value, f, df1, df2, p: f_sf(f, df1, df2), ci95 }
    }
}

/// One ICC form from an n × k (targets × raters) matrix; see [`IccAnova::form`] for formulas.
pub fn icc(ratings: ArrayView2<f64>, form: IccForm) -> Result<IccResult> {
    Ok(IccAnova::from_ratings(ratings)?.form(form))
}

/// All six forms (order of [`IccForm::ALL`]) from one ANOVA pass.
pub fn icc_all(ratings: ArrayView2<f64>) -> Result<[IccResult; 6]> {
    let a = IccAnova::from_ratings(ratings)?;
    Ok(IccForm::ALL.map(|f| a.form(f)))
}
