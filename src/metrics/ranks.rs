//! Mid-ranks (average ranks for ties) and tie-group sizes.
//! Pure ordering helpers; no test statistics live here.

/// 1-based mid-ranks of `x` (ties get the mean of the ranks they span), like
/// `scipy.stats.rankdata(method="average")`. NaN must be excluded by the caller.
pub fn midranks(x: &[f64]) -> Vec<f64> {
    let order = argsort(x);
    let mut ranks = vec![0.0; x.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i + 1;
        while j < order.len() && x[order[j]] == x[order[i]] {
            j += 1;
        }
        // positions i..j (0-based) share ranks i+1..=j, mean (i + 1 + j) / 2
        let r = (i + 1 + j) as f64 / 2.0;
        for &o in &order[i..j] {
            ranks[o] = r;
        }
        i = j;
    }
    ranks
}

/// Sizes of the groups of equal values in `x` (only groups of size ≥ 2 matter for tie corrections).
pub fn tie_group_sizes(x: &[f64]) -> Vec<usize> {
    let order = argsort(x);
    let mut sizes = Vec::new();
    let mut i = 0;
    while i < order.len() {
        let mut j = i + 1;
        while j < order.len() && x[order[j]] == x[order[i]] {
            j += 1;
        }
        sizes.push(j - i);
        i = j;
    }
    sizes
}

/// Indices that sort `x` ascending (stable; NaN compare as equal to everything, so exclude them).
pub fn argsort(x: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].partial_cmp(&x[b]).unwrap_or(std::cmp::Ordering::Equal));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn midranks_average_ties() {
        // scipy.stats.rankdata([3, 1, 4, 1, 5]) = [3, 1.5, 4, 1.5, 5]
        assert_eq!(midranks(&[3.0, 1.0, 4.0, 1.0, 5.0]), vec![3.0, 1.5, 4.0, 1.5, 5.0]);
        assert_eq!(tie_group_sizes(&[3.0, 1.0, 4.0, 1.0, 5.0]), vec![2, 1, 1, 1]);
    }
}
