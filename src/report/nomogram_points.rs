//! Points table of a nomogram (Harrell's `rms::nomogram` scheme) from a linear model on the
//! raw scale: each predictor's points are 100·β·(x − x_ref) / R, where x_ref is the value that
//! scores 0 (the minimum for β > 0, the maximum for β < 0) and R the largest |β|·(range) of
//! any predictor; total points map back to the linear predictor. Arithmetic on given
//! coefficients only; must not fit anything.

/// One predictor on the raw scale with its observed training range.
#[derive(Debug, Clone, PartialEq)]
pub struct NomogramInput {
    pub name: String,
    pub coef: f64,
    pub min: f64,
    pub max: f64,
}

/// The points scheme of a model.
#[derive(Debug, Clone, PartialEq)]
pub struct PointsScheme {
    pub inputs: Vec<NomogramInput>,
    /// R: |β|·range of the most influential predictor (100 points).
    pub max_effect: f64,
    /// Linear predictor when every predictor sits at its 0-points value.
    pub base_lp: f64,
}

impl PointsScheme {
    /// Errors when no predictor has a non-zero effect over its range.
    pub fn new(intercept: f64, inputs: Vec<NomogramInput>) -> Result<Self, String> {
        let max_effect = inputs.iter().map(|v| v.coef.abs() * (v.max - v.min)).fold(0.0, f64::max);
        if !(max_effect > 0.0 && max_effect.is_finite()) {
            return Err("nomogram: no predictor changes the linear predictor over its training range".into());
        }
        let base_lp = intercept + inputs.iter().map(|v| v.coef * zero_at(v)).sum::<f64>();
        Ok(PointsScheme { inputs, max_effect, base_lp })
    }

    /// Points of predictor `k` at raw value `x`.
    pub fn points(&self, k: usize, x: f64) -> f64 {
        let v = &self.inputs[k];
        100.0 * v.coef * (x - zero_at(v)) / self.max_effect
    }

    /// Largest possible total points.
    pub fn max_total(&self) -> f64 {
        (0..self.inputs.len()).map(|k| self.points(k, self.inputs[k].min).max(self.points(k, self.inputs[k].max))).sum()
    }

    /// Linear predictor at a total number of points.
    pub fn lp_at(&self, total: f64) -> f64 {
        self.base_lp + total * self.max_effect / 100.0
    }

    /// Total points at a linear predictor value.
    pub fn total_at(&self, lp: f64) -> f64 {
        (lp - self.base_lp) * 100.0 / self.max_effect
    }
}

/// The value of a predictor that scores 0 points.
fn zero_at(v: &NomogramInput) -> f64 {
    if v.coef >= 0.0 {
        v.min
    } else {
        v.max
    }
}

/// About five round values covering [lo, hi] (1, 2, 2.5 or 5 × 10^k steps), ends included.
pub fn nice_values(lo: f64, hi: f64) -> Vec<f64> {
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
        return vec![lo];
    }
    let raw = (hi - lo) / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    let mut out = vec![lo];
    let mut v = (lo / step).ceil() * step;
    while v < hi - 1e-9 * step {
        if v > lo + 1e-9 * step {
            out.push(v);
        }
        v += step;
    }
    out.push(hi);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_follow_the_rms_scheme() {
        // β·range: a 2·10 = 20 (100 points), b −1·5 = 5 (25 points, 0 at its maximum).
        let s = PointsScheme::new(
            -1.0,
            vec![
                NomogramInput { name: "a".into(), coef: 2.0, min: 0.0, max: 10.0 },
                NomogramInput { name: "b".into(), coef: -1.0, min: 1.0, max: 6.0 },
            ],
        )
        .unwrap();
        assert_eq!(s.max_effect, 20.0);
        assert_eq!(s.points(0, 10.0), 100.0);
        assert_eq!(s.points(1, 6.0), 0.0);
        assert_eq!(s.points(1, 1.0), 25.0);
        assert_eq!(s.max_total(), 125.0);
        // a = 5, b = 1: lp = −1 + 10 − 1 = 8; points 50 + 25 = 75.
        assert!((s.lp_at(75.0) - 8.0).abs() < 1e-12);
        assert!((s.total_at(8.0) - 75.0).abs() < 1e-12);
    }

    #[test]
    fn nice_values_are_round_and_cover_the_range() {
        assert_eq!(nice_values(0.0, 100.0), vec![0.0, 25.0, 50.0, 75.0, 100.0]);
        assert_eq!(nice_values(31.0, 88.0), vec![31.0, 40.0, 60.0, 80.0, 88.0]);
    }
}
