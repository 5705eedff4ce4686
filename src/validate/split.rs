//! Splits and the leakage guard. A `Split` names training and held-out rows; the only way to
//! get data to fit on is `Split::train_set`, which copies the training rows and nothing
//! else into a `TrainSet`. Every fitting function in radstudy takes a `TrainSet`, so fitting
//! on held-out rows cannot be written. Must not fit anything itself.

use ndarray::{Array1, Array2, Axis};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Rows to fit on and rows to evaluate on (indices into the study's patient list).
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// e.g. "cv r3 f2" or "external B".
    pub label: String,
    pub train: Vec<usize>,
    pub test: Vec<usize>,
}

/// The training rows of a split: the only input any fit function accepts.
/// Fields are private; there is no constructor outside this module.
#[derive(Debug, Clone)]
pub struct TrainSet {
    x: Array2<f64>,
    y: Array1<f64>,
    /// Survival follow-up times (NaN for binary outcomes).
    time: Array1<f64>,
    rows: Vec<usize>,
}

impl TrainSet {
    pub fn x(&self) -> &Array2<f64> {
        &self.x
    }
    /// Outcome: 0/1, or the event indicator for survival.
    pub fn y(&self) -> &Array1<f64> {
        &self.y
    }
    /// Survival follow-up times (NaN for binary outcomes).
    pub fn time(&self) -> &Array1<f64> {
        &self.time
    }
    /// Original row indices (for provenance only).
    pub fn rows(&self) -> &[usize] {
        &self.rows
    }
    pub fn n(&self) -> usize {
        self.y.len()
    }
    /// Keep some columns (a fitted selection applied to the training rows themselves).
    pub fn with_columns(&self, cols: &[usize]) -> TrainSet {
        TrainSet {
            x: self.x.select(Axis(1), cols),
            y: self.y.clone(),
            time: self.time.clone(),
            rows: self.rows.clone(),
        }
    }
    /// Replace the features by a transform fitted on this same set (e.g. scaling).
    pub fn map_x(&self, f: impl FnOnce(&Array2<f64>) -> Array2<f64>) -> TrainSet {
        TrainSet { x: f(&self.x), y: self.y.clone(), time: self.time.clone(), rows: self.rows.clone() }
    }
}

impl Split {
    /// The training rows of `x`/`y`/`time` as a `TrainSet`.
    pub fn train_set(&self, x: &Array2<f64>, y: &Array1<f64>, time: &Array1<f64>) -> TrainSet {
        TrainSet {
            x: x.select(Axis(0), &self.train),
            y: y.select(Axis(0), &self.train),
            time: time.select(Axis(0), &self.train),
            rows: self.train.clone(),
        }
    }
    /// The held-out features (to predict on, never to fit on).
    pub fn test_x(&self, x: &Array2<f64>) -> Array2<f64> {
        x.select(Axis(0), &self.test)
    }
}

/// Stratified k-fold assignment of `rows` by binary `y`: per class, shuffle with the seed and
/// deal round-robin into k folds. Returns one `Split` per fold (train/test are subsets of `rows`).
pub fn stratified_kfold(rows: &[usize], y: &[f64], k: usize, seed: u64, label: &str) -> Vec<Split> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut fold_of = vec![0usize; rows.len()];
    let mut offset = 0;
    for class in [0.0, 1.0] {
        let mut idx: Vec<usize> = (0..rows.len()).filter(|&i| y[rows[i]] == class).collect();
        idx.shuffle(&mut rng);
        for (n, &i) in idx.iter().enumerate() {
            fold_of[i] = (n + offset) % k;
        }
        offset += idx.len();
    }
    (0..k)
        .map(|f| Split {
            label: format!("{label} f{}", f + 1),
            train: (0..rows.len()).filter(|&i| fold_of[i] != f).map(|i| rows[i]).collect(),
            test: (0..rows.len()).filter(|&i| fold_of[i] == f).map(|i| rows[i]).collect(),
        })
        .collect()
}

/// Fold ids 0..k for positions 0..n (stratified by y), for inner cross-validation.
pub fn stratified_fold_ids(y: &Array1<f64>, k: usize, seed: u64) -> Vec<usize> {
    let rows: Vec<usize> = (0..y.len()).collect();
    let yv = y.to_vec();
    let mut ids = vec![0; y.len()];
    for (f, s) in stratified_kfold(&rows, &yv, k, seed, "").iter().enumerate() {
        for &i in &s.test {
            ids[i] = f;
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kfold_partitions_and_stratifies() {
        let y: Vec<f64> = (0..50).map(|i| if i % 5 == 0 { 1.0 } else { 0.0 }).collect();
        let rows: Vec<usize> = (0..50).collect();
        let splits = stratified_kfold(&rows, &y, 5, 7, "cv");
        let mut all: Vec<usize> = splits.iter().flat_map(|s| s.test.clone()).collect();
        all.sort();
        assert_eq!(all, rows);
        for s in &splits {
            let pos = s.test.iter().filter(|&&i| y[i] == 1.0).count();
            assert_eq!(pos, 2);
            assert!(s.train.iter().all(|i| !s.test.contains(i)));
        }
        assert_eq!(splits, stratified_kfold(&rows, &y, 5, 7, "cv"));
    }
}
