//! Hyperparameter tuning by inner cross-validation: every point of the manifest grid is scored
//! by stratified inner folds of one split's training rows (the whole pipeline — ComBat,
//! selection, scaling, model — refitted in each inner fold), criterion mean inner-fold AUC
//! (binary) or Harrell's C (survival); ties go to the earlier grid point. Must not see the
//! split's held-out rows: it receives only the `TrainSet`.

use super::fit::{fit_with, is_survival, FitPlan, HyperParams, Tuned};
use super::split::{stratified_fold_ids, TrainSet};
use std::collections::BTreeMap;

/// Every grid point in a fixed order (keys alphabetical, values in manifest order, last key fastest).
pub fn grid_points(grid: &BTreeMap<String, Vec<f64>>) -> Vec<Vec<(String, f64)>> {
    let mut points: Vec<Vec<(String, f64)>> = vec![Vec::new()];
    for (k, values) in grid {
        points = points
            .into_iter()
            .flat_map(|p| {
                values.iter().map(move |&v| {
                    let mut q = p.clone();
                    q.push((k.clone(), v));
                    q
                })
            })
            .collect();
    }
    points
}

/// Choose the grid point with the best mean inner-fold AUC / C-index on `train`.
pub fn grid_search(
    train: &TrainSet,
    plan: &FitPlan,
    grid: &BTreeMap<String, Vec<f64>>,
    seed: u64,
) -> anyhow::Result<(HyperParams, Tuned)> {
    let y = train.y();
    let pos = y.iter().filter(|&&v| v == 1.0).count();
    let minority = pos.min(y.len() - pos);
    if minority < 2 {
        anyhow::bail!(
            "model `{}`: tuning needs at least 2 training patients of each outcome class in every split (manifest key `model.grid`)",
            plan.spec.name
        );
    }
    let k = plan.inner_folds.min(minority).max(2);
    let ids = stratified_fold_ids(y, k, seed ^ 0x7E57_0000);
    let survival = is_survival(train);
    let base = HyperParams::from_spec(plan.spec);
    type Point = Vec<(String, f64)>;
    let mut best: Option<(f64, Point, HyperParams)> = None;
    for point in grid_points(grid) {
        let hp = point.iter().fold(base, |h, (key, v)| h.with(key, *v));
        let mut scores = Vec::with_capacity(k);
        for f in 0..k {
            let fit_pos: Vec<usize> = (0..ids.len()).filter(|&i| ids[i] != f).collect();
            let eval_pos: Vec<usize> = (0..ids.len()).filter(|&i| ids[i] == f).collect();
            let (inner, held) = train.inner_split(&fit_pos, &eval_pos);
            let model = fit_with(&inner, plan, &hp, seed.wrapping_add(f as u64 + 1))?;
            let p = model.predict(&held)?;
            let yf: Vec<f64> = eval_pos.iter().map(|&i| y[i]).collect();
            let s = if survival {
                let t: Vec<f64> = eval_pos.iter().map(|&i| train.time()[i]).collect();
                let e: Vec<bool> = yf.iter().map(|&v| v == 1.0).collect();
                crate::model::coxnet_cv::harrell_c(&t, &e, &p)
            } else {
                crate::metrics::auc(&p, &yf)
            };
            if s.is_finite() {
                scores.push(s);
            }
        }
        let mean = if scores.is_empty() { f64::NAN } else { scores.iter().sum::<f64>() / scores.len() as f64 };
        let better = match &best {
            None => true,
            Some((b, _, _)) => mean > *b || (b.is_nan() && mean.is_finite()),
        };
        if better {
            best = Some((mean, point, hp));
        }
    }
    let (score, params, hp) = best.ok_or_else(|| anyhow::anyhow!("model `{}`: empty grid", plan.spec.name))?;
    Ok((hp, Tuned { params, score }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_points_are_the_cartesian_product_in_order() {
        let mut g = BTreeMap::new();
        g.insert("n_trees".to_string(), vec![100.0, 300.0]);
        g.insert("max_depth".to_string(), vec![2.0, 4.0, 6.0]);
        let p = grid_points(&g);
        assert_eq!(p.len(), 6);
        assert_eq!(p[0], vec![("max_depth".to_string(), 2.0), ("n_trees".to_string(), 100.0)]);
        assert_eq!(p[1], vec![("max_depth".to_string(), 2.0), ("n_trees".to_string(), 300.0)]);
        assert_eq!(p[5], vec![("max_depth".to_string(), 6.0), ("n_trees".to_string(), 300.0)]);
    }
}
