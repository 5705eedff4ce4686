//! Speed check of the separable filters (run: `cargo test --release --test filters_speed -- --ignored --nocapture`):
//! wavelet (coif1, 8 bands) of a 100×100×40 volume and LoG at 5 sigmas must each take well
//! under a second in release builds.
use std::time::Instant;

use ndarray::Array3;
use radstudy::image::filters::{apply, FilterSpec};
use radstudy::image::Volume;

#[test]
#[ignore = "timing; run in release"]
fn wavelet_and_log_are_fast() {
    let img = Volume::new(
        Array3::from_shape_fn((100, 100, 40), |(i, j, k)| ((i * 31 + j * 17 + k * 7) % 97) as f32),
        [0.8, 0.8, 3.0],
    );
    let mask = img.with_data(Array3::<u8>::ones((100, 100, 40)));
    let t = Instant::now();
    let w = apply(&img, &mask, &FilterSpec::default_wavelet()).unwrap();
    let tw = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let l = apply(&img, &mask, &FilterSpec::Log { sigma_mm: vec![1.0, 2.0, 3.0, 4.0, 5.0] }).unwrap();
    let tl = t.elapsed().as_secs_f64();
    println!("wavelet coif1 (8 bands): {tw:.3} s; LoG 5 sigmas: {tl:.3} s");
    assert_eq!((w.len(), l.len()), (8, 5));
    assert!(tw < 1.0 && tl < 1.0, "too slow: wavelet {tw} s, LoG {tl} s");
}
