//! Our readers against SimpleITK: files written by SimpleITK (rotated and left-handed
//! direction, permuted axes; NIfTI and NRRD) must give the geometry and voxels SimpleITK's
//! own reader reports (`tests/data/sitk/expected.json`, made by `tests/data/sitk/make.py`).
use std::path::PathBuf;

use radstudy::image::io::read_image;

#[test]
fn geometry_and_voxels_equal_simpleitk() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/sitk");
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let files = expected["files"].as_object().unwrap();
    assert_eq!(files.len(), 3);
    for (name, e) in files {
        let v = read_image(&dir.join(name)).unwrap();
        let vec = |k: &str| -> Vec<f64> { e[k].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect() };
        let size: Vec<f64> = v.shape().iter().map(|&n| n as f64).collect();
        assert_eq!(size, vec("size"), "{name}");
        let close = |a: &[f64], b: &[f64], what: &str| {
            for (x, y) in a.iter().zip(b) {
                assert!((x - y).abs() <= 1e-12, "{name} {what}: {a:?} vs {b:?}");
            }
        };
        close(&v.spacing, &vec("spacing"), "spacing");
        close(&v.origin, &vec("origin"), "origin");
        let dir_rows: Vec<f64> = v.direction.iter().flatten().copied().collect();
        close(&dir_rows, &vec("direction"), "direction");
        let [nx, ny, nz] = v.shape();
        let mut ours = Vec::with_capacity(nx * ny * nz);
        for k in 0..nz {
            for j in 0..ny {
                for i in 0..nx {
                    ours.push(v.data[[i, j, k]] as f64);
                }
            }
        }
        assert_eq!(ours, vec("values_x_fastest"), "{name} voxels");
    }
}
