//! The synthetic cohort on disk: determinism (also across thread counts), reuse and
//! regeneration, and the images / masks / tables it writes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use radstudy::image::io::{read_image, read_mask};
use radstudy::image::GeometryTolerance;
use radstudy::synth::{ensure_cohort, CentreSpec, OutcomeSpec, SurvivalOutcome, SynthError, SynthSpec};

fn centre(name: &str, patients: usize, spacing: [f64; 3]) -> CentreSpec {
    CentreSpec {
        name: name.into(),
        patients,
        spacing_mm: spacing,
        intensity_scale: 1.0,
        intensity_offset: 0.0,
        noise_sd: 0.05,
        scanner: Some("test scanner".into()),
    }
}

fn small_spec() -> SynthSpec {
    SynthSpec {
        centres: vec![centre("A", 3, [1.2, 1.2, 3.0]), centre("B", 3, [2.0, 2.0, 5.0])],
        ..SynthSpec::default()
    }
}

fn seqs(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// Every file under `dir` (relative path → bytes), sorted.
fn all_files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn mtimes(dir: &Path) -> BTreeMap<PathBuf, SystemTime> {
    all_files(dir).keys().map(|k| (k.clone(), std::fs::metadata(dir.join(k)).unwrap().modified().unwrap())).collect()
}

fn no_progress(_: usize, _: usize) {}

#[test]
fn same_spec_and_seed_give_identical_files_for_any_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = small_spec();
    let s = seqs(&["T2WI", "AP"]);
    let mut trees = Vec::new();
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let dir = tmp.path().join(format!("t{threads}"));
        let csv = pool.install(|| ensure_cohort(&spec, 11, &s, "mvi", &dir, &no_progress)).unwrap();
        assert_eq!(csv, dir.join("cohort.csv"));
        trees.push(all_files(&dir));
    }
    assert_eq!(trees[0].len(), 3 + 6 * 2 + 6 * 2);
    assert_eq!(trees[0], trees[1]);
    // A different seed changes the images.
    let other = tmp.path().join("seed12");
    ensure_cohort(&spec, 12, &s, "mvi", &other, &no_progress).unwrap();
    assert_ne!(all_files(&other)[Path::new("images/P0001_AP.nii.gz")], trees[0][Path::new("images/P0001_AP.nii.gz")]);
    // Nothing but the cohort folders is left next to them (no temporary folders).
    let names: Vec<String> =
        std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
}

#[test]
fn matching_stamp_reuses_files_and_a_changed_spec_regenerates() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("study");
    let mut spec = small_spec();
    spec.centres.truncate(1);
    let s = seqs(&["HBP"]);
    let calls = std::sync::atomic::AtomicUsize::new(0);
    let count = |done: usize, total: usize| {
        assert!(done <= total);
        calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    };
    ensure_cohort(&spec, 1, &s, "mvi", &dir, &count).unwrap();
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 4); // 0/3, 1/3, 2/3, 3/3
    let before = mtimes(&dir);
    let bytes_before = all_files(&dir);
    std::thread::sleep(std::time::Duration::from_millis(20));
    ensure_cohort(&spec, 1, &s, "mvi", &dir, &count).unwrap();
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 4, "reuse must not regenerate");
    assert_eq!(mtimes(&dir), before);
    spec.centres[0].noise_sd = 0.1;
    ensure_cohort(&spec, 1, &s, "mvi", &dir, &count).unwrap();
    let after = all_files(&dir);
    assert_eq!(after.len(), bytes_before.len());
    assert_ne!(after[Path::new("images/P0001_HBP.nii.gz")], bytes_before[Path::new("images/P0001_HBP.nii.gz")]);
    assert_ne!(after[Path::new("synth_stamp.txt")], bytes_before[Path::new("synth_stamp.txt")]);
    // A deleted image makes the folder incomplete: regenerated; a killed run's leftover
    // temporary folder (its process is gone) is cleaned up.
    std::fs::remove_file(dir.join("images/P0002_HBP.nii.gz")).unwrap();
    let stale = tmp.path().join(".study.partial-999999999");
    std::fs::create_dir_all(stale.join("images")).unwrap();
    ensure_cohort(&spec, 1, &s, "mvi", &dir, &count).unwrap();
    assert!(dir.join("images/P0002_HBP.nii.gz").is_file());
    assert!(!stale.exists());
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}

#[test]
fn a_foreign_folder_is_never_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mine");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), b"precious").unwrap();
    let err = ensure_cohort(&small_spec(), 1, &seqs(&["AP"]), "mvi", &dir, &no_progress).unwrap_err();
    assert!(matches!(err, SynthError::NotOurs { .. }));
    assert!(err.to_string().contains(&dir.display().to_string()));
    assert_eq!(std::fs::read(dir.join("notes.txt")).unwrap(), b"precious");
}

fn mean_in(img: &ndarray::Array3<f32>, mask: &ndarray::Array3<u8>, inside: bool) -> f64 {
    let (mut s, mut n) = (0.0, 0.0);
    for (v, m) in img.iter().zip(mask) {
        if (*m != 0) == inside {
            s += *v as f64;
            n += 1.0;
        }
    }
    s / n
}

#[test]
fn images_masks_and_tables_are_as_designed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("design");
    let spec = SynthSpec {
        centres: vec![centre("A", 4, [1.0, 1.0, 3.0]), centre("B", 4, [1.5, 1.5, 5.0])],
        observers: 3,
        ..SynthSpec::default()
    };
    let s = seqs(&["T1WI", "T2WI", "DWI", "ADC", "AP", "PVP", "DP", "HBP", "FLAIR"]);
    let csv_path = ensure_cohort(&spec, 2024, &s, "mvi", &dir, &no_progress).unwrap();
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).unwrap()).unwrap();
    let mut rdr = csv::Reader::from_path(&csv_path).unwrap();
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    let mut want: Vec<String> = seqs(&["patient", "centre", "mvi", "age", "afp", "albi_grade", "diameter_mm", "nlr"]);
    want.extend(s.iter().map(|q| format!("image_{q}")));
    want.extend(seqs(&["mask", "mask_2", "mask_3"]));
    assert_eq!(header, want);
    let rows: Vec<Vec<String>> = rdr.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
    assert_eq!(rows.len(), 8);
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let mut ratios: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for (n, row) in rows.iter().enumerate() {
        assert_eq!(row[0], format!("P{:04}", n + 1));
        let c = &spec.centres[n / 4];
        assert_eq!(row[1], c.name);
        let mask = read_mask(&dir.join(&row[col("mask")]), None).unwrap();
        // Centre spacing as specified (float32 in the header).
        for a in 0..3 {
            assert!((mask.spacing[a] - c.spacing_mm[a]).abs() < 1e-5, "{:?}", mask.spacing);
        }
        // Voxel count matches the generated equivalent-sphere diameter within 20 %.
        let d = truth["patients"][n]["diameter_mm_generated"].as_f64().unwrap();
        let voxels = mask.data.iter().filter(|&&v| v != 0).count() as f64;
        let expect = std::f64::consts::PI / 6.0 * d.powi(3) / (c.spacing_mm[0] * c.spacing_mm[1] * c.spacing_mm[2]);
        eprintln!("patient {n}: d {d:.1} mm, voxels / sphere {:.3}", voxels / expect);
        assert!((voxels / expect - 1.0).abs() < 0.2, "patient {n}: {voxels} voxels vs {expect}");
        let measured: f64 = row[col("diameter_mm")].parse().unwrap();
        assert!((measured / d - 1.0).abs() < 0.07, "diameter column {measured} vs generated {d}");
        // Further observers: close to observer 1 but not identical.
        for o in ["mask_2", "mask_3"] {
            let m2 = read_mask(&dir.join(&row[col(o)]), None).unwrap();
            assert!(m2.geometry_mismatch(&mask, GeometryTolerance::default()).is_none());
            let inter = mask.data.iter().zip(&m2.data).filter(|(a, b)| **a != 0 && **b != 0).count() as f64;
            let n2 = m2.data.iter().filter(|&&v| v != 0).count() as f64;
            let dice = 2.0 * inter / (voxels + n2);
            eprintln!("patient {n} {o}: Dice {dice:.3}");
            assert!((0.8..1.0).contains(&dice), "patient {n} {o}: Dice {dice}");
        }
        for q in &s {
            let img = read_image(&dir.join(&row[col(&format!("image_{q}"))])).unwrap();
            assert!(img.geometry_mismatch(&mask, GeometryTolerance::default()).is_none(), "{q} not co-registered");
            let ratio = mean_in(&img.data, &mask.data, true) / mean_in(&img.data, &mask.data, false);
            ratios.entry(q.clone()).or_default().push(ratio);
        }
    }
    for (q, r) in &ratios {
        eprintln!("{q}: tumour/liver {:?}", r.iter().map(|x| format!("{x:.2}")).collect::<Vec<_>>());
    }
    // Per patient: T1 and HBP hypo-intense, T2 and DWI hyper-intense tumour.
    for (q, hyper) in [("T1WI", false), ("HBP", false), ("T2WI", true), ("DWI", true)] {
        for r in &ratios[q] {
            assert_eq!(*r > 1.0, hyper, "{q}: tumour/liver {r}");
        }
    }
    // On average: arterial hyper-enhancement, washout (PVP, DP), low ADC, generic > liver.
    let mean = |q: &str| ratios[q].iter().sum::<f64>() / ratios[q].len() as f64;
    for (q, hyper) in [("AP", true), ("PVP", false), ("DP", false), ("ADC", false), ("FLAIR", true)] {
        assert_eq!(mean(q) > 1.0, hyper, "{q}: mean tumour/liver {}", mean(q));
    }
    // truth.json holds the realised AUC of the true probabilities vs the cohort's outcomes.
    let y: Vec<u8> = rows.iter().map(|r| r[col("mvi")].parse().unwrap()).collect();
    let p: Vec<f64> = (0..8).map(|i| truth["patients"][i]["probability"].as_f64().unwrap()).collect();
    let realised = truth["realised"]["all"]["auc"].as_f64();
    let recomputed = radstudy::synth::outcome::auc(&p, &y);
    match realised {
        Some(a) => assert!((a - recomputed).abs() < 1e-12),
        None => assert!(recomputed.is_nan()),
    }
    assert_eq!(truth["target"]["auc"].as_f64(), Some(0.8));
    assert_eq!(truth["realised"]["per_centre"].as_array().unwrap().len(), 2);
}

#[test]
fn survival_cohort_has_time_and_event_columns() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("surv");
    let mut spec = small_spec();
    spec.observers = 1;
    spec.outcome = OutcomeSpec::Survival(SurvivalOutcome::default());
    let csv_path = ensure_cohort(&spec, 3, &seqs(&["T2WI"]), "os", &dir, &no_progress).unwrap();
    let text = std::fs::read_to_string(&csv_path).unwrap();
    let first = text.lines().next().unwrap();
    assert_eq!(first, "patient,centre,time,event,age,afp,albi_grade,diameter_mm,nlr,image_T2WI,mask");
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let t: f64 = f[2].parse().unwrap();
        assert!(t > 0.0 && t <= 60.0);
        assert!(f[3] == "0" || f[3] == "1");
    }
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).unwrap()).unwrap();
    assert_eq!(truth["model"]["kind"], "survival");
    assert!(truth["realised"]["all"]["c_index"].is_number());
}
