//! Files of a synthetic cohort: per-patient images and masks (in parallel), cohort.csv,
//! truth.json, and the reuse stamp; the whole cohort is built in a temporary sibling folder
//! and renamed into place. This module must not decide what the images look like.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::anatomy::{equivalent_diameter_mm, Anatomy, LATENT_NAMES};
use super::appearance::{contrast_for, render};
use super::outcome::{self, Model, Outcome};
use super::spec::{OutcomeSpec, SynthSpec};
use super::{
    draw_patient, patient_rng, realised_truth, PatientDraw, SynthError, GENERATOR_VERSION, STREAM_ANATOMY,
    STREAM_OBSERVER, STREAM_SEQUENCE,
};
use crate::image::io::{write_nifti_i16, write_nifti_u8};
use crate::image::Volume;

/// Name of the stamp file inside a cohort folder.
pub const STAMP_FILE: &str = "synth_stamp.txt";

fn werr(path: &Path, e: impl std::fmt::Display) -> SynthError {
    SynthError::Write { path: path.to_path_buf(), message: e.to_string() }
}

/// SHA-256 (hex) of the canonical JSON of everything that determines the output.
pub fn stamp(spec: &SynthSpec, seed: u64, sequences: &[String], outcome: &str) -> String {
    let canon = json!({
        "generator_version": GENERATOR_VERSION,
        "spec": spec,
        "seed": seed,
        "sequences": sequences,
        "outcome": outcome,
    });
    hex::encode(Sha256::digest(canon.to_string().as_bytes()))
}

fn check_request(sequences: &[String], outcome: &str) -> Result<(), SynthError> {
    let ok_name = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if sequences.is_empty() {
        return Err(SynthError::Request("at least one sequence name is needed".into()));
    }
    if sequences.len() > 100 {
        return Err(SynthError::Request(format!("{} sequences requested; at most 100", sequences.len())));
    }
    for (i, s) in sequences.iter().enumerate() {
        if !ok_name(s) {
            return Err(SynthError::Request(format!("sequence name {s:?} may only use letters, digits, _ and -")));
        }
        if sequences[..i].iter().any(|o| o.eq_ignore_ascii_case(s)) {
            return Err(SynthError::Request(format!("sequence {s:?} is listed twice")));
        }
    }
    let reserved = ["patient", "centre", "time", "event", "age", "afp", "albi_grade", "diameter_mm", "nlr", "mask"];
    if !ok_name(outcome) || reserved.contains(&outcome) || outcome.starts_with("image_") || outcome.starts_with("mask_")
    {
        return Err(SynthError::Request(format!(
            "outcome name {outcome:?} must be letters, digits, _ or - and not a reserved column name"
        )));
    }
    Ok(())
}

fn image_rel(id: &str, seq: &str) -> String {
    format!("images/{id}_{seq}.nii.gz")
}

fn mask_rel(id: &str, observer: usize) -> String {
    if observer == 1 {
        format!("masks/{id}_mask.nii.gz")
    } else {
        format!("masks/{id}_mask_{observer}.nii.gz")
    }
}

/// Every file a complete cohort folder holds (relative paths).
fn expected_files(spec: &SynthSpec, sequences: &[String]) -> Vec<String> {
    let mut files = vec!["cohort.csv".to_string(), "truth.json".to_string(), STAMP_FILE.to_string()];
    for i in 0..spec.n_patients() {
        let id = format!("P{:04}", i + 1);
        files.extend(sequences.iter().map(|s| image_rel(&id, s)));
        files.extend((1..=spec.observers).map(|o| mask_rel(&id, o)));
    }
    files
}

fn is_complete(dir: &Path, want: &str, spec: &SynthSpec, sequences: &[String]) -> bool {
    let have = std::fs::read_to_string(dir.join(STAMP_FILE)).unwrap_or_default();
    have.trim() == want && expected_files(spec, sequences).iter().all(|f| dir.join(f).is_file())
}

/// See `super::ensure_cohort`.
pub fn ensure_cohort(
    spec: &SynthSpec,
    seed: u64,
    sequences: &[String],
    outcome_name: &str,
    dir: &Path,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<PathBuf, SynthError> {
    spec.validate()?;
    // Survival cohorts always write their own `time` and `event` columns, so a survival study
    // names `event` as its outcome; only a binary outcome adds a column that must not clash.
    let survival_event = matches!(spec.outcome, OutcomeSpec::Survival(_)) && outcome_name == "event";
    check_request(sequences, if survival_event { "event_indicator" } else { outcome_name })?;
    let want = stamp(spec, seed, sequences, outcome_name);
    if is_complete(dir, &want, spec, sequences) {
        return Ok(dir.join("cohort.csv"));
    }
    if dir.exists() && !dir.join(STAMP_FILE).exists() {
        let non_empty = std::fs::read_dir(dir).map_err(|e| werr(dir, e))?.next().is_some();
        if non_empty {
            return Err(SynthError::NotOurs { path: dir.to_path_buf() });
        }
    }
    let name = dir
        .file_name()
        .ok_or_else(|| werr(dir, "the cohort folder needs a name (e.g. data/synthetic/study)"))?
        .to_string_lossy()
        .into_owned();
    let parent = dir.parent().map(Path::to_path_buf).unwrap_or_default();
    let parent = if parent.as_os_str().is_empty() { PathBuf::from(".") } else { parent };
    std::fs::create_dir_all(&parent).map_err(|e| werr(&parent, e))?;
    remove_stale_temp(&parent, &name);
    let tmp = parent.join(format!(".{name}.partial-{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(|e| werr(&tmp, e))?;
    }
    let built = build_cohort(spec, seed, sequences, outcome_name, &tmp, &want, progress);
    if let Err(e) = built {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if dir.exists() {
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        std::fs::rename(dir, &old).map_err(|e| werr(dir, e))?;
        std::fs::rename(&tmp, dir).map_err(|e| werr(dir, e))?;
        std::fs::remove_dir_all(&old).map_err(|e| werr(&old, e))?;
    } else {
        std::fs::rename(&tmp, dir).map_err(|e| werr(dir, e))?;
    }
    Ok(dir.join("cohort.csv"))
}

/// Remove `.<name>.partial-<pid>` / `.<name>.old-<pid>` folders left by killed runs, i.e.
/// whose process no longer exists (checked through /proc; nothing is removed without it).
fn remove_stale_temp(parent: &Path, name: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let pid = [".partial-", ".old-"]
            .iter()
            .find_map(|tag| file.strip_prefix(&format!(".{name}{tag}")))
            .and_then(|p| p.parse::<u32>().ok());
        if let Some(pid) = pid {
            if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

/// Draw every patient (outcome, clinical data) in patient order; centre by centre.
fn draw_all(spec: &SynthSpec, model: &Model, seed: u64) -> Vec<PatientDraw> {
    let mut out = Vec::with_capacity(spec.n_patients());
    for (c, centre) in spec.centres.iter().enumerate() {
        for _ in 0..centre.patients {
            out.push(draw_patient(model, seed, out.len(), c));
        }
    }
    out
}

/// Second-observer boundary displacement SD (mm): about one in-plane voxel, at most a tenth
/// of the tumour radius so small lesions keep a plausible Dice.
fn observer_sigma_mm(spacing: [f64; 3], diameter_mm: f64) -> f64 {
    (0.5 * (spacing[0] + spacing[1])).min(0.05 * diameter_mm)
}

/// Write one patient's images and masks; returns the mask-measured diameter (mm).
fn write_patient(
    spec: &SynthSpec,
    seed: u64,
    index: usize,
    p: &PatientDraw,
    sequences: &[String],
    root: &Path,
) -> Result<f64, SynthError> {
    let centre = &spec.centres[p.centre];
    let anat = Anatomy::build(
        &p.latent,
        centre.spacing_mm,
        spec.crop_margin_mm,
        &mut patient_rng(seed, index, STREAM_ANATOMY),
    );
    let mut grid = Volume::new(ndarray::Array3::<u8>::zeros((0, 0, 0)), anat.spacing);
    grid.origin = anat.origin;
    for (s, seq) in sequences.iter().enumerate() {
        let mut rng = patient_rng(seed, index, STREAM_SEQUENCE + s as u64);
        let img = render(&anat, &p.latent, &contrast_for(seq), centre, &mut rng);
        let path = root.join(image_rel(&p.id, seq));
        write_nifti_i16(&path, &grid.with_data(img)).map_err(|e| werr(&path, e))?;
    }
    let truth = anat.truth_mask();
    let diameter = equivalent_diameter_mm(&truth, anat.spacing);
    let sigma = observer_sigma_mm(anat.spacing, p.latent.diameter_mm());
    for o in 1..=spec.observers {
        let mask = if o == 1 {
            truth.clone()
        } else {
            anat.observer_mask(sigma, &mut patient_rng(seed, index, STREAM_OBSERVER + o as u64))
        };
        let path = root.join(mask_rel(&p.id, o));
        write_nifti_u8(&path, &grid.with_data(mask)).map_err(|e| werr(&path, e))?;
    }
    Ok(diameter)
}

fn build_cohort(
    spec: &SynthSpec,
    seed: u64,
    sequences: &[String],
    outcome_name: &str,
    root: &Path,
    stamp_hex: &str,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<(), SynthError> {
    for sub in ["images", "masks"] {
        let d = root.join(sub);
        std::fs::create_dir_all(&d).map_err(|e| werr(&d, e))?;
    }
    let model = outcome::solve(&spec.outcome)?;
    let patients = draw_all(spec, &model, seed);
    let total = patients.len();
    let done = AtomicUsize::new(0);
    progress(0, total);
    let diameters: Vec<f64> = patients
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let d = write_patient(spec, seed, i, p, sequences, root)?;
            progress(done.fetch_add(1, Ordering::SeqCst) + 1, total);
            Ok(d)
        })
        .collect::<Result<_, SynthError>>()?;
    let csv_path = root.join("cohort.csv");
    let csv = cohort_csv(spec, &patients, &diameters, sequences, outcome_name).map_err(|e| werr(&csv_path, e))?;
    crate::io_util::write_atomic(&csv_path, &csv).map_err(|e| werr(&csv_path, e))?;
    let truth_path = root.join("truth.json");
    let truth = truth_json(spec, seed, &model, &patients, &diameters, outcome_name);
    let text = serde_json::to_string_pretty(&truth).map_err(|e| werr(&truth_path, e))? + "\n";
    crate::io_util::write_atomic(&truth_path, text.as_bytes()).map_err(|e| werr(&truth_path, e))?;
    let stamp_path = root.join(STAMP_FILE);
    crate::io_util::write_atomic(&stamp_path, format!("{stamp_hex}\n").as_bytes()).map_err(|e| werr(&stamp_path, e))
}

/// cohort.csv: patient, centre, outcome column(s), clinical variables, image_<SEQ>…, mask, mask_2…
fn cohort_csv(
    spec: &SynthSpec,
    patients: &[PatientDraw],
    diameters: &[f64],
    sequences: &[String],
    outcome_name: &str,
) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = vec!["patient".into(), "centre".into()];
    match spec.outcome {
        OutcomeSpec::Binary(_) => header.push(outcome_name.into()),
        OutcomeSpec::Survival(_) => header.extend(["time".into(), "event".into()]),
    }
    header.extend(["age", "afp", "albi_grade", "diameter_mm", "nlr"].map(String::from));
    header.extend(sequences.iter().map(|s| format!("image_{s}")));
    header.push("mask".into());
    header.extend((2..=spec.observers).map(|o| format!("mask_{o}")));
    w.write_record(&header)?;
    for (p, d) in patients.iter().zip(diameters) {
        let mut row = vec![p.id.clone(), spec.centres[p.centre].name.clone()];
        match p.outcome {
            Outcome::Binary { y, .. } => row.push(y.to_string()),
            Outcome::Survival { time, event } => row.extend([format!("{time:.2}"), event.to_string()]),
        }
        let c = &p.clinical;
        row.extend([
            format!("{:.0}", c.age),
            format!("{:.1}", c.afp),
            c.albi_grade.to_string(),
            format!("{d:.1}"),
            format!("{:.2}", c.nlr),
        ]);
        row.extend(sequences.iter().map(|s| image_rel(&p.id, s)));
        row.extend((1..=spec.observers).map(|o| mask_rel(&p.id, o)));
        w.write_record(&row)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

fn truth_json(
    spec: &SynthSpec,
    seed: u64,
    model: &Model,
    patients: &[PatientDraw],
    diameters: &[f64],
    outcome_name: &str,
) -> Value {
    let metric = match spec.outcome {
        OutcomeSpec::Binary(_) => "auc",
        OutcomeSpec::Survival(_) => "c_index",
    };
    let rate = match spec.outcome {
        OutcomeSpec::Binary(_) => "prevalence",
        OutcomeSpec::Survival(_) => "event_rate",
    };
    let (m_all, r_all) = realised_truth(patients);
    let per_centre: Vec<Value> = spec
        .centres
        .iter()
        .enumerate()
        .map(|(c, centre)| {
            let sub: Vec<PatientDraw> = patients.iter().filter(|p| p.centre == c).cloned().collect();
            let (m, r) = realised_truth(&sub);
            json!({"centre": centre.name, "scanner": centre.scanner, "n": sub.len(), metric: m, rate: r})
        })
        .collect();
    let weights: serde_json::Map<String, Value> = outcome::OUTCOME_WEIGHTS
        .iter()
        .zip(outcome::unit_weights())
        .map(|((n, _), w)| (n.to_string(), json!(w)))
        .collect();
    let rows: Vec<Value> = patients
        .iter()
        .zip(diameters)
        .map(|(p, d)| {
            let z: serde_json::Map<String, Value> =
                LATENT_NAMES.iter().zip(p.latent.z).map(|(n, v)| (n.to_string(), json!(v))).collect();
            let prob = match p.outcome {
                Outcome::Binary { probability, .. } => json!(probability),
                Outcome::Survival { .. } => Value::Null,
            };
            json!({
                "patient": p.id, "centre": spec.centres[p.centre].name, "z": z,
                "score": p.score, "linear_predictor": p.linear_predictor, "probability": prob,
                "diameter_mm_generated": p.latent.diameter_mm(), "diameter_mm_mask": d,
                "heterogeneity": p.latent.heterogeneity(), "rim_enhancement": p.latent.rim(),
                "necrosis_fraction": p.latent.necrosis_fraction(), "lobulation": p.latent.lobulation(),
                "washout": p.latent.washout(),
            })
        })
        .collect();
    let target = match &spec.outcome {
        OutcomeSpec::Binary(b) => json!({"auc": b.target_auc, "prevalence": b.prevalence}),
        OutcomeSpec::Survival(s) => {
            json!({"c_index": s.target_c_index, "event_rate": s.event_rate})
        }
    };
    json!({
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "outcome_column": outcome_name,
        "target": target,
        "model": model,
        "score_definition": "u = sum of weights[name] * z[name]; linear_predictor = intercept + scale*u (binary) or ln(baseline_hazard) + scale*u (survival)",
        "weights": weights,
        "realised": {"all": {"n": patients.len(), metric: m_all, rate: r_all}, "per_centre": per_centre},
        "spec": spec,
        "patients": rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_checks_name_the_problem() {
        assert!(check_request(&[], "mvi").is_err());
        let seqs = vec!["T1WI".to_string(), "t1wi".to_string()];
        assert!(check_request(&seqs, "mvi").unwrap_err().to_string().contains("twice"));
        let seqs = vec!["T2 WI".to_string()];
        assert!(check_request(&seqs, "mvi").is_err());
        assert!(check_request(&["AP".to_string()], "mask").is_err());
        assert!(check_request(&["AP".to_string()], "mvi").is_ok());
    }

    #[test]
    fn stamp_changes_with_every_input() {
        let s = SynthSpec::default();
        let q = vec!["AP".to_string()];
        let a = stamp(&s, 1, &q, "mvi");
        assert_eq!(a, stamp(&s, 1, &q, "mvi"));
        assert_ne!(a, stamp(&s, 2, &q, "mvi"));
        assert_ne!(a, stamp(&s, 1, &q, "grade"));
        assert_ne!(a, stamp(&s, 1, &["PVP".to_string()], "mvi"));
        let mut s2 = s.clone();
        s2.crop_margin_mm = 10.0;
        assert_ne!(a, stamp(&s2, 1, &q, "mvi"));
    }
}
