//! Sample quantiles (R type 7 = numpy "linear"). Pure arithmetic on sorted data.

/// Type-7 quantile of ascending-sorted `sorted` at probability `q ∈ [0,1]`:
/// h = (n−1)q, Q = x[⌊h⌋] + (h−⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]) (Hyndman & Fan 1996). NaN if empty.
pub fn quantile_type7_sorted(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 0 || !(0.0..=1.0).contains(&q) {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    let frac = h - lo as f64;
    // numpy's _lerp form: a + (b − a)·t, switched to b − (b − a)(1 − t) for t ≥ 0.5
    let (a, b) = (sorted[lo], sorted[hi]);
    let diff = b - a;
    if frac >= 0.5 {
        b - diff * (1.0 - frac)
    } else {
        a + diff * frac
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type7_matches_numpy_linear() {
        // numpy.quantile([1, 2, 4, 8], [0.25, 0.5, 0.975]) = [1.75, 3.0, 7.7]
        let x = [1.0, 2.0, 4.0, 8.0];
        assert!((quantile_type7_sorted(&x, 0.25) - 1.75).abs() < 1e-15);
        assert!((quantile_type7_sorted(&x, 0.5) - 3.0).abs() < 1e-15);
        assert!((quantile_type7_sorted(&x, 0.975) - 7.7).abs() < 1e-12);
    }
}
