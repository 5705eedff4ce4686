//! Elastic-net paths (glmnet-style CD) and fold CV against the WDBC feature-selection
//! references: L1-logistic path + per-fold paths + λ_min / λ_1se, Gaussian LASSO (LassoCV),
//! Gaussian and logistic elastic net single fits.
mod model_util;
use model_util::*;
use ndarray::{Array1, Array2};
use radstudy::model::glmnet::{enet_path, lambda_grid, lambda_max, EnetOptions, EnetPath, Family};
use radstudy::model::glmnet_cv::{cv_enet_path, CvAggregation};
use radstudy::model::standardize::Scaler;

/// WDBC train rows z-scored on themselves, y, inner fold ids, feature names.
fn wdbc_train() -> (Vec<String>, Array2<f64>, Array1<f64>, Vec<usize>) {
    let (names, x, y) = wdbc();
    let train = split_rows("folds/wdbc_split.csv", "train");
    let xtr = select_rows(&x, &train);
    let z = Scaler::fit(&xtr).unwrap().transform(&xtr).unwrap();
    let ytr = Array1::from_iter(train.iter().map(|&i| y[i]));
    let folds = folds_for("folds/wdbc_train_inner5.csv", &train);
    (names, z, ytr, folds)
}

/// Penalised binomial objective −(1/n)Σ loglik + λ‖w‖₁ and the max KKT residual
/// (active: |g_j − λ sign w_j|, intercept: |g_0|; g = Zᵀ(y − μ)/n).
fn l1_logistic_objective_kkt(z: &Array2<f64>, y: &Array1<f64>, b0: f64, w: &[f64], lam: f64) -> (f64, f64) {
    let n = y.len() as f64;
    let eta = z.dot(&Array1::from(w.to_vec())) + b0;
    let mut loss = 0.0;
    let mut r = Array1::<f64>::zeros(y.len());
    for i in 0..y.len() {
        let e = eta[i];
        loss += (if e > 0.0 { e + (-e).exp().ln_1p() } else { e.exp().ln_1p() }) - y[i] * e;
        r[i] = y[i] - 1.0 / (1.0 + (-e).exp());
    }
    let g = z.t().dot(&r) / n;
    let mut kkt = (r.sum() / n).abs();
    for j in 0..w.len() {
        if w[j] != 0.0 {
            kkt = kkt.max((g[j] - lam * w[j].signum()).abs());
        }
    }
    (loss / n + lam * w.iter().map(|v| v.abs()).sum::<f64>(), kkt)
}

/// Compare a fitted L1-logistic path with a reference path table: same support everywhere;
/// |Δcoef| < 1e-4 except where the reference is provably not the optimum (our objective lower
/// by > 1e-13, our KKT residual < 1e-9 and < 1/100 of the reference's). Returns (max |Δcoef| over compared λ, max |Δb0|,
/// indices excused).
fn compare_path(
    path: &EnetPath,
    t: &Table,
    names: &[String],
    z: &Array2<f64>,
    y: &Array1<f64>,
) -> (f64, f64, Vec<usize>) {
    let mut dmax = 0.0f64;
    let mut imax = 0.0f64;
    let mut excused = vec![];
    for (k, row) in t.rows.iter().enumerate() {
        let want: Vec<f64> = names.iter().map(|n| row[t.col_idx(n)].parse().unwrap()).collect();
        let got = path.coef.row(k).to_vec();
        for j in 0..names.len() {
            assert_eq!(
                want[j] != 0.0,
                got[j] != 0.0,
                "support differs at λ index {k}, feature {} ({} vs {})",
                names[j],
                got[j],
                want[j]
            );
        }
        let b0: f64 = row[t.col_idx("intercept")].parse().unwrap();
        let d = max_abs_diff(&got, &want).max((b0 - path.intercept[k]).abs());
        if d >= 1e-4 {
            let lam = path.lambdas[k];
            let (o_ref, kkt_ref) = l1_logistic_objective_kkt(z, y, b0, &want, lam);
            let (o_me, kkt_me) = l1_logistic_objective_kkt(z, y, path.intercept[k], &got, lam);
            println!("  λ index {k}: |Δ| = {d:.2e}; objective ours − reference = {:.2e}; KKT residual ours {kkt_me:.1e}, reference {kkt_ref:.1e}", o_me - o_ref);
            assert!(
                o_me < o_ref - 1e-13 && kkt_me < 1e-9 && kkt_ref > 100.0 * kkt_me,
                "λ index {k}: coefficient difference {d:e} not explained by reference non-convergence"
            );
            excused.push(k);
            continue;
        }
        dmax = dmax.max(max_abs_diff(&got, &want));
        imax = imax.max((b0 - path.intercept[k]).abs());
    }
    (dmax, imax, excused)
}

fn names_of(idx: &[usize], names: &[String]) -> Vec<String> {
    idx.iter().map(|&j| names[j].clone()).collect()
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect()
}

#[test]
fn l1_logistic_path_cv_and_choices_match_reference() {
    let (names, z, y, folds) = wdbc_train();
    let fs = json("results/wdbc_feature_selection.json");
    let r = &fs["l1_logistic_glmnet_style"];
    let lmax = lambda_max(&z, &y, 1.0).unwrap();
    assert!((lmax - r["lambda_max"].as_f64().unwrap()).abs() < 1e-12, "lambda_max {lmax}");
    let grid = lambda_grid(lmax, r["lambda_min_ratio"].as_f64().unwrap(), r["n_lambda"].as_u64().unwrap() as usize);
    let t = Table::read("results/wdbc_l1logistic_path.csv");
    let ref_grid = t.f64_col("lambda");
    for (a, b) in grid.iter().zip(&ref_grid) {
        assert!((a - b).abs() < 1e-13 * b, "grid {a} vs {b}");
    }
    let opts = EnetOptions::default();
    let start = std::time::Instant::now();
    let path = enet_path(&z, &y, Family::Binomial, &ref_grid, &opts).unwrap();
    println!("full path: {:?}", start.elapsed());
    assert!(path.converged.iter().all(|&c| c));
    let (dc, di, ex) = compare_path(&path, &t, &names, &z, &y);
    println!("train path: max |Δcoef| {dc:e}, max |Δintercept| {di:e}, reference not converged at {ex:?}");
    assert!(dc < 1e-4 && di < 1e-4);

    let start = std::time::Instant::now();
    let cv = cv_enet_path(&z, &y, Family::Binomial, &folds, &ref_grid, &opts, CvAggregation::GlmnetWeighted).unwrap();
    println!("cv: {:?}", start.elapsed());
    let sizes: Vec<f64> = cv.fold_sizes.iter().map(|&s| s as f64).collect();
    let want_sizes: Vec<f64> = r["cv_fold_sizes"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    assert_eq!(sizes, want_sizes);
    let mut excused_any = std::collections::BTreeSet::new();
    for (k, fp) in cv.fold_paths.iter().enumerate() {
        let tf = Table::read(&format!("results/wdbc_l1logistic_path_fold{k}.csv"));
        let tr: Vec<usize> = (0..y.len()).filter(|&i| folds[i] != k).collect();
        let (zk, yk) = (select_rows(&z, &tr), Array1::from_iter(tr.iter().map(|&i| y[i])));
        let (dc, di, ex) = compare_path(fp, &tf, &names, &zk, &yk);
        println!("fold {k} path: max |Δcoef| {dc:e}, max |Δintercept| {di:e}, reference not converged at {ex:?}");
        excused_any.extend(ex);
        assert!(dc < 1e-4 && di < 1e-4);
    }
    // CV deviance compared where every fold's reference fit is at its optimum
    let keep: Vec<usize> = (0..ref_grid.len()).filter(|k| !excused_any.contains(k)).collect();
    let pick = |v: &[f64]| keep.iter().map(|&k| v[k]).collect::<Vec<f64>>();
    let dm = max_abs_diff(&pick(&cv.cvm), &pick(&t.f64_col("cv_deviance_mean")));
    let ds = max_abs_diff(&pick(&cv.cvsd), &pick(&t.f64_col("cv_deviance_sd")));
    let da = max_abs_diff(&cv.cv_auc, &t.f64_col("cv_auc_mean"));
    println!("cv deviance max |Δ| {dm:e}, sd {ds:e}, auc {da:e}");
    assert!(dm < 1e-5 && ds < 1e-5 && da < 1e-6);
    for (key, idx) in [("lambda_min", cv.index_min), ("lambda_1se", cv.index_1se)] {
        let rr = &r[key];
        assert_eq!(idx as u64, rr["index"].as_u64().unwrap(), "{key} index");
        assert!((ref_grid[idx] - rr["lambda"].as_f64().unwrap()).abs() < 1e-15);
        assert_eq!(names_of(&path.selected(idx), &names), strings(&rr["selected"]), "{key} selected");
        let coef = named(&rr["coef_nonzero"]);
        for (n, v) in &coef {
            let j = names.iter().position(|m| m == n).unwrap();
            assert!((path.coef[[idx, j]] - v).abs() < 1e-4, "{key} {n}");
        }
        assert!((path.intercept[idx] - rr["intercept"].as_f64().unwrap()).abs() < 1e-4);
        assert!((cv.cvm[idx] - rr["cv_deviance"].as_f64().unwrap()).abs() < 1e-5);
    }
}

#[test]
fn gaussian_lasso_path_and_lassocv_choice_match_sklearn() {
    let (names, z, y, folds) = wdbc_train();
    let fs = json("results/wdbc_feature_selection.json");
    let r = &fs["gaussian_lasso_LassoCV"];
    let amax = lambda_max(&z, &y, 1.0).unwrap();
    assert!((amax - r["alpha_max"].as_f64().unwrap()).abs() < 1e-12);
    let t = Table::read("results/wdbc_gaussian_lasso_path.csv");
    let grid = t.f64_col("alpha");
    let mine = lambda_grid(amax, r["alpha_min_ratio"].as_f64().unwrap(), 100);
    assert!(max_abs_diff(&mine, &grid) < 1e-15);
    let opts = EnetOptions::default();
    let path = enet_path(&z, &y, Family::Gaussian, &grid, &opts).unwrap();
    let mut dmax = 0.0f64;
    for (k, row) in t.rows.iter().enumerate() {
        let want: Vec<f64> = names.iter().map(|n| row[t.col_idx(n)].parse().unwrap()).collect();
        dmax = dmax.max(max_abs_diff(&path.coef.row(k).to_vec(), &want));
    }
    println!("gaussian path max |Δcoef| = {dmax:e}");
    assert!(dmax < 1e-4);
    let cv = cv_enet_path(&z, &y, Family::Gaussian, &folds, &grid, &opts, CvAggregation::SklearnUnweighted).unwrap();
    let dm = max_abs_diff(&cv.cvm, &t.f64_col("cv_mse_mean"));
    let ds = max_abs_diff(&cv.cvsd, &t.f64_col("cv_mse_se"));
    println!("gaussian cv mse max |Δ| = {dm:e}, se {ds:e}");
    assert!(dm < 1e-5 && ds < 1e-5);
    assert_eq!(cv.index_min as u64, r["alpha_index"].as_u64().unwrap());
    assert_eq!(cv.index_1se as u64, r["alpha_1se_index"].as_u64().unwrap());
    assert_eq!(names_of(&path.selected(cv.index_min), &names), strings(&r["selected"]));
    assert_eq!(names_of(&path.selected(cv.index_1se), &names), strings(&r["selected_1se"]));
    assert!((path.intercept[cv.index_min] - r["intercept"].as_f64().unwrap()).abs() < 1e-4);
}

#[test]
fn elastic_net_single_fits_match_sklearn() {
    let (names, z, y, _) = wdbc_train();
    let fs = json("results/wdbc_feature_selection.json");
    let n = y.len() as f64;
    // Gaussian ElasticNetCV(l1_ratio = 0.5) at its chosen alpha
    let r = &fs["gaussian_enet_l1ratio0.5_ElasticNetCV"];
    let opts = EnetOptions { alpha: 0.5, ..Default::default() };
    let p = enet_path(&z, &y, Family::Gaussian, &[r["alpha_"].as_f64().unwrap()], &opts).unwrap();
    let coef = named(&r["coef_nonzero"]);
    assert_eq!(names_of(&p.selected(0), &names), strings(&r["selected"]));
    let d = names
        .iter()
        .enumerate()
        .map(|(j, nm)| (p.coef[[0, j]] - coef.get(nm).copied().unwrap_or(0.0)).abs())
        .fold(0.0, f64::max);
    println!("gaussian enet max |Δcoef| = {d:e}");
    assert!(d < 1e-4 && (p.intercept[0] - r["intercept"].as_f64().unwrap()).abs() < 1e-4);
    // logistic elastic net, sklearn saga C = 0.1, l1_ratio = 0.5  ==  glmnet α = 0.5, λ = 1/(C n)
    let r = &fs["logistic_enet_C0.1_l1ratio0.5_saga"];
    let p = enet_path(&z, &y, Family::Binomial, &[1.0 / (0.1 * n)], &opts).unwrap();
    let coef = named(&r["coef"]);
    assert_eq!(names_of(&p.selected(0), &names), strings(&r["selected"]));
    let d = names.iter().enumerate().map(|(j, nm)| (p.coef[[0, j]] - coef[nm]).abs()).fold(0.0, f64::max);
    println!("logistic enet max |Δcoef| = {d:e}");
    assert!(d < 1e-4 && (p.intercept[0] - r["intercept"].as_f64().unwrap()).abs() < 1e-4);
    // logistic L1, sklearn saga C = 0.1 (WDBC classification reference, same train z-scores)
    let cls = json("results/wdbc_classification.json");
    let r = &cls["linear_model_coefficients_train_fit"]["logreg_l1_saga"];
    let p = enet_path(&z, &y, Family::Binomial, &[1.0 / (0.1 * n)], &EnetOptions::default()).unwrap();
    let coef = named(&r["coef"]);
    let d = names.iter().enumerate().map(|(j, nm)| (p.coef[[0, j]] - coef[nm]).abs()).fold(0.0, f64::max);
    println!("logistic L1 (saga C=0.1) max |Δcoef| = {d:e}");
    assert!(d < 1e-4 && (p.intercept[0] - r["intercept"].as_f64().unwrap()).abs() < 1e-4);
    for (j, nm) in names.iter().enumerate() {
        assert_eq!(p.coef[[0, j]] != 0.0, coef[nm] != 0.0);
    }
}
