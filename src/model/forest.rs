//! Random-forest classifier for a binary outcome (Breiman 2001) as scikit-learn's
//! `RandomForestClassifier` builds it: CART trees with Gini splits over ⌊√p⌋ random features
//! per node, bootstrap samples (as row weights), and P(y = 1) = mean over trees of the leaf's
//! positive-class fraction. Tree t uses its own ChaCha8 stream (seed, stream t), so results do
//! not depend on the number of rayon threads. Must not tune hyperparameters or do I/O.
use super::tree::{grow_tree, Criterion, Tree, TreeParams};
use super::ModelError;
use ndarray::{Array1, ArrayView2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// Forest hyperparameters (defaults = scikit-learn's, with 500 trees).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ForestParams {
    pub n_trees: usize,
    /// Features tried per split; `None` = ⌊√p⌋ (at least 1).
    pub max_features: Option<usize>,
    pub max_depth: Option<usize>,
    pub min_samples_split: usize,
    pub min_samples_leaf: usize,
    /// Draw n rows with replacement per tree (true) or use every row once (false).
    pub bootstrap: bool,
    pub seed: u64,
}

impl Default for ForestParams {
    fn default() -> Self {
        ForestParams {
            n_trees: 500,
            max_features: None,
            max_depth: None,
            min_samples_split: 2,
            min_samples_leaf: 1,
            bootstrap: true,
            seed: 42,
        }
    }
}

/// A fitted forest.
#[derive(Debug, Clone, PartialEq)]
pub struct RandomForest {
    pub trees: Vec<Tree>,
    pub n_features: usize,
}

/// Check X (n × p, finite) against a label vector of length n with both classes present.
pub(crate) fn check_binary_xy(x: ArrayView2<f64>, y: &[bool]) -> Result<(), ModelError> {
    if x.nrows() != y.len() {
        return Err(ModelError::DimensionMismatch(format!("X has {} rows, y has {}", x.nrows(), y.len())));
    }
    if x.nrows() < 2 || x.ncols() == 0 {
        return Err(ModelError::Degenerate(format!("X is {} × {}", x.nrows(), x.ncols())));
    }
    if x.iter().any(|v| !v.is_finite()) {
        return Err(ModelError::NonFinite("X".into()));
    }
    if y.iter().all(|&v| v) || y.iter().all(|&v| !v) {
        return Err(ModelError::Degenerate("y has a single class".into()));
    }
    Ok(())
}

/// Fit a random forest of `params.n_trees` Gini trees on X (n × p) and y (true = event).
pub fn fit_random_forest(x: ArrayView2<f64>, y: &[bool], params: &ForestParams) -> Result<RandomForest, ModelError> {
    check_binary_xy(x, y)?;
    if params.n_trees == 0 || params.min_samples_leaf == 0 || params.max_features == Some(0) {
        return Err(ModelError::InvalidParameter("n_trees, min_samples_leaf and max_features must be ≥ 1".into()));
    }
    let (n, p) = x.dim();
    let mtry = params.max_features.unwrap_or(((p as f64).sqrt().floor() as usize).max(1)).min(p);
    let tree_params = TreeParams {
        criterion: Criterion::Gini,
        max_depth: params.max_depth,
        min_samples_split: params.min_samples_split,
        min_samples_leaf: params.min_samples_leaf,
        max_features: Some(mtry),
    };
    let target: Vec<f64> = y.iter().map(|&v| if v { 1.0 } else { 0.0 }).collect();
    let trees: Vec<Tree> = (0..params.n_trees)
        .into_par_iter()
        .map(|t| {
            let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
            rng.set_stream(t as u64);
            let mut weight = vec![0.0; n];
            if params.bootstrap {
                for _ in 0..n {
                    weight[rng.random_range(0..n)] += 1.0;
                }
            } else {
                weight.iter_mut().for_each(|w| *w = 1.0);
            }
            let rows: Vec<usize> = (0..n).filter(|&i| weight[i] > 0.0).collect();
            grow_tree(x, &target, &weight, &rows, &tree_params, &mut rng)
        })
        .collect();
    Ok(RandomForest { trees, n_features: p })
}

impl RandomForest {
    /// P(y = 1 | x) for every row: mean over trees of the leaf positive fraction (summed in tree
    /// order, so bit-identical for any thread count).
    pub fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, ModelError> {
        if x.ncols() != self.n_features {
            return Err(ModelError::DimensionMismatch(format!(
                "forest fitted on {} features, X has {}",
                self.n_features,
                x.ncols()
            )));
        }
        if x.iter().any(|v| !v.is_finite()) {
            return Err(ModelError::NonFinite("X".into()));
        }
        let n_trees = self.trees.len() as f64;
        Ok(x.rows()
            .into_iter()
            .map(|row| self.trees.iter().map(|t| t.predict_row(row)).sum::<f64>() / n_trees)
            .collect())
    }
}
