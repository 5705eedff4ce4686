//! CART decision trees grown depth-first the way scikit-learn's `DecisionTreeClassifier` /
//! `DecisionTreeRegressor` grow them: binary splits `x_f <= t` with `t` the midpoint between
//! consecutive distinct values, the best split over a (possibly random) subset of features,
//! criterion Gini (binary 0/1 target) or squared error (real target), sample weights
//! (bootstrap counts), `min_samples_leaf` counted in distinct rows, optional `max_depth`.
//! A leaf stores the weighted mean of the target (the positive-class fraction for Gini).
//! This module only grows and evaluates one tree; it must not bootstrap, boost or validate
//! user input beyond what tree growth needs (callers check shapes and finiteness).
use ndarray::{ArrayView1, ArrayView2};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Values closer than this are treated as equal when placing thresholds (scikit-learn's
/// `FEATURE_THRESHOLD`).
const FEATURE_THRESHOLD: f64 = 1e-7;

/// Split-quality criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Criterion {
    /// Gini impurity 2p(1−p) of a 0/1 target; the split minimising w_l·G_l + w_r·G_r wins.
    Gini,
    /// Weighted squared error of a real target: the split maximising S_l²/w_l + S_r²/w_r
    /// (S = Σw·y) wins — within a node the same ranking as Friedman's w_l·w_r·(ȳ_l − ȳ_r)².
    SquaredError,
}

/// Growth limits of one tree.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TreeParams {
    pub criterion: Criterion,
    /// Maximum depth (root = depth 0); `None` grows until leaves are pure or too small.
    pub max_depth: Option<usize>,
    /// A node with fewer distinct rows than this is not split (scikit-learn default 2).
    pub min_samples_split: usize,
    /// Each child must keep at least this many distinct rows (default 1).
    pub min_samples_leaf: usize,
    /// Number of features examined per node (drawn without replacement, constant features in
    /// the node not counted); `None` = all features.
    pub max_features: Option<usize>,
}

impl Default for TreeParams {
    fn default() -> Self {
        TreeParams {
            criterion: Criterion::Gini,
            max_depth: None,
            min_samples_split: 2,
            min_samples_leaf: 1,
            max_features: None,
        }
    }
}

/// One node of a fitted tree; children are indices into `Tree::nodes`.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Leaf { value: f64 },
    Split { feature: usize, threshold: f64, left: usize, right: usize },
}

/// A fitted binary tree; `nodes[0]` is the root.
#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    pub nodes: Vec<Node>,
}

impl Tree {
    /// Index of the leaf that `row` falls into (`x_f <= threshold` goes left).
    pub fn leaf_index(&self, row: ArrayView1<f64>) -> usize {
        let mut at = 0;
        loop {
            match &self.nodes[at] {
                Node::Leaf { .. } => return at,
                Node::Split { feature, threshold, left, right } => {
                    at = if row[*feature] <= *threshold { *left } else { *right };
                }
            }
        }
    }

    /// Leaf value for one row.
    pub fn predict_row(&self, row: ArrayView1<f64>) -> f64 {
        match &self.nodes[self.leaf_index(row)] {
            Node::Leaf { value } => *value,
            Node::Split { .. } => f64::NAN,
        }
    }

    /// Replace the value of leaf `index` (used by boosting for Newton leaf values).
    pub fn set_leaf_value(&mut self, index: usize, new_value: f64) {
        if let Node::Leaf { value } = &mut self.nodes[index] {
            *value = new_value;
        }
    }
}

/// Weighted sums of a node: Σw, Σw·y, Σw·y².
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    w: f64,
    wy: f64,
    wyy: f64,
}

impl Sums {
    fn add(&mut self, w: f64, y: f64) {
        self.w += w;
        self.wy += w * y;
        self.wyy += w * y * y;
    }
    fn minus(self, o: Sums) -> Sums {
        Sums { w: self.w - o.w, wy: self.wy - o.wy, wyy: self.wyy - o.wyy }
    }
    fn mean(&self) -> f64 {
        if self.w > 0.0 {
            self.wy / self.w
        } else {
            0.0
        }
    }
    /// Node impurity: Gini 2p(1−p) (0/1 target) or weighted variance.
    fn impurity(&self, criterion: Criterion) -> f64 {
        let m = self.mean();
        match criterion {
            Criterion::Gini => 2.0 * m * (1.0 - m),
            Criterion::SquaredError => (self.wyy / self.w - m * m).max(0.0),
        }
    }
}

/// Score to maximise for a candidate split (scikit-learn's proxy improvement).
fn proxy_improvement(criterion: Criterion, l: Sums, r: Sums) -> f64 {
    match criterion {
        Criterion::Gini => -(l.w * l.impurity(criterion) + r.w * r.impurity(criterion)),
        Criterion::SquaredError => l.wy * l.wy / l.w + r.wy * r.wy / r.w,
    }
}

struct Candidate {
    feature: usize,
    threshold: f64,
    score: f64,
}

/// Grow one tree on the rows `rows` (distinct indices into `x`) with per-row weights
/// `weight[row]` (> 0) and target `target[row]`; `rng` drives the feature subsets only.
pub fn grow_tree(
    x: ArrayView2<f64>,
    target: &[f64],
    weight: &[f64],
    rows: &[usize],
    params: &TreeParams,
    rng: &mut ChaCha8Rng,
) -> Tree {
    let p = x.ncols();
    let max_features = params.max_features.unwrap_or(p).clamp(1, p.max(1));
    let mut nodes: Vec<Node> = Vec::new();
    let mut features: Vec<usize> = (0..p).collect();
    let mut buf: Vec<(f64, usize)> = Vec::with_capacity(rows.len());
    // Stack of (rows of the node, depth, slot in `nodes`).
    nodes.push(Node::Leaf { value: 0.0 });
    let mut stack: Vec<(Vec<usize>, usize, usize)> = vec![(rows.to_vec(), 0, 0)];
    while let Some((node_rows, depth, slot)) = stack.pop() {
        let mut total = Sums::default();
        for &r in &node_rows {
            total.add(weight[r], target[r]);
        }
        let leaf = Node::Leaf { value: total.mean() };
        let too_deep = params.max_depth.is_some_and(|d| depth >= d);
        let n = node_rows.len();
        if too_deep
            || n < params.min_samples_split.max(2)
            || n < 2 * params.min_samples_leaf.max(1)
            || total.impurity(params.criterion) <= f64::EPSILON
        {
            nodes[slot] = leaf;
            continue;
        }
        let best = best_split(x, target, weight, &node_rows, total, params, max_features, &mut features, &mut buf, rng);
        let Some(best) = best else {
            nodes[slot] = leaf;
            continue;
        };
        let (left_rows, right_rows): (Vec<usize>, Vec<usize>) =
            node_rows.iter().partition(|&&r| x[[r, best.feature]] <= best.threshold);
        let left = nodes.len();
        nodes.push(Node::Leaf { value: 0.0 });
        let right = nodes.len();
        nodes.push(Node::Leaf { value: 0.0 });
        nodes[slot] = Node::Split { feature: best.feature, threshold: best.threshold, left, right };
        // Right pushed first so the left subtree is grown first (depth-first, left to right).
        stack.push((right_rows, depth + 1, right));
        stack.push((left_rows, depth + 1, left));
    }
    Tree { nodes }
}

/// Best split of one node over up to `max_features` non-constant features visited in random
/// order (partial Fisher–Yates shuffle of `features`); `None` if no valid split exists.
#[allow(clippy::too_many_arguments)]
fn best_split(
    x: ArrayView2<f64>,
    target: &[f64],
    weight: &[f64],
    node_rows: &[usize],
    total: Sums,
    params: &TreeParams,
    max_features: usize,
    features: &mut [usize],
    buf: &mut Vec<(f64, usize)>,
    rng: &mut ChaCha8Rng,
) -> Option<Candidate> {
    let p = features.len();
    let min_leaf = params.min_samples_leaf.max(1);
    let n = node_rows.len();
    let mut best: Option<Candidate> = None;
    let mut visited_non_constant = 0;
    for k in 0..p {
        if visited_non_constant >= max_features {
            break;
        }
        let pick = if max_features < p { rng.random_range(k..p) } else { k };
        features.swap(k, pick);
        let f = features[k];
        buf.clear();
        buf.extend(node_rows.iter().map(|&r| (x[[r, f]], r)));
        buf.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        if buf[n - 1].0 <= buf[0].0 + FEATURE_THRESHOLD {
            continue;
        }
        visited_non_constant += 1;
        let mut left = Sums::default();
        for i in 0..n - 1 {
            let (v, r) = buf[i];
            left.add(weight[r], target[r]);
            let next = buf[i + 1].0;
            if next <= v + FEATURE_THRESHOLD {
                continue;
            }
            let n_left = i + 1;
            if n_left < min_leaf || n - n_left < min_leaf {
                continue;
            }
            let right = total.minus(left);
            let score = proxy_improvement(params.criterion, left, right);
            if best.as_ref().is_none_or(|b| score > b.score) {
                let mut threshold = v / 2.0 + next / 2.0;
                if threshold == next || !threshold.is_finite() {
                    threshold = v;
                }
                best = Some(Candidate { feature: f, threshold, score });
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;
    use rand::SeedableRng;

    #[test]
    fn stump_finds_midpoint_threshold() {
        let x = array![[1.0], [2.0], [3.0], [10.0], [11.0], [12.0]];
        let y = [0.0, 0.0, 0.0, 1.0, 1.0, 1.0];
        let w = [1.0; 6];
        let rows: Vec<usize> = (0..6).collect();
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let t = grow_tree(x.view(), &y, &w, &rows, &TreeParams::default(), &mut rng);
        assert_eq!(t.nodes.len(), 3);
        assert_eq!(t.nodes[0], Node::Split { feature: 0, threshold: 6.5, left: 1, right: 2 });
        assert_eq!(t.predict_row(array![2.5].view()), 0.0);
        assert_eq!(t.predict_row(array![7.0].view()), 1.0);
    }

    #[test]
    fn max_depth_zero_gives_weighted_mean_leaf() {
        let x = array![[1.0], [2.0], [3.0]];
        let y = [0.0, 1.0, 1.0];
        let w = [2.0, 1.0, 1.0];
        let params = TreeParams { max_depth: Some(0), ..TreeParams::default() };
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let t = grow_tree(x.view(), &y, &w, &[0, 1, 2], &params, &mut rng);
        assert_eq!(t.nodes, vec![Node::Leaf { value: 0.5 }]);
    }
}
