//! Degenerate texture inputs: empty ROI, one voxel, one grey level, a single slice, empty
//! slices between ROI slices, and contract violations. Values asserted here are the ones the
//! IBSI manual defines for these cases (e.g. NGTDM coarseness 10⁶, contrast/busyness/strength
//! 0 for one grey level) or follow directly from the feature formulas on a one-element
//! matrix; undefined features must be NaN. Nothing may panic.

use ndarray::Array3;
use radstudy::features::texture::{
    aggregations_for, compute, compute_all, Aggregation, TextureFamily, TextureInput, TextureSettings,
};
use radstudy::features::Feature;

fn all_features(levels: &Array3<u32>, n_levels: u32) -> Vec<Feature> {
    let morph = levels.mapv(|l| l > 0);
    let input = TextureInput { levels, morph_mask: &morph, n_levels };
    let mut out = Vec::new();
    for family in TextureFamily::ALL {
        out.extend(compute_all(&input, family, &TextureSettings::default()).expect("compute_all"));
    }
    out
}

fn value(fs: &[Feature], family: &str, agg: &str, name: &str) -> f64 {
    fs.iter()
        .find(|f| f.family == family && f.aggregation == agg && f.name == name)
        .unwrap_or_else(|| panic!("{family} {agg} {name} missing"))
        .value
}

#[test]
fn empty_roi_gives_nan_everywhere() {
    let levels = Array3::<u32>::zeros((4, 4, 3));
    let fs = all_features(&levels, 8);
    assert_eq!(fs.len(), 6 * 25 + 6 * 16 + 3 * (16 + 16 + 5 + 17));
    assert!(fs.iter().all(|f| f.value.is_nan()), "empty ROI must give NaN");
}

#[test]
fn single_voxel() {
    let mut levels = Array3::<u32>::zeros((3, 3, 3));
    levels[[1, 1, 1]] = 2;
    let fs = all_features(&levels, 4);
    // No co-occurring pair and no neighbour: GLCM and NGTDM are undefined.
    for f in fs.iter().filter(|f| f.family == "glcm" || f.family == "ngtdm") {
        assert!(f.value.is_nan(), "{} {} {} = {}", f.family, f.aggregation, f.name, f.value);
    }
    // One run / zone / neighbourhood of length, size, distance and dependence 1 at level 2.
    for agg in ["2d_avg", "2_5d_mrg", "3d_avg", "3d_mrg"] {
        assert_eq!(value(&fs, "glrlm", agg, "short_runs_emphasis"), 1.0);
        assert_eq!(value(&fs, "glrlm", agg, "run_percentage"), 1.0);
        assert_eq!(value(&fs, "glrlm", agg, "high_grey_level_run_emphasis"), 4.0);
        assert_eq!(value(&fs, "glrlm", agg, "run_entropy"), 0.0);
    }
    for agg in ["2d", "2_5d", "3d"] {
        assert_eq!(value(&fs, "glszm", agg, "small_zone_emphasis"), 1.0);
        assert_eq!(value(&fs, "glszm", agg, "zone_percentage"), 1.0);
        assert_eq!(value(&fs, "glszm", agg, "zone_size_variance"), 0.0);
        assert_eq!(value(&fs, "gldzm", agg, "large_distance_emphasis"), 1.0);
        assert_eq!(value(&fs, "ngldm", agg, "low_dependence_emphasis"), 1.0);
        assert_eq!(value(&fs, "ngldm", agg, "dependence_count_energy"), 1.0);
        assert_eq!(value(&fs, "ngldm", agg, "low_grey_level_count_emphasis"), 0.25);
    }
}

#[test]
fn single_grey_level_cube() {
    let levels = Array3::<u32>::from_elem((4, 4, 4), 3);
    let fs = all_features(&levels, 5);
    for agg in aggregations_for(TextureFamily::Glcm) {
        let a = agg.key();
        assert_eq!(value(&fs, "glcm", a, "joint_maximum"), 1.0);
        assert_eq!(value(&fs, "glcm", a, "joint_entropy"), 0.0);
        assert_eq!(value(&fs, "glcm", a, "contrast"), 0.0);
        assert_eq!(value(&fs, "glcm", a, "joint_average"), 3.0);
        assert_eq!(value(&fs, "glcm", a, "inverse_difference"), 1.0);
        assert_eq!(value(&fs, "glcm", a, "information_correlation_2"), 0.0);
        assert!(value(&fs, "glcm", a, "correlation").is_nan(), "σ = 0: correlation undefined");
        assert!(value(&fs, "glcm", a, "information_correlation_1").is_nan(), "HX = 0");
    }
    for a in ["2d", "2_5d", "3d"] {
        // IBSI: coarseness capped at 10^6; contrast, busyness and strength 0 for one level.
        assert_eq!(value(&fs, "ngtdm", a, "coarseness"), 1e6);
        assert_eq!(value(&fs, "ngtdm", a, "contrast"), 0.0);
        assert_eq!(value(&fs, "ngtdm", a, "busyness"), 0.0);
        assert_eq!(value(&fs, "ngtdm", a, "strength"), 0.0);
        assert_eq!(value(&fs, "ngtdm", a, "complexity"), 0.0);
        assert_eq!(value(&fs, "glszm", a, "normalised_grey_level_non_uniformity"), 1.0);
        assert_eq!(value(&fs, "ngldm", a, "grey_level_variance"), 0.0);
    }
    // One zone of 64 voxels in 3D; GLDZM: the whole cube is one zone touching the border.
    assert_eq!(value(&fs, "glszm", "3d", "large_zone_emphasis"), 64.0 * 64.0);
    assert!((value(&fs, "gldzm", "3d", "small_distance_emphasis") - 1.0).abs() < 1e-12);
    // 3D NGLDM of a 4×4×4 cube: dependence 1 + number of neighbours; corner voxels j = 8.
    assert!(value(&fs, "ngldm", "3d", "high_dependence_emphasis") > 64.0);
    assert!(fs.iter().all(|f| !f.value.is_infinite()));
}

#[test]
fn single_slice_roi_3d_equals_2_5d_merged_for_in_plane_matrices() {
    // With one slice, the 3D neighbourhood contains no out-of-plane ROI voxel, so GLSZM,
    // NGTDM and NGLDM matrices are identical in 2D, 2.5D and 3D.
    let mut levels = Array3::<u32>::zeros((5, 4, 1));
    for (n, v) in levels.iter_mut().enumerate() {
        *v = [1, 2, 2, 3, 1, 1, 4][n % 7];
    }
    let fs = all_features(&levels, 4);
    for fam in ["glszm", "ngtdm", "ngldm"] {
        for f in fs.iter().filter(|f| f.family == fam && f.aggregation == "3d") {
            for agg in ["2d", "2_5d"] {
                let other = value(&fs, fam, agg, f.name);
                assert!((f.value - other).abs() <= 1e-12 * f.value.abs().max(1.0), "{fam} {}", f.name);
            }
        }
    }
    // GLDZM differs: in 3D every voxel of a one-slice ROI touches the border (distance 1).
    assert!((value(&fs, "gldzm", "3d", "small_distance_emphasis") - 1.0).abs() < 1e-12);
    // 3D direction matrices with an out-of-plane component are empty: 3D averaged GLCM
    // averages the 4 in-plane directions only, i.e. equals 2D averaged.
    for f in fs.iter().filter(|f| f.family == "glcm" && f.aggregation == "3d_avg") {
        let other = value(&fs, "glcm", "2d_avg", f.name);
        assert!(
            (f.value - other).abs() <= 1e-12 * f.value.abs().max(1.0) || (f.value.is_nan() && other.is_nan()),
            "glcm {}",
            f.name
        );
    }
}

#[test]
fn empty_slices_do_not_count_in_2d_averages() {
    // Slices 0 and 2 hold the ROI, slices 1 and 3 are empty: 2D averages must equal the
    // average over the two ROI slices computed on their own.
    let pattern = |i: usize, j: usize, k: usize| ((i * 7 + j * 3 + k * 5) % 4) as u32 + 1;
    let mut gap = Array3::<u32>::zeros((5, 5, 4));
    for ((i, j, k), v) in gap.indexed_iter_mut() {
        if k == 0 || k == 2 {
            *v = pattern(i, j, k);
        }
    }
    let with_gap = all_features(&gap, 4);
    let slice_vol = |k: usize| Array3::from_shape_fn((5, 5, 1), |(i, j, _)| pattern(i, j, k));
    let s0 = all_features(&slice_vol(0), 4);
    let s2 = all_features(&slice_vol(2), 4);
    for f in with_gap.iter().filter(|f| f.aggregation == "2d" || f.aggregation == "2d_smrg") {
        let expected =
            0.5 * (value(&s0, f.family, f.aggregation, f.name) + value(&s2, f.family, f.aggregation, f.name));
        assert!(
            (f.value - expected).abs() <= 1e-9 * expected.abs().max(1.0),
            "{} {} {}: {} vs {}",
            f.family,
            f.aggregation,
            f.name,
            f.value,
            expected
        );
    }
}

#[test]
fn contract_violations_are_errors_not_panics() {
    let levels = Array3::<u32>::from_elem((2, 2, 2), 1);
    let morph = Array3::from_elem((2, 2, 2), true);
    let settings = TextureSettings::default();
    let input = TextureInput { levels: &levels, morph_mask: &morph, n_levels: 1 };
    assert!(compute(&input, TextureFamily::Glszm, Aggregation::D3Merged, &settings).is_err());
    assert!(compute(&input, TextureFamily::Glcm, Aggregation::D3, &settings).is_err());
    let too_high = TextureInput { levels: &levels, morph_mask: &morph, n_levels: 0 };
    assert!(compute(&too_high, TextureFamily::Glcm, Aggregation::D3Merged, &settings).is_err());
    let small_mask = Array3::from_elem((2, 2, 1), true);
    let bad_shape = TextureInput { levels: &levels, morph_mask: &small_mask, n_levels: 1 };
    assert!(compute(&bad_shape, TextureFamily::Gldzm, Aggregation::D3, &settings).is_err());
    let zero = TextureSettings { glcm_distance: 0, ..TextureSettings::default() };
    assert!(compute(&input, TextureFamily::Glcm, Aggregation::D3Merged, &zero).is_err());
}

#[test]
fn larger_distances_run_without_panic() {
    let levels = Array3::from_shape_fn((6, 5, 4), |(i, j, k)| ((i + 2 * j + 3 * k) % 5) as u32 + 1);
    let morph = levels.mapv(|l| l > 0);
    let input = TextureInput { levels: &levels, morph_mask: &morph, n_levels: 5 };
    let settings =
        TextureSettings { glcm_distance: 3, ngtdm_distance: 2, ngldm_distance: 2, ngldm_coarseness: 1, szm_linkage: 2 };
    for family in TextureFamily::ALL {
        let fs = compute_all(&input, family, &settings).unwrap();
        assert!(fs.iter().all(|f| !f.value.is_infinite()), "{:?}", family);
    }
}

#[test]
fn serde_keys_match_the_agreed_interface() {
    let keys: Vec<String> = aggregations_for(TextureFamily::Glcm)
        .iter()
        .chain(aggregations_for(TextureFamily::Ngtdm))
        .map(|a| serde_json::to_string(a).unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "\"2d_avg\"",
            "\"2d_smrg\"",
            "\"2_5d_dmrg\"",
            "\"2_5d_mrg\"",
            "\"3d_avg\"",
            "\"3d_mrg\"",
            "\"2d\"",
            "\"2_5d\"",
            "\"3d\""
        ]
    );
    for a in aggregations_for(TextureFamily::Glcm).iter().chain(aggregations_for(TextureFamily::Gldzm)) {
        assert_eq!(serde_json::to_string(a).unwrap(), format!("\"{}\"", a.key()));
    }
    assert_eq!(serde_json::to_string(&TextureFamily::Gldzm).unwrap(), "\"gldzm\"");
    let s: TextureSettings = serde_json::from_str("{\"glcm_distance\": 2}").unwrap();
    assert_eq!((s.glcm_distance, s.szm_linkage), (2, 1));
}
