//! IBSI 1 reference values for the morphological family: digital phantom (all rows) and the
//! CT radiomics phantom, configuration A (no resampling; re-segmentation [-500, 400] HU of the
//! intensity mask only). Reference values are read at run time from
//! `ibsi/reference_values/ibsi_1_reference_values.csv`; IBSI's rule: round to 3 significant
//! digits, match when |rounded - reference| <= tolerance.
mod common;
#[path = "common/phantom.rs"]
mod phantom;

use radstudy::features::morphology;
use radstudy::features::Feature;
use radstudy::image::volume::Volume;

struct Reference {
    feature: String,
    code: String,
    value: f64,
    tolerance: f64,
}

fn references(data: &str) -> Vec<Reference> {
    let path = common::reference_dir().join("ibsi/reference_values/ibsi_1_reference_values.csv");
    let mut rdr = csv::Reader::from_path(&path).expect("reference CSV");
    let headers = rdr.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (fam, feat, code, dat, val, tol) =
        (col("family"), col("feature"), col("ibsi_code"), col("data"), col("value"), col("tolerance"));
    let mut out: Vec<Reference> = Vec::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        if rec[fam] != *"Morphological features" || rec[dat] != *data || rec[val].is_empty() {
            continue;
        }
        // The CSV repeats the volume row; keep one per code.
        if out.iter().any(|r| r.code == rec[code]) {
            continue;
        }
        out.push(Reference {
            feature: rec[feat].to_string(),
            code: rec[code].to_string(),
            value: rec[val].parse().unwrap(),
            tolerance: rec[tol].parse().unwrap(),
        });
    }
    out
}

fn round_sig3(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let p = 2 - x.abs().log10().floor() as i32;
    let f = 10f64.powi(p);
    (x * f).round() / f
}

/// Score features against references; returns (matched, failures as text).
fn score(features: &[Feature], refs: &[Reference]) -> (usize, Vec<String>) {
    for f in features {
        println!("value {:<28} {} {:.6}", f.name, f.ibsi_code, f.value);
    }
    let mut ok = 0;
    let mut failures = Vec::new();
    for r in refs {
        let f = features.iter().find(|f| f.ibsi_code == r.code).unwrap_or_else(|| panic!("no feature {}", r.code));
        let got = round_sig3(f.value);
        let line =
            format!("{:<45} {} got {:>12.6} ({}) ref {} ± {}", r.feature, r.code, f.value, got, r.value, r.tolerance);
        if (got - r.value).abs() <= r.tolerance + 1e-9 * r.value.abs() {
            ok += 1;
            println!("ok   {line}");
        } else {
            println!("FAIL {line}");
            failures.push(line);
        }
    }
    (ok, failures)
}

#[test]
fn digital_phantom_matches_ibsi() {
    let dir = common::reference_dir().join("ibsi/digital_phantom/nifti");
    let image = phantom::read_nifti_gz(&dir.join("image/phantom.nii.gz"));
    let mask = phantom::read_nifti_gz(&dir.join("mask/mask.nii.gz"));
    let morph: Volume<bool> = mask.with_data(mask.data.mapv(|x| x > 0.5));
    let features = morphology::compute(&morph, &image, &morph.data);
    assert_eq!(features.len(), 29);
    let refs = references("dig_phantom");
    assert_eq!(refs.len(), 25, "morphology rows of the digital phantom");
    let (ok, failures) = score(&features, &refs);
    assert!(failures.is_empty(), "{ok}/{} matched; failures:\n{}", refs.len(), failures.join("\n"));
}
