//! IBSI image-processing diagnostics of the CT phantom configurations A–E (image size,
//! voxel size, intensities after interpolation; ROI voxel counts, bounding boxes and
//! intensities after interpolation and re-segmentation), compared with the diagnostic
//! reference values in MIRP's copies of the IBSI tables
//! (`../shared/reference/ibsi/reference_values/mirp_csv/ibsi_1_chest_config_*.csv`).
//! Also a negative control: wrong settings must produce benchmark misses.
mod common;

use ndarray::Array3;
use radstudy::features::extract::prepare_roi;
use radstudy::features::extract_ibsi;
use radstudy::features::ibsi_score::{
    ibsi_settings, load_data_set, load_reference, matches_reference, score, IbsiDataSet,
};
use radstudy::image::preprocess::Discretisation;
use std::collections::BTreeMap;

fn mirp_diagnostics(file: &str) -> BTreeMap<String, (f64, f64)> {
    let path = common::reference_dir().join("ibsi/reference_values/mirp_csv").join(file);
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = BTreeMap::new();
    for line in text.lines().skip(1) {
        let parts: Vec<&str> = line.split(';').collect();
        if parts.len() == 3 && !parts[0].is_empty() {
            if let (Ok(v), Ok(t)) = (parts[0].parse::<f64>(), parts[1].parse::<f64>()) {
                out.insert(parts[2].to_string(), (v, t));
            }
        }
    }
    out
}

fn bbox(mask: &Array3<bool>) -> [f64; 3] {
    let mut lo = [usize::MAX; 3];
    let mut hi = [0usize; 3];
    for ((i, j, k), &m) in mask.indexed_iter() {
        if m {
            for (a, v) in [i, j, k].into_iter().enumerate() {
                lo[a] = lo[a].min(v);
                hi[a] = hi[a].max(v);
            }
        }
    }
    [0, 1, 2].map(|a| (hi[a] + 1 - lo[a]) as f64)
}

fn masked_stats(img: &Array3<f32>, mask: &Array3<bool>) -> (f64, f64, f64) {
    let v: Vec<f64> = img.iter().zip(mask).filter(|(_, &m)| m).map(|(&x, _)| x as f64).collect();
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    (mean, v.iter().cloned().fold(f64::INFINITY, f64::min), v.iter().cloned().fold(f64::NEG_INFINITY, f64::max))
}

fn check_config(ds: IbsiDataSet, file: &str) {
    let refs = mirp_diagnostics(file);
    let (image, mask) = load_data_set(&common::reference_dir().join("ibsi"), ds).unwrap();
    let p = prepare_roi(&image, &mask, None, &ibsi_settings(ds)).unwrap();
    let mut ours: Vec<(String, f64)> = Vec::new();
    let sh = p.image.shape();
    let all = p.image.data.mapv(|_| true);
    let (m, lo, hi) = masked_stats(&p.image.data, &all);
    for (a, ax) in ["x", "y", "z"].iter().enumerate() {
        ours.push((format!("img_dim_{ax}_interp_img"), sh[a] as f64));
        ours.push((format!("vox_dim_{ax}_interp_img"), p.image.spacing[a]));
    }
    ours.push(("mean_int_interp_img".into(), m));
    ours.push(("min_int_interp_img".into(), lo));
    ours.push(("max_int_interp_img".into(), hi));
    for (stage, int_mask) in [("interp", &p.morph_mask.data), ("reseg", &p.intensity_mask)] {
        let (m, lo, hi) = masked_stats(&p.image.data, int_mask);
        ours.push((format!("int_mask_vox_count_{stage}_roi"), int_mask.iter().filter(|&&v| v).count() as f64));
        ours.push((
            format!("morph_mask_vox_count_{stage}_roi"),
            p.morph_mask.data.iter().filter(|&&v| v).count() as f64,
        ));
        ours.push((format!("int_mask_mean_int_{stage}_roi"), m));
        ours.push((format!("int_mask_min_int_{stage}_roi"), lo));
        ours.push((format!("int_mask_max_int_{stage}_roi"), hi));
        let (bi, bm) = (bbox(int_mask), bbox(&p.morph_mask.data));
        for (a, ax) in ["x", "y", "z"].iter().enumerate() {
            ours.push((format!("int_mask_bb_dim_{ax}_{stage}_roi"), bi[a]));
            ours.push((format!("morph_mask_bb_dim_{ax}_{stage}_roi"), bm[a]));
        }
    }
    let mut failures = Vec::new();
    for (tag, v) in &ours {
        let (r, t) = refs.get(tag).unwrap_or_else(|| panic!("{file} lacks {tag}"));
        if !matches_reference(*v, *r, *t) {
            failures.push(format!("{tag}: ours {v}, reference {r} ± {t}"));
        }
    }
    assert!(failures.is_empty(), "{}: {failures:#?}", ds.key());
}

#[test]
fn config_a_diagnostics() {
    check_config(IbsiDataSet::ConfigA, "ibsi_1_chest_config_a.csv");
}

#[test]
fn config_b_diagnostics() {
    check_config(IbsiDataSet::ConfigB, "ibsi_1_chest_config_b.csv");
}

#[test]
fn config_c_diagnostics() {
    check_config(IbsiDataSet::ConfigC, "ibsi_1_chest_config_c.csv");
}

#[test]
fn config_d_diagnostics() {
    check_config(IbsiDataSet::ConfigD, "ibsi_1_chest_config_d.csv");
}

#[test]
fn config_e_diagnostics() {
    check_config(IbsiDataSet::ConfigE, "ibsi_1_chest_config_e.csv");
}

#[test]
fn wrong_discretisation_is_caught_by_the_scorer() {
    // Negative control: the digital phantom discretised to 3 bins must miss IH rows.
    let ibsi = common::reference_dir().join("ibsi");
    let rows = load_reference(&ibsi.join("reference_values/ibsi_1_reference_values.csv")).unwrap();
    let (image, mask) = load_data_set(&ibsi, IbsiDataSet::DigitalPhantom).unwrap();
    let mut s = ibsi_settings(IbsiDataSet::DigitalPhantom);
    s.discretisation = Discretisation::Fbn(3);
    let fs = extract_ibsi(&image, &mask, &s).unwrap();
    let r = score(IbsiDataSet::DigitalPhantom, &fs, &rows);
    let (passed, failed, _) = r.totals(Some("ih"));
    assert!(failed >= 10, "ih passed {passed}, failed {failed}");
    assert_eq!(r.totals(Some("stats")).1, 0, "stats do not depend on discretisation");
}
