//! Gradient-boosted trees for a binary outcome with log-loss (Friedman 2001), as scikit-learn's
//! `GradientBoostingClassifier`: F₀ = logit(ȳ); at stage m a depth-limited squared-error
//! regression tree is fitted to the negative gradient r = y − σ(F), each leaf value is replaced
//! by one Newton step Σr / Σσ(F)(1 − σ(F)) over its (in-bag) rows (0 if the Hessian sum
//! < 1e-150), and F += ν·tree(x). Optional row subsampling without replacement per stage
//! (stochastic gradient boosting) from a seeded ChaCha8 stream. Must not tune
//! hyperparameters, stop early or do I/O.
use super::forest::check_binary_xy;
use super::tree::{grow_tree, Criterion, Tree, TreeParams};
use super::ModelError;
use ndarray::{Array1, ArrayView2};
use rand::seq::index::sample;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Boosting hyperparameters (defaults = scikit-learn's).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoostingParams {
    pub n_trees: usize,
    /// Shrinkage ν ∈ (0, 1].
    pub learning_rate: f64,
    pub max_depth: usize,
    pub min_samples_split: usize,
    pub min_samples_leaf: usize,
    /// Fraction of rows drawn (without replacement) per stage; 1.0 = all rows.
    pub subsample: f64,
    /// Features tried per split; `None` = all.
    pub max_features: Option<usize>,
    pub seed: u64,
}

impl Default for BoostingParams {
    fn default() -> Self {
        BoostingParams {
            n_trees: 100,
            learning_rate: 0.1,
            max_depth: 3,
            min_samples_split: 2,
            min_samples_leaf: 1,
            subsample: 1.0,
            max_features: None,
            seed: 42,
        }
    }
}

/// A fitted boosted ensemble: F(x) = init + ν·Σ_m tree_m(x), P(y = 1) = σ(F).
#[derive(Debug, Clone, PartialEq)]
pub struct GradientBoosting {
    pub init: f64,
    pub learning_rate: f64,
    pub trees: Vec<Tree>,
    pub n_features: usize,
}

fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// Fit log-loss gradient boosting on X (n × p) and y (true = event).
pub fn fit_gradient_boosting(
    x: ArrayView2<f64>,
    y: &[bool],
    params: &BoostingParams,
) -> Result<GradientBoosting, ModelError> {
    check_binary_xy(x, y)?;
    let valid_rate = params.learning_rate > 0.0 && params.learning_rate.is_finite();
    let valid_subsample = params.subsample > 0.0 && params.subsample <= 1.0;
    if !valid_rate || !valid_subsample || params.min_samples_leaf == 0 || params.max_features == Some(0) {
        return Err(ModelError::InvalidParameter(format!(
            "learning_rate {}, subsample {}, min_samples_leaf {}, max_features {:?}",
            params.learning_rate, params.subsample, params.min_samples_leaf, params.max_features
        )));
    }
    let (n, p) = x.dim();
    let target: Vec<f64> = y.iter().map(|&v| if v { 1.0 } else { 0.0 }).collect();
    let prevalence = target.iter().sum::<f64>() / n as f64;
    let init = (prevalence / (1.0 - prevalence)).ln();
    let tree_params = TreeParams {
        criterion: Criterion::SquaredError,
        max_depth: Some(params.max_depth),
        min_samples_split: params.min_samples_split,
        min_samples_leaf: params.min_samples_leaf,
        max_features: params.max_features,
    };
    let n_inbag = ((params.subsample * n as f64) as usize).max(1);
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    let mut raw = vec![init; n];
    let weight = vec![1.0; n];
    let mut trees = Vec::with_capacity(params.n_trees);
    for _ in 0..params.n_trees {
        let prob: Vec<f64> = raw.iter().map(|&f| sigmoid(f)).collect();
        let residual: Vec<f64> = target.iter().zip(&prob).map(|(t, q)| t - q).collect();
        let mut rows: Vec<usize> = if n_inbag < n { sample(&mut rng, n, n_inbag).into_vec() } else { (0..n).collect() };
        rows.sort_unstable();
        let mut tree = grow_tree(x, &residual, &weight, &rows, &tree_params, &mut rng);
        // Newton step per leaf over the in-bag rows; every row's score moves by ν·leaf value.
        let leaves: Vec<usize> = (0..n).map(|r| tree.leaf_index(x.row(r))).collect();
        let mut num = vec![0.0; tree.nodes.len()];
        let mut den = vec![0.0; tree.nodes.len()];
        for &r in &rows {
            num[leaves[r]] += residual[r];
            den[leaves[r]] += prob[r] * (1.0 - prob[r]);
        }
        let values: Vec<f64> =
            num.iter().zip(&den).map(|(&a, &b)| if b.abs() < 1e-150 { 0.0 } else { a / b }).collect();
        for (leaf, &value) in values.iter().enumerate() {
            tree.set_leaf_value(leaf, value);
        }
        for (r, &leaf) in leaves.iter().enumerate() {
            raw[r] += params.learning_rate * values[leaf];
        }
        trees.push(tree);
    }
    Ok(GradientBoosting { init, learning_rate: params.learning_rate, trees, n_features: p })
}

impl GradientBoosting {
    /// Raw score F(x) = init + Σ_m ν·tree_m(x) (log-odds, accumulated stage by stage) for every row.
    pub fn decision_function(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, ModelError> {
        if x.ncols() != self.n_features {
            return Err(ModelError::DimensionMismatch(format!(
                "model fitted on {} features, X has {}",
                self.n_features,
                x.ncols()
            )));
        }
        if x.iter().any(|v| !v.is_finite()) {
            return Err(ModelError::NonFinite("X".into()));
        }
        Ok(x.rows()
            .into_iter()
            .map(|row| self.trees.iter().fold(self.init, |f, t| f + self.learning_rate * t.predict_row(row)))
            .collect())
    }

    /// P(y = 1 | x) = σ(F(x)) for every row.
    pub fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, ModelError> {
        Ok(self.decision_function(x)?.mapv(sigmoid))
    }
}
