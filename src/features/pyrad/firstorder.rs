//! PyRadiomics first-order features (`firstorder.py`): raw ROI intensities, except Entropy
//! and Uniformity on the discretised ones; Energy/TotalEnergy/RootMeanSquared add
//! `voxelArrayShift`; Pearson kurtosis; numpy linear-interpolation percentiles.
//! This module must not implement IBSI's intensity-histogram variants.

use super::binning::discretised;
use super::roi::RoiArrays;
use super::settings::PyradSettings;
use super::PyradError;

/// numpy `percentile(x, p)` (linear method) of sorted data, numpy's lerp rounding included.
pub fn numpy_percentile(sorted: &[f64], p: f64) -> f64 {
    percentile_with(sorted.len(), p, |k| sorted[k])
}

/// Sorted positions numpy's linear percentile `p` of `n` values reads (both may be equal).
fn percentile_positions(n: usize, p: f64) -> [usize; 2] {
    let lo = (p / 100.0 * (n - 1) as f64).floor() as usize;
    [lo, (lo + 1).min(n - 1)]
}

/// numpy's linear percentile of `n` values, `at(k)` giving the k-th smallest.
fn percentile_with(n: usize, p: f64, at: impl Fn(usize) -> f64) -> f64 {
    if n == 0 {
        return f64::NAN;
    }
    let idx = p / 100.0 * (n - 1) as f64;
    let [lo, hi] = percentile_positions(n, p);
    let t = idx - lo as f64;
    let (a, b) = (at(lo), at(hi));
    let d = b - a;
    if t >= 0.5 {
        b - d * (1.0 - t)
    } else {
        a + d * t
    }
}

/// f64 bits as an integer ordered like `f64::total_cmp` (the map is its own inverse).
fn total_key(bits: i64) -> i64 {
    bits ^ (((bits >> 63) as u64) >> 1) as i64
}

/// The values at sorted positions `ks` (ascending, distinct) as a full `total_cmp` sort of
/// `x` would place them. Values equal under `total_cmp` have the same bits, so these are
/// exactly the sorted values.
fn order_stats(x: &[f64], ks: &[usize]) -> Vec<f64> {
    let mut keys: Vec<i64> = x.iter().map(|v| total_key(v.to_bits() as i64)).collect();
    select_positions(&mut keys, ks, 0);
    ks.iter().map(|&k| f64::from_bits(total_key(keys[k]) as u64)).collect()
}

/// Put the elements of sorted positions `ks` (ascending, of the whole array; `part` starts
/// at position `from`) in place: select the middle position, then each side's positions in
/// that side only.
fn select_positions(part: &mut [i64], ks: &[usize], from: usize) {
    let Some(&k) = ks.get(ks.len() / 2) else { return };
    let mid = ks.len() / 2;
    part.select_nth_unstable(k - from);
    let (left, right) = part.split_at_mut(k - from);
    select_positions(left, &ks[..mid], from);
    select_positions(&mut right[1..], &ks[mid + 1..], k + 1);
}

/// All first-order features (PyRadiomics names) of the ROI.
pub fn compute(roi: &RoiArrays, settings: &PyradSettings) -> Result<Vec<(&'static str, f64)>, PyradError> {
    let x = roi.values();
    if x.is_empty() {
        return Err(PyradError::Mask("empty ROI".into()));
    }
    let n = x.len() as f64;
    let shift = settings.voxelArrayShift;
    // Sorted positions read: min, max, median, and the 10/25/75/90th percentiles.
    let len = x.len();
    let pcts = [10.0, 25.0, 75.0, 90.0];
    let mut ks = vec![0, len - 1, (len - 1) / 2, len / 2];
    ks.extend(pcts.iter().flat_map(|&p| percentile_positions(len, p)));
    ks.sort_unstable();
    ks.dedup();
    let stats = order_stats(&x, &ks);
    let at = |k: usize| stats[ks.binary_search(&k).expect("position selected")];
    let percentile = |p: f64| percentile_with(len, p, at);
    // Sums in one pass each, every accumulator adding its terms in voxel order from -0.0, as
    // `Iterator::sum` does: the same roundings, the independent chains overlap.
    let (mut sum, mut energy) = (-0.0f64, -0.0f64);
    for &v in &x {
        sum += v;
        energy += (v + shift).powi(2);
    }
    let mean = sum / n;
    let (mut s2, mut s3, mut s4, mut sad) = (-0.0f64, -0.0f64, -0.0f64, -0.0f64);
    for &v in &x {
        let dv = v - mean;
        s2 += dv.powi(2);
        s3 += dv.powi(3);
        s4 += dv.powi(4);
        sad += dv.abs();
    }
    let (m2, m3, m4) = (s2 / n, s3 / n, s4 / n);
    let voxel_volume: f64 = roi.spacing.iter().product();
    let p10 = percentile(10.0);
    let p90 = percentile(90.0);
    let median = if len % 2 == 1 { at(len / 2) } else { (at(len / 2 - 1) + at(len / 2)) / 2.0 };
    let mad = sad / n;
    let robust: Vec<f64> = x.iter().copied().filter(|&v| v >= p10 && v <= p90).collect();
    let rmean = robust.iter().sum::<f64>() / robust.len() as f64;
    let rmad = robust.iter().map(|v| (v - rmean).abs()).sum::<f64>() / robust.len() as f64;
    let (m2d, m3z, m4z) = if m2 == 0.0 { (1.0, 0.0, 0.0) } else { (m2, m3, m4) };
    let variance = m2.sqrt().powi(2);

    // Entropy / Uniformity on the discretised ROI.
    let disc = discretised(roi, settings)?;
    let mut counts = vec![0usize; disc.ng as usize + 1];
    for (&l, &m) in disc.levels.iter().zip(disc.mask.iter()) {
        if m {
            counts[l as usize] += 1;
        }
    }
    let eps = f64::EPSILON;
    let p: Vec<f64> = counts.iter().filter(|&&c| c > 0).map(|&c| c as f64 / n).collect();
    let entropy = -p.iter().map(|pi| pi * (pi + eps).log2()).sum::<f64>();
    let uniformity = p.iter().map(|pi| pi * pi).sum::<f64>();

    Ok(vec![
        ("10Percentile", p10),
        ("90Percentile", p90),
        ("Energy", energy),
        ("Entropy", entropy),
        ("InterquartileRange", percentile(75.0) - percentile(25.0)),
        ("Kurtosis", m4z / (m2d * m2d)),
        ("Maximum", at(len - 1)),
        ("MeanAbsoluteDeviation", mad),
        ("Mean", mean),
        ("Median", median),
        ("Minimum", at(0)),
        ("Range", at(len - 1) - at(0)),
        ("RobustMeanAbsoluteDeviation", rmad),
        ("RootMeanSquared", (energy / n).sqrt()),
        ("Skewness", m3z / m2d.powf(1.5)),
        ("StandardDeviation", m2.sqrt()),
        ("TotalEnergy", energy * voxel_volume),
        ("Uniformity", uniformity),
        ("Variance", variance),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_matches_numpy_linear() {
        // numpy.percentile([1, 2, 3, 4], [10, 50, 90]) = [1.3, 2.5, 3.7]
        let s = [1.0, 2.0, 3.0, 4.0];
        assert!((numpy_percentile(&s, 10.0) - 1.3).abs() < 1e-12);
        assert!((numpy_percentile(&s, 50.0) - 2.5).abs() < 1e-12);
        assert!((numpy_percentile(&s, 90.0) - 3.7).abs() < 1e-12);
    }

    #[test]
    fn order_stats_match_a_full_sort() {
        // Duplicates, both zeros, negatives and infinities: selection must place the same bits.
        let x: Vec<f64> = (0..997)
            .map(|i| match i % 11 {
                0 => 0.0,
                1 => -0.0,
                2 => f64::INFINITY,
                3 => f64::NEG_INFINITY,
                k => ((i * 7919) % 101) as f64 * if k % 2 == 0 { 1.5 } else { -0.25 },
            })
            .collect();
        let mut sorted = x.clone();
        sorted.sort_by(|a, b| a.total_cmp(b));
        let ks = [0, 1, 2, 99, 100, 498, 499, 500, 900, 996];
        let got = order_stats(&x, &ks);
        for (k, v) in ks.iter().zip(got) {
            assert_eq!(v.to_bits(), sorted[*k].to_bits(), "position {k}");
        }
    }
}
