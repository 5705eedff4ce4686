//! Readers against external references: the IBSI digital and CT phantoms (NIfTI) and the
//! five PyRadiomics sample cases (NRRD) with the diagnostics of PyRadiomics' baseline.
mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use radstudy::image::io::{read_image, read_mask};
use radstudy::image::roi::bounding_box;
use radstudy::image::Volume;

/// Round to 3 significant digits (the IBSI match rule).
fn sig3(x: f64) -> f64 {
    if x == 0.0 {
        return 0.0;
    }
    let e = 10f64.powi(2 - x.abs().log10().floor() as i32);
    (x * e).round() / e
}

/// IBSI reference value for (data set, MIRP tag) from `ibsi_1_reference_values.csv`.
fn ibsi_value(data: &str, tag: &str) -> f64 {
    let path = common::reference_dir().join("ibsi/reference_values/ibsi_1_reference_values.csv");
    let mut rdr = csv::Reader::from_path(&path).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (cd, ct, cv) = (col("data"), col("mirp_tag"), col("value"));
    for rec in rdr.records() {
        let rec = rec.unwrap();
        if &rec[cd] == data && &rec[ct] == tag {
            return rec[cv].parse().unwrap();
        }
    }
    panic!("no IBSI value for {data} {tag}");
}

/// MIRP's `reference value;tolerance;tag` file as tag -> (value, tolerance).
fn mirp_values(file: &str) -> BTreeMap<String, (f64, f64)> {
    let path = common::reference_dir().join("ibsi/reference_values/mirp_csv").join(file);
    let mut rdr = csv::ReaderBuilder::new().delimiter(b';').from_path(&path).unwrap();
    let mut out = BTreeMap::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        if let (Ok(v), Ok(t)) = (rec[0].parse::<f64>(), rec[1].parse::<f64>()) {
            out.insert(rec[2].to_string(), (v, t));
        }
    }
    out
}

fn roi_values(img: &Volume<f32>, mask: &Volume<u8>) -> Vec<f64> {
    img.data.iter().zip(mask.data.iter()).filter(|(_, &m)| m == 1).map(|(&v, _)| v as f64).collect()
}

#[test]
fn ibsi_digital_phantom() {
    let dir = common::reference_dir().join("ibsi/digital_phantom/nifti");
    let img = read_image(&dir.join("image/phantom.nii.gz")).unwrap();
    let mask = read_mask(&dir.join("mask/mask.nii.gz"), None).unwrap();
    // ibsi/README.md: 5 × 4 × 4 voxels (x × y × z), spacing 2 mm, origin 0.
    assert_eq!(img.shape(), [5, 4, 4]);
    assert_eq!(img.spacing, [2.0; 3]);
    assert_eq!(img.origin, [0.0; 3]);
    assert!(img.geometry_mismatch(&mask, Default::default()).is_none());
    // Voxel-counting volume = N × 8 mm³.
    let n = mask.data.iter().filter(|&&m| m == 1).count() as f64;
    assert_eq!(n * 8.0, ibsi_value("dig_phantom", "morph_vol_approx"));
    let v = roi_values(&img, &mask);
    let mean = v.iter().sum::<f64>() / n;
    assert_eq!(sig3(mean), ibsi_value("dig_phantom", "stat_mean"));
    assert_eq!(v.iter().cloned().fold(f64::INFINITY, f64::min), ibsi_value("dig_phantom", "stat_min"));
    assert_eq!(v.iter().cloned().fold(f64::NEG_INFINITY, f64::max), ibsi_value("dig_phantom", "stat_max"));
    // The single 9 lies outside the ROI (README).
    let mut levels: Vec<i64> = img.data.iter().map(|&x| x as i64).collect();
    levels.sort();
    levels.dedup();
    assert_eq!(levels, vec![1, 3, 4, 6, 9]);
}

#[test]
fn ibsi_ct_phantom() {
    let dir = common::reference_dir().join("ibsi/ct_radiomics_phantom/nifti");
    let img = read_image(&dir.join("image/phantom.nii.gz")).unwrap();
    let mask = read_mask(&dir.join("mask/mask.nii.gz"), Some(1)).unwrap();
    let r = mirp_values("ibsi_1_chest_config_a.csv");
    let get = |t: &str| r[t].0;
    let shape = img.shape();
    assert_eq!(
        [shape[0] as f64, shape[1] as f64, shape[2] as f64],
        [get("img_dim_x_init_img"), get("img_dim_y_init_img"), get("img_dim_z_init_img")]
    );
    for (a, t) in ["vox_dim_x_init_img", "vox_dim_y_init_img", "vox_dim_z_init_img"].iter().enumerate() {
        assert_eq!(sig3(img.spacing[a]), get(t));
    }
    assert!(img.geometry_mismatch(&mask, Default::default()).is_none());
    let mean_img = img.data.iter().map(|&v| (v as f64).round()).sum::<f64>() / img.data.len() as f64;
    assert_eq!(sig3(mean_img), get("mean_int_init_img"));
    let n = mask.data.iter().filter(|&&m| m == 1).count() as f64;
    assert_eq!(n, get("int_mask_vox_count_init_roi"));
    let (lo, hi) = bounding_box(&mask, 0).unwrap();
    let bb: Vec<f64> = (0..3).map(|a| (hi[a] - lo[a]) as f64).collect();
    assert_eq!(
        bb,
        vec![get("int_mask_bb_dim_x_init_roi"), get("int_mask_bb_dim_y_init_roi"), get("int_mask_bb_dim_z_init_roi")]
    );
    let v = roi_values(&img, &mask);
    let mean_roi = v.iter().map(|x| x.round()).sum::<f64>() / n;
    assert_eq!(sig3(mean_roi), get("int_mask_mean_int_init_roi"));
    // sform diag(-0.977, -0.977, 3) in RAS = identity direction in LPS.
    assert_eq!(img.direction, radstudy::image::volume::IDENTITY);
}

/// PyRadiomics baseline diagnostics: case -> field -> first non-empty value.
fn pyradiomics_diagnostics() -> BTreeMap<String, BTreeMap<String, String>> {
    let path = common::reference_dir().join("pyradiomics/data/baseline/baseline_firstorder.csv");
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_path(&path).unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let cases: Vec<String> = rows
        .iter()
        .find(|r| &r[0] == "diagnostics_Configuration_TestCase")
        .unwrap()
        .iter()
        .skip(1)
        .map(String::from)
        .collect();
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for row in rows.iter().filter(|r| r[0].starts_with("diagnostics_")) {
        for (c, case) in cases.iter().enumerate() {
            let v = row.get(c + 1).unwrap_or("");
            let entry = out.entry(case.clone()).or_default();
            if !v.is_empty() && !entry.contains_key(&row[0]) {
                entry.insert(row[0].to_string(), v.to_string());
            }
        }
    }
    out
}

fn tuple(s: &str) -> Vec<f64> {
    s.trim_matches(|c| c == '(' || c == ')').split(',').map(|t| t.trim().parse().unwrap()).collect()
}

fn rel_close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1e-300)
}

#[test]
fn pyradiomics_nrrd_cases_match_baseline_diagnostics() {
    let diag = pyradiomics_diagnostics();
    let data: PathBuf = common::reference_dir().join("pyradiomics/data");
    assert_eq!(diag.len(), 5);
    for (case, d) in &diag {
        let field = |k: &str| d.get(&format!("diagnostics_{k}")).unwrap_or_else(|| panic!("{case}: {k}")).clone();
        let img = read_image(&data.join(format!("{case}_image.nrrd"))).unwrap();
        let mask = read_mask(Path::new(&data.join(format!("{case}_label.nrrd"))), Some(1)).unwrap();
        let shape: Vec<f64> = img.shape().iter().map(|&n| n as f64).collect();
        assert_eq!(shape, tuple(&field("Image-original_Size")), "{case} size");
        assert_eq!(shape, tuple(&field("Mask-original_Size")), "{case} mask size");
        assert_eq!(img.spacing.to_vec(), tuple(&field("Image-original_Spacing")), "{case} spacing");
        assert_eq!(mask.spacing.to_vec(), tuple(&field("Mask-original_Spacing")), "{case} mask spacing");
        let min = img.data.iter().cloned().fold(f32::INFINITY, f32::min) as f64;
        let max = img.data.iter().cloned().fold(f32::NEG_INFINITY, f32::max) as f64;
        assert_eq!(min, field("Image-original_Minimum").parse::<f64>().unwrap(), "{case} min");
        assert_eq!(max, field("Image-original_Maximum").parse::<f64>().unwrap(), "{case} max");
        let mean = img.data.iter().map(|&v| v as f64).sum::<f64>() / img.data.len() as f64;
        let want_mean: f64 = field("Image-original_Mean").parse().unwrap();
        assert!(rel_close(mean, want_mean, 1e-12), "{case} mean {mean} vs {want_mean}");
        let n = mask.data.iter().filter(|&&m| m == 1).count();
        assert_eq!(n as f64, field("Mask-original_VoxelNum").parse::<f64>().unwrap(), "{case} voxels");
        let (lo, hi) = bounding_box(&mask, 0).unwrap();
        let bb: Vec<f64> = (0..3).map(|a| lo[a] as f64).chain((0..3).map(|a| (hi[a] - lo[a]) as f64)).collect();
        assert_eq!(bb, tuple(&field("Mask-original_BoundingBox")), "{case} bounding box");
        let mut com = [0.0f64; 3];
        for ((i, j, k), &m) in mask.data.indexed_iter() {
            if m == 1 {
                com[0] += i as f64;
                com[1] += j as f64;
                com[2] += k as f64;
            }
        }
        let com = com.map(|c| c / n as f64);
        let want_idx = tuple(&field("Mask-original_CenterOfMassIndex"));
        let want_phys = tuple(&field("Mask-original_CenterOfMass"));
        let phys = mask.physical_point(com);
        for a in 0..3 {
            assert!(rel_close(com[a], want_idx[a], 1e-12), "{case} centre of mass index {com:?} vs {want_idx:?}");
            assert!((phys[a] - want_phys[a]).abs() < 1e-9, "{case} centre of mass {phys:?} vs {want_phys:?}");
        }
        assert!(img.geometry_mismatch(&mask, Default::default()).is_none());
    }
}
