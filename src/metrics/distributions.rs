//! Tail probabilities and quantiles of the normal, χ², Student t and F distributions
//! (thin wrappers over `statrs` and `libm::erfc`, with Newton polishing of the F quantile).
//! Only distribution arithmetic lives here; no test statistic is computed.
use statrs::distribution::{ChiSquared, Continuous, ContinuousCDF, FisherSnedecor, StudentsT};

/// Φ⁻¹(0.975) = 1.959963984540054, the two-sided 95% normal quantile (scipy `norm.ppf(0.975)`).
pub const Z_975: f64 = 1.959_963_984_540_054;

/// Upper normal tail P(Z > z) = ½·erfc(z/√2), with `libm::erfc` (musl/FreeBSD, ≲1 ulp;
/// statrs' erfc is off by ~1e-12 near z = 1.96).
pub fn normal_sf(z: f64) -> f64 {
    0.5 * libm::erfc(z / std::f64::consts::SQRT_2)
}

/// Two-sided normal p = 2·P(Z > |z|), at most 1; NaN for NaN z.
pub fn normal_two_sided_p(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    (2.0 * normal_sf(z.abs())).min(1.0)
}

/// Upper χ² tail P(X > x) with `df` degrees of freedom; NaN for invalid input.
pub fn chi2_sf(x: f64, df: f64) -> f64 {
    if x.is_nan() || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    match ChiSquared::new(df) {
        Ok(d) => d.sf(x),
        Err(_) => f64::NAN,
    }
}

/// Two-sided Student t p = 2·P(T_df > |t|); NaN for invalid input.
pub fn t_two_sided_p(t: f64, df: f64) -> f64 {
    if t.is_nan() || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    match StudentsT::new(0.0, 1.0, df) {
        Ok(d) => (2.0 * d.sf(t.abs())).min(1.0),
        Err(_) => f64::NAN,
    }
}

/// Upper F tail P(F_{d1,d2} > x); NaN for invalid input.
pub fn f_sf(x: f64, d1: f64, d2: f64) -> f64 {
    if x.is_nan() || d1.is_nan() || d2.is_nan() || d1 <= 0.0 || d2 <= 0.0 {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    match FisherSnedecor::new(d1, d2) {
        Ok(d) => d.sf(x),
        Err(_) => f64::NAN,
    }
}

/// Quantile of F_{d1,d2} at probability `p ∈ (0,1)` (scipy `f.ppf`): statrs' AS 64/109 inverse
/// regularised beta, then Newton steps on the CDF (or survival function for p > ½) to full precision.
pub fn f_quantile(p: f64, d1: f64, d2: f64) -> f64 {
    if !(p > 0.0 && p < 1.0) || d1.is_nan() || d2.is_nan() || d1 <= 0.0 || d2 <= 0.0 {
        return f64::NAN;
    }
    let Ok(dist) = FisherSnedecor::new(d1, d2) else {
        return f64::NAN;
    };
    let mut x = dist.inverse_cdf(p);
    if !x.is_finite() || x <= 0.0 {
        return x;
    }
    for _ in 0..50 {
        let resid = if p > 0.5 { (1.0 - p) - dist.sf(x) } else { dist.cdf(x) - p };
        let dens = dist.pdf(x);
        if dens <= 0.0 || !dens.is_finite() {
            break;
        }
        let mut step = resid / dens;
        // keep the iterate positive
        while x - step <= 0.0 {
            step *= 0.5;
        }
        x -= step;
        if step.abs() <= 1e-15 * x.abs() {
            break;
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f_quantile_matches_scipy() {
        // scipy.stats.f.ppf(0.975, 5, 18) = 3.3820197...; f.ppf(0.975, 18, 5) = 6.3400...
        // checked by round trip through the survival function
        for &(d1, d2) in &[(5.0, 18.0), (18.0, 5.0), (7.0, 4.785143862212758), (1.0, 1.0)] {
            let q = f_quantile(0.975, d1, d2);
            assert!((f_sf(q, d1, d2) - 0.025).abs() < 1e-14, "{d1} {d2} {q}");
        }
    }

    #[test]
    fn normal_tail() {
        let d = normal_sf(Z_975) - 0.025;
        assert!(d.abs() < 1e-15, "{d:e}");
        assert!((normal_two_sided_p(0.0) - 1.0).abs() < 1e-15);
    }
}
