//! Speed sanity check of the texture engine: a 60×60×40 ROI (ellipsoid inside a box) with
//! 32 random grey levels; times every family at its default (3D merged) aggregation and then
//! all aggregations. Run with `cargo run --release --example texture_speed`.

use ndarray::Array3;
use radstudy::features::texture::{
    compute, compute_all, default_aggregation, TextureFamily, TextureInput, TextureSettings,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::Instant;

fn main() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let shape = (60, 60, 40);
    let inside = |i: usize, j: usize, k: usize| {
        let f = |x: usize, n: usize| (x as f64 + 0.5 - n as f64 / 2.0) / (n as f64 / 2.0);
        f(i, 60).powi(2) + f(j, 60).powi(2) + f(k, 40).powi(2) <= 1.0
    };
    let morph = Array3::from_shape_fn(shape, |(i, j, k)| inside(i, j, k));
    let levels = morph.mapv(|m| if m { rng.random_range(1..=32u32) } else { 0 });
    let n_roi = morph.iter().filter(|&&m| m).count();
    let input = TextureInput { levels: &levels, morph_mask: &morph, n_levels: 32 };
    let settings = TextureSettings::default();
    println!("ROI: {n_roi} voxels of {:?}, 32 levels", shape);

    let start = Instant::now();
    for family in TextureFamily::ALL {
        let t = Instant::now();
        let fs = compute(&input, family, default_aggregation(family), &settings).unwrap();
        println!(
            "  {:6} {:7} {:3} features  {:7.1} ms",
            family.key(),
            default_aggregation(family).key(),
            fs.len(),
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    println!("all families, default aggregation: {:.1} ms", start.elapsed().as_secs_f64() * 1e3);

    let start = Instant::now();
    let mut n = 0;
    for family in TextureFamily::ALL {
        n += compute_all(&input, family, &settings).unwrap().len();
    }
    println!("all families, all aggregations ({n} features): {:.1} ms", start.elapsed().as_secs_f64() * 1e3);

    let full = Array3::from_elem(shape, true);
    let levels_full = full.mapv(|_| rng.random_range(1..=32u32));
    let input = TextureInput { levels: &levels_full, morph_mask: &full, n_levels: 32 };
    let start = Instant::now();
    for family in TextureFamily::ALL {
        compute(&input, family, default_aggregation(family), &settings).unwrap();
    }
    println!(
        "full 60×60×40 box ({} voxels), default aggregations: {:.1} ms",
        full.len(),
        start.elapsed().as_secs_f64() * 1e3
    );
}
