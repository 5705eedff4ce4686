//! Degenerate ROIs for the morphological family: empty, one voxel, one slice, a line, constant
//! intensities, mismatched grids. Nothing may panic; undefined values are NaN and defined ones
//! take their analytic values.
use ndarray::Array3;
use radstudy::features::morphology::{compute, FEATURES};
use radstudy::features::Feature;
use radstudy::image::volume::Volume;

fn value(features: &[Feature], name: &str) -> f64 {
    features.iter().find(|f| f.name == name).unwrap_or_else(|| panic!("missing {name}")).value
}

fn run(mask: Array3<bool>, spacing: [f64; 3]) -> Vec<Feature> {
    let image = Volume::new(
        mask.mapv(|m| if m { 2.0f32 } else { 0.0 }) + Array3::from_shape_fn(mask.dim(), |(i, _, _)| i as f32),
        spacing,
    );
    let morph = Volume::new(mask.clone(), spacing);
    let features = compute(&morph, &image, &mask);
    assert_eq!(features.len(), FEATURES.len());
    assert!(features.iter().all(|f| f.family == "morph" && f.aggregation.is_empty()));
    features
}

#[test]
fn empty_mask_gives_all_nan() {
    let f = run(Array3::from_elem((3, 3, 3), false), [1.0; 3]);
    assert!(f.iter().all(|x| x.value.is_nan()));
}

#[test]
fn single_voxel_is_an_octahedron_and_pca_is_undefined() {
    let mut m = Array3::from_elem((3, 3, 3), false);
    m[[1, 1, 1]] = true;
    let f = run(m, [2.0, 2.0, 2.0]);
    // Octahedron with half-diagonals 1 mm: V = 4/3 mm^3, A = 8 * sqrt(3)/2 mm^2, diameter 2 mm.
    assert!((value(&f, "volume") - 4.0 / 3.0).abs() < 1e-12);
    assert!((value(&f, "surface_area") - 4.0 * 3f64.sqrt()).abs() < 1e-12);
    assert!((value(&f, "maximum_3d_diameter") - 2.0).abs() < 1e-12);
    assert_eq!(value(&f, "volume_voxel_counting"), 8.0);
    assert!((value(&f, "volume_density_convex_hull") - 1.0).abs() < 1e-12);
    assert!(value(&f, "major_axis_length").is_nan() && value(&f, "elongation").is_nan());
    assert!(value(&f, "morans_i").is_nan() && value(&f, "gearys_c").is_nan());
    assert!((value(&f, "centre_of_mass_shift")).abs() < 1e-12);
}

#[test]
fn single_slice_and_line_have_zero_minor_extents() {
    let slice = Array3::from_shape_fn((4, 3, 1), |_| true);
    let f = run(slice, [1.0, 1.0, 3.0]);
    assert!(value(&f, "volume") > 0.0 && value(&f, "surface_area") > 0.0);
    assert_eq!(value(&f, "least_axis_length"), 0.0);
    assert_eq!(value(&f, "flatness"), 0.0);
    assert!(value(&f, "volume_density_aee").is_nan());
    assert!(value(&f, "volume_density_mvee").is_finite());

    let line = Array3::from_shape_fn((5, 1, 1), |_| true);
    let f = run(line, [1.0; 3]);
    assert_eq!(value(&f, "elongation"), 0.0);
    assert!((value(&f, "major_axis_length") - 4.0 * 2.5f64.sqrt()).abs() < 1e-12);
    assert!(value(&f, "morans_i").is_finite());
}

#[test]
fn constant_intensity_and_mismatched_grids_give_nan_spatial_features() {
    let mask = Array3::from_elem((3, 3, 3), true);
    let image = Volume::new(Array3::from_elem((3, 3, 3), 5.0f32), [1.0; 3]);
    let morph = Volume::new(mask.clone(), [1.0; 3]);
    let f = compute(&morph, &image, &mask);
    assert!(value(&f, "morans_i").is_nan() && value(&f, "gearys_c").is_nan());
    assert!((value(&f, "integrated_intensity") - 5.0 * value(&f, "volume")).abs() < 1e-9);

    let small = Array3::from_elem((2, 2, 2), true);
    let f = compute(&morph, &image, &small);
    assert!(value(&f, "integrated_intensity").is_nan() && value(&f, "centre_of_mass_shift").is_nan());
    assert!(value(&f, "volume").is_finite());
}
