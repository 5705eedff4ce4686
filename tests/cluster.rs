//! k-means and Ward clustering against scipy / scikit-learn (tests/data/cluster, made by
//! make_cluster_reference.py) and against known synthetic blobs.
use ndarray::Array2;
use radstudy::model::hclust::{cut_tree, ward_linkage};
use radstudy::model::kmeans::{canonical_labels, kmeans, zscore_columns, KMeansParams};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use serde_json::Value;

fn reference() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cluster/cluster_reference.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn matrix(v: &Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = serde_json::from_value(v.clone()).unwrap();
    Array2::from_shape_fn((rows.len(), rows[0].len()), |(i, j)| rows[i][j])
}

fn labels(v: &Value) -> Vec<usize> {
    serde_json::from_value(v.clone()).unwrap()
}

fn assert_linkage_equal(x: &Array2<f64>, scipy: &Value) {
    let ours = ward_linkage(x.view()).unwrap();
    let z = matrix(scipy);
    assert_eq!(ours.len(), z.nrows());
    let mut max_rel = 0.0f64;
    for (m, row) in ours.iter().zip(z.rows()) {
        assert_eq!((m.a, m.b, m.size), (row[0] as usize, row[1] as usize, row[3] as usize), "{m:?} vs {row}");
        max_rel = max_rel.max((m.height - row[2]).abs() / row[2]);
    }
    println!("max relative Ward height difference vs scipy: {max_rel:.2e}");
    assert!(max_rel < 1e-12);
}

#[test]
fn ward_linkage_matches_scipy_on_raw_and_zscored_matrix() {
    let r = reference();
    let x = matrix(&r["x"]);
    assert_linkage_equal(&x, &r["linkage_raw"]);
    let z = zscore_columns(x.view()).unwrap();
    let z_ref = matrix(&r["z"]);
    assert!(z.iter().zip(z_ref.iter()).all(|(a, b)| (a - b).abs() < 1e-12));
    assert_linkage_equal(&z, &r["linkage_z"]);
}

#[test]
fn ward_cut_matches_scipy_fcluster_maxclust() {
    let r = reference();
    let z = zscore_columns(matrix(&r["x"]).view()).unwrap();
    let merges = ward_linkage(z.view()).unwrap();
    for k in [2usize, 3, 4] {
        let scipy: Vec<usize> = labels(&r["fcluster_z"][k.to_string()]).iter().map(|l| l - 1).collect();
        assert_eq!(cut_tree(&merges, z.nrows(), k).unwrap(), canonical_labels(&scipy), "k = {k}");
    }
    assert_eq!(cut_tree(&merges, z.nrows(), 1).unwrap(), vec![0; z.nrows()]);
    assert_eq!(cut_tree(&merges, z.nrows(), z.nrows()).unwrap().iter().max(), Some(&(z.nrows() - 1)));
}

#[test]
fn kmeans_matches_sklearn_partition_and_inertia() {
    let r = reference();
    let z = zscore_columns(matrix(&r["x"]).view()).unwrap();
    for k in [2usize, 3] {
        let sk = &r["kmeans_z"][k.to_string()];
        let fit = kmeans(z.view(), &KMeansParams { n_init: 20, ..KMeansParams::new(k) }).unwrap();
        assert_eq!(fit.labels, canonical_labels(&labels(&sk["labels"])), "k = {k}");
        let inertia = sk["inertia"].as_f64().unwrap();
        assert!((fit.inertia - inertia).abs() < 1e-9 * inertia, "{} vs {inertia}", fit.inertia);
    }
}

#[test]
fn kmeans_and_ward_recover_separated_blobs_exactly() {
    let centres = [[0.0, 0.0, 0.0], [12.0, 0.0, 0.0], [0.0, 12.0, 12.0]];
    let sizes = [15usize, 40, 25];
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let noise = Normal::new(0.0, 1.0).unwrap();
    let mut rows = Vec::new();
    let mut truth = Vec::new();
    // Interleave the blobs so that row order carries no information.
    for i in 0..sizes.iter().sum::<usize>() {
        let blob = [0usize, 1, 2]
            .into_iter()
            .cycle()
            .skip(i)
            .find(|&b| truth.iter().filter(|&&t| t == b).count() < sizes[b])
            .unwrap();
        truth.push(blob);
        rows.push(centres[blob].map(|c| c + noise.sample(&mut rng)));
    }
    let x = Array2::from_shape_fn((rows.len(), 3), |(i, j)| rows[i][j]);
    let z = zscore_columns(x.view()).unwrap();
    let expected = canonical_labels(&truth);
    // Largest blob (40 rows) gets label 0, then 25, then 15.
    assert_eq!(expected.iter().filter(|&&l| l == 0).count(), 40);
    for seed in 0..5 {
        let fit = kmeans(z.view(), &KMeansParams { seed, ..KMeansParams::new(3) }).unwrap();
        assert_eq!(fit.labels, expected, "k-means seed {seed}");
    }
    let merges = ward_linkage(z.view()).unwrap();
    assert_eq!(cut_tree(&merges, z.nrows(), 3).unwrap(), expected);
}

#[test]
fn degenerate_inputs_are_errors() {
    let x = Array2::<f64>::zeros((1, 2));
    assert!(ward_linkage(x.view()).is_err());
    assert!(kmeans(x.view(), &KMeansParams::new(2)).is_err());
    let mut y = Array2::<f64>::zeros((3, 2));
    y[[0, 0]] = f64::NAN;
    assert!(zscore_columns(y.view()).is_err());
}
