//! Every texture feature of the IBSI digital phantom, under every aggregation, against the
//! IBSI 1 reference values (`ibsi/reference_values/ibsi_1_reference_values.csv`, rows with
//! data == dig_phantom). IBSI rule: round our value to 3 significant digits, then
//! |rounded − reference| ≤ tolerance (0 for the phantom).

mod common;
#[path = "common/phantom.rs"]
mod phantom;

use radstudy::features::texture::{compute, compute_all, Aggregation, TextureFamily, TextureInput, TextureSettings};
use radstudy::features::Feature;
use std::collections::BTreeMap;

/// Round to `digits` significant digits.
fn round_sig(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = digits - 1 - x.abs().log10().floor() as i32;
    if scale >= 0 {
        let f = 10f64.powi(scale);
        (x * f).round() / f
    } else {
        let f = 10f64.powi(-scale);
        (x / f).round() * f
    }
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

struct RefRow {
    family: TextureFamily,
    feature: String,
    code: String,
    aggregation: Aggregation,
    value: f64,
    tolerance: f64,
}

fn reference_rows() -> Vec<RefRow> {
    let path = common::reference_dir().join("ibsi/reference_values/ibsi_1_reference_values.csv");
    let mut reader = csv::Reader::from_path(&path).expect("open IBSI reference CSV");
    let mut rows = Vec::new();
    for rec in reader.records() {
        let rec = rec.expect("CSV record");
        if &rec[4] != "dig_phantom" {
            continue;
        }
        let Some(family) = family_of(&rec[0]) else {
            continue;
        };
        rows.push(RefRow {
            family,
            feature: rec[1].to_string(),
            code: rec[2].to_string(),
            aggregation: Aggregation::from_ibsi_label(&rec[5])
                .unwrap_or_else(|| panic!("unknown aggregation {:?}", &rec[5])),
            value: rec[6].parse().expect("reference value"),
            tolerance: rec[7].parse().expect("tolerance"),
        });
    }
    rows
}

#[test]
fn digital_phantom_texture_features_match_ibsi() {
    let (levels, morph) = phantom::digital_phantom();
    let input = TextureInput { levels: &levels, morph_mask: &morph, n_levels: phantom::PHANTOM_LEVELS };
    let settings = TextureSettings::default();
    let mut ours: BTreeMap<(String, &'static str), Feature> = BTreeMap::new();
    for family in TextureFamily::ALL {
        for f in compute_all(&input, family, &settings).expect("compute_all") {
            let key = (f.ibsi_code.to_string(), f.aggregation);
            assert!(ours.insert(key, f).is_none(), "duplicate (code, aggregation)");
        }
    }
    let rows = reference_rows();
    assert_eq!(rows.len(), 408, "texture rows of dig_phantom in the reference CSV");

    // (family, aggregation) -> (passed, total)
    let mut counts: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for r in &rows {
        let entry = counts.entry((r.family.key(), r.aggregation.key())).or_default();
        entry.1 += 1;
        let Some(f) = ours.get(&(r.code.clone(), r.aggregation.key())) else {
            failures.push(format!("{} {} {}: not computed", r.family.key(), r.code, r.aggregation.key()));
            continue;
        };
        assert_eq!(f.family, r.family.key(), "family of {}", r.code);
        let rounded = round_sig(f.value, 3);
        let ok = (rounded - r.value).abs() <= r.tolerance + 1e-9 * r.value.abs().max(1e-12);
        if ok {
            entry.0 += 1;
        } else {
            failures.push(format!(
                "{} {} ({}, {}) [{}]: ours {} -> {}, reference {}",
                r.family.key(),
                f.name,
                r.feature,
                r.code,
                r.aggregation.key(),
                f.value,
                rounded,
                r.value
            ));
        }
    }
    println!("IBSI digital phantom texture features (passed / reference rows):");
    let mut per_family: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for ((fam, agg), (pass, total)) in &counts {
        println!("  {fam:6} {agg:10} {pass:3} / {total}");
        let e = per_family.entry(fam).or_default();
        e.0 += pass;
        e.1 += total;
    }
    for (fam, (pass, total)) in &per_family {
        println!("  {fam:6} all        {pass:3} / {total}");
    }
    for f in &failures {
        println!("  FAIL {f}");
    }
    assert!(failures.is_empty(), "{} of {} rows failed", failures.len(), rows.len());
}

#[test]
fn compute_single_aggregation_equals_compute_all() {
    let (levels, morph) = phantom::digital_phantom();
    let input = TextureInput { levels: &levels, morph_mask: &morph, n_levels: phantom::PHANTOM_LEVELS };
    let settings = TextureSettings::default();
    for family in TextureFamily::ALL {
        let all = compute_all(&input, family, &settings).unwrap();
        for &agg in radstudy::features::texture::aggregations_for(family) {
            let one = compute(&input, family, agg, &settings).unwrap();
            let expected: Vec<&Feature> = all.iter().filter(|f| f.aggregation == agg.key()).collect();
            assert_eq!(one.len(), expected.len());
            for (a, b) in one.iter().zip(expected) {
                assert_eq!((a.name, a.ibsi_code), (b.name, b.ibsi_code));
                assert!(a.value == b.value || (a.value.is_nan() && b.value.is_nan()));
            }
        }
    }
}

#[test]
fn round_sig_rounds_to_three_digits() {
    assert_eq!(round_sig(0.0098765, 3), 0.00988);
    assert_eq!(round_sig(123456.0, 3), 123000.0);
    assert_eq!(round_sig(-2.345, 3), -2.35);
}
