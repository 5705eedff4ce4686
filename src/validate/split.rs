//! Splits and the leakage guard. A `Split` names training and held-out rows; the only way to
//! get data to fit on is `Split::train_set`, which copies the training rows (features, outcome,
//! follow-up, batch label) and nothing else into a `TrainSet`. Every fitting function in
//! radstudy takes a `TrainSet`, so fitting on held-out rows cannot be written; held-out rows
//! come as a `HeldOut`, which only `FittedModel::predict` accepts. Also builds the splits of
//! every validation design (k-fold, ratio split, bootstrap, leave-one-centre-out, fixed).
//! Must not fit anything itself.

use super::Design;
use ndarray::{Array1, Array2, Axis};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
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
    /// Batch (centre / scanner) label per row, for ComBat.
    batch: Vec<String>,
    patients: Vec<String>,
    rows: Vec<usize>,
}

/// Rows to predict on (held-out, external, or a training set's own rows for apparent
/// performance). Nothing fits on a `HeldOut`: no fit function accepts one.
#[derive(Debug, Clone)]
pub struct HeldOut {
    x: Array2<f64>,
    batch: Vec<String>,
    patients: Vec<String>,
    rows: Vec<usize>,
}

impl HeldOut {
    pub fn x(&self) -> &Array2<f64> {
        &self.x
    }
    pub fn batch(&self) -> &[String] {
        &self.batch
    }
    pub fn patients(&self) -> &[String] {
        &self.patients
    }
    pub fn rows(&self) -> &[usize] {
        &self.rows
    }
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
    /// Batch label of each training row.
    pub fn batch(&self) -> &[String] {
        &self.batch
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
        TrainSet { x: self.x.select(Axis(1), cols), ..self.clone() }
    }
    /// Replace the features by a transform fitted on this same set (e.g. scaling).
    pub fn map_x(&self, f: impl FnOnce(&Array2<f64>) -> Array2<f64>) -> TrainSet {
        TrainSet { x: f(&self.x), ..self.clone() }
    }
    /// Replace the features by a transform that may fail (e.g. ComBat fitted on this set).
    pub fn try_map_x<E>(&self, f: impl FnOnce(&Array2<f64>) -> Result<Array2<f64>, E>) -> Result<TrainSet, E> {
        Ok(TrainSet { x: f(&self.x)?, ..self.clone() })
    }
    /// Inner split of the training rows: positions `fit` become a `TrainSet`, positions
    /// `eval` a `HeldOut` (both are rows of this training set, so nothing leaks outward).
    pub fn inner_split(&self, fit: &[usize], eval: &[usize]) -> (TrainSet, HeldOut) {
        let t = TrainSet {
            x: self.x.select(Axis(0), fit),
            y: self.y.select(Axis(0), fit),
            time: self.time.select(Axis(0), fit),
            batch: fit.iter().map(|&i| self.batch[i].clone()).collect(),
            patients: fit.iter().map(|&i| self.patients[i].clone()).collect(),
            rows: fit.iter().map(|&i| self.rows[i]).collect(),
        };
        (t, self.positions_held_out(eval))
    }
    /// These training rows as rows to predict on (apparent performance).
    pub fn as_held_out(&self) -> HeldOut {
        self.positions_held_out(&(0..self.n()).collect::<Vec<_>>())
    }
    fn positions_held_out(&self, pos: &[usize]) -> HeldOut {
        HeldOut {
            x: self.x.select(Axis(0), pos),
            batch: pos.iter().map(|&i| self.batch[i].clone()).collect(),
            patients: pos.iter().map(|&i| self.patients[i].clone()).collect(),
            rows: pos.iter().map(|&i| self.rows[i]).collect(),
        }
    }
}

impl Split {
    /// The training rows of the design as a `TrainSet` (rows may repeat: bootstrap).
    pub fn train_set(&self, d: &Design) -> TrainSet {
        TrainSet {
            x: d.x.select(Axis(0), &self.train),
            y: d.y.select(Axis(0), &self.train),
            time: d.time.select(Axis(0), &self.train),
            batch: self.train.iter().map(|&i| d.batch_of(i).to_string()).collect(),
            patients: self.train.iter().map(|&i| d.patients[i].clone()).collect(),
            rows: self.train.clone(),
        }
    }
    /// The held-out rows (to predict on, never to fit on).
    pub fn held_out(&self, d: &Design) -> HeldOut {
        rows_held_out(d, &self.test)
    }
}

/// Any rows of the design as rows to predict on.
pub fn rows_held_out(d: &Design, rows: &[usize]) -> HeldOut {
    HeldOut {
        x: d.x.select(Axis(0), rows),
        batch: rows.iter().map(|&i| d.batch_of(i).to_string()).collect(),
        patients: rows.iter().map(|&i| d.patients[i].clone()).collect(),
        rows: rows.to_vec(),
    }
}

/// Stratified random split of `rows`: per class, shuffle with the seed and put
/// round(ratio · n_class) rows into training. One `Split`, labelled `label`.
pub fn stratified_ratio_split(rows: &[usize], y: &[f64], ratio: f64, seed: u64, label: &str) -> Split {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for class in [0.0, 1.0] {
        let mut idx: Vec<usize> = rows.iter().copied().filter(|&i| y[i] == class).collect();
        idx.shuffle(&mut rng);
        let n = idx.len();
        // at least one row of each class on each side when the class has two or more rows
        let k = if n >= 2 { (((n as f64) * ratio).round() as usize).clamp(1, n - 1) } else { n };
        train.extend_from_slice(&idx[..k]);
        test.extend_from_slice(&idx[k..]);
    }
    train.sort_unstable();
    test.sort_unstable();
    Split { label: label.into(), train, test }
}

/// Stratified bootstrap resample of `rows` (per class, n_class draws with replacement), held
/// out = all of `rows` (Harrell's optimism: the resample's model is tested on the original rows).
pub fn bootstrap_split(rows: &[usize], y: &[f64], seed: u64, label: &str) -> Split {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut train = Vec::with_capacity(rows.len());
    for class in [0.0, 1.0] {
        let idx: Vec<usize> = rows.iter().copied().filter(|&i| y[i] == class).collect();
        for _ in 0..idx.len() {
            train.push(idx[rng.random_range(0..idx.len())]);
        }
    }
    Split { label: label.into(), train, test: rows.to_vec() }
}

/// Leave-one-centre-out: one split per centre among `rows` (sorted by centre name).
pub fn loco_splits(rows: &[usize], centres: &[String]) -> Vec<Split> {
    let mut names: Vec<&String> = rows.iter().map(|&i| &centres[i]).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .map(|c| Split {
            label: c.clone(),
            train: rows.iter().copied().filter(|&i| &centres[i] != c).collect(),
            test: rows.iter().copied().filter(|&i| &centres[i] == c).collect(),
        })
        .collect()
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
