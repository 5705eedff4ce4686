//! Texture features of the IBSI CT radiomics phantom, configuration A (2D: no resampling,
//! intensities rounded, re-segmentation to [−500, 400] HU, fixed bin size 25 HU from −500),
//! against the IBSI 1 reference values with their tolerances (rows with data == config_A).
//! The image processing done here is the minimal one configuration A needs; it is test
//! scaffolding, not the product's discretiser.

mod common;
#[path = "common/phantom.rs"]
mod phantom;

use radstudy::features::texture::{
    aggregations_for, compute_aggregations, Aggregation, TextureFamily, TextureInput, TextureSettings,
};
use std::collections::BTreeMap;

fn round_sig(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = digits - 1 - x.abs().log10().floor() as i32;
    let f = 10f64.powi(scale);
    (x * f).round() / f
}

fn family_of(heading: &str) -> Option<TextureFamily> {
    Some(match heading {
        "Grey level co-occurrence based features" => TextureFamily::Glcm,
        "Grey level run length based features" => TextureFamily::Glrlm,
        "Grey level size zone based features" => TextureFamily::Glszm,
        "Grey level distance zone based features" => TextureFamily::Gldzm,
        "Neighbourhood grey tone difference based features" => TextureFamily::Ngtdm,
        "Neighbouring grey level dependence based features" => TextureFamily::Ngldm,
        _ => return None,
    })
}

#[test]
fn ct_phantom_config_a_texture_features_match_ibsi() {
    let dir = common::reference_dir().join("ibsi/ct_radiomics_phantom/nifti");
    let image = phantom::read_nifti(&dir.join("image/phantom.nii.gz")).mapv(f64::round);
    let morph = phantom::read_nifti(&dir.join("mask/mask.nii.gz")).mapv(|m| m != 0.0);
    let (lo, hi, width) = (-500.0, 400.0, 25.0);
    let levels = ndarray::Zip::from(&image).and(&morph).map_collect(|&x, &m| {
        if m && (lo..=hi).contains(&x) {
            ((x - lo) / width).floor() as u32 + 1
        } else {
            0
        }
    });
    let n_levels = ((hi - lo) / width).floor() as u32 + 1;
    let input = TextureInput { levels: &levels, morph_mask: &morph, n_levels };
    let settings = TextureSettings::default();

    let mut ours = BTreeMap::new();
    for family in TextureFamily::ALL {
        // Configuration A is 2D: slice-based aggregations only.
        let aggs: Vec<Aggregation> = aggregations_for(family).iter().copied().filter(|a| a.is_slice_based()).collect();
        for f in compute_aggregations(&input, family, &aggs, &settings).unwrap() {
            ours.insert((f.ibsi_code, f.aggregation), f);
        }
    }
    let path = common::reference_dir().join("ibsi/reference_values/ibsi_1_reference_values.csv");
    let mut reader = csv::Reader::from_path(&path).expect("open IBSI reference CSV");
    let mut counts: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for rec in reader.records() {
        let rec = rec.unwrap();
        let Some(family) = family_of(&rec[0]) else {
            continue;
        };
        if &rec[4] != "config_A" {
            continue;
        }
        let agg = Aggregation::from_ibsi_label(&rec[5]).expect("aggregation label");
        let (reference, tol): (f64, f64) = (rec[6].parse().unwrap(), rec[7].parse().unwrap());
        let f = &ours[&(&rec[2], agg.key())];
        let rounded = round_sig(f.value, 3);
        let e = counts.entry((family.key(), agg.key())).or_default();
        e.1 += 1;
        if (rounded - reference).abs() <= tol + 1e-9 * reference.abs() {
            e.0 += 1;
        } else {
            failures.push(format!(
                "{} {} [{}]: ours {} reference {} ± {}",
                f.family,
                f.name,
                agg.key(),
                f.value,
                reference,
                tol
            ));
        }
    }
    println!("IBSI CT phantom config A texture features (passed / reference rows):");
    for ((fam, agg), (pass, total)) in &counts {
        println!("  {fam:6} {agg:10} {pass:3} / {total}");
    }
    for f in &failures {
        println!("  FAIL {f}");
    }
    let total: usize = counts.values().map(|c| c.1).sum();
    assert_eq!(total, 272, "texture rows of config_A");
    assert!(failures.is_empty(), "{} of {total} rows failed", failures.len());
}
