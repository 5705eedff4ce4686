//! The study runner: chains the stages (manifest → cohort → extraction → stability →
//! validation → metrics → report) and writes the outputs atomically. It owns no numerics;
//! each stage lives in its own module. Must not write anything before every stage has
//! succeeded (a failed run leaves a previous report intact).

mod design_tables;
mod error;
mod outputs;
mod progress;
mod study_report;

pub use error::StudyError;

use crate::cohort::{load_cohort, table::TableSpec, Cohort};
use crate::features::cohort::{extract_cohort, ExtractSpec};
use crate::features::table::FeatureTable;
use crate::manifest::{self, Study};
use crate::stability::assess::{assess, IccRow};
use crate::stability::icc::IccForm;
use ndarray::{Array1, Array2};
use std::path::{Path, PathBuf};

/// Options that do not change results.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    pub quiet: bool,
    /// Where synthetic cohorts are generated (default `data/synthetic`).
    pub data_dir: Option<PathBuf>,
}

/// Everything a finished study produced, before it is written.
pub struct StudyRun {
    pub study: Study,
    pub cohort: Cohort,
    pub features: FeatureTable,
    pub icc: Vec<IccRow>,
    pub design_columns: Vec<String>,
    pub n_radiomics: usize,
    pub results: Vec<crate::validate::ModelResult>,
    pub warnings: Vec<String>,
    pub truth: Option<serde_json::Value>,
    pub input_hashes: Vec<(String, String)>,
}

/// `radstudy check`: validate the manifest (and a cohort table on disk).
pub fn check(path: &Path) -> Result<String, StudyError> {
    let study = manifest::load(path)?;
    if let Some(t) = &study.manifest.cohort.table {
        let cohort = load_table(&study, &study.resolve(t))?;
        return Ok(format!(
            "{}: manifest and cohort table ({} patients) are valid",
            path.display(),
            cohort.patients.len()
        ));
    }
    Ok(format!("{}: manifest is valid", path.display()))
}

/// `radstudy synth`: generate (or reuse) the synthetic cohort; returns the cohort table path.
pub fn synth_only(path: &Path, opts: &RunOptions) -> Result<PathBuf, StudyError> {
    let study = manifest::load(path)?;
    cohort_table(&study, opts)
}

/// `radstudy ibsi`: the IBSI 1 benchmark table.
pub fn ibsi(reference: Option<&Path>) -> Result<String, StudyError> {
    let dir = reference.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("../shared/reference"));
    let report = crate::features::ibsi_table::score_all(&dir.join("ibsi")).map_err(StudyError::bad)?;
    Ok(report.to_text())
}

/// `radstudy run`: the whole study; returns the output folder.
pub fn run(path: &Path, out: Option<&Path>, opts: &RunOptions) -> Result<PathBuf, StudyError> {
    let study = manifest::load(path)?;
    let out = out.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("reports").join(&study.manifest.study.name));
    outputs::check_writable(&out)?;
    let result = execute(study, opts)?;
    outputs::write_all(&result, &out)?;
    Ok(out)
}

/// Run every stage in memory.
pub fn execute(study: Study, opts: &RunOptions) -> Result<StudyRun, StudyError> {
    let m = &study.manifest;
    let table = cohort_table(&study, opts)?;
    let cohort = load_table(&study, &table)?;
    check_outcome(&cohort, m)?;
    let mut warnings = Vec::new();
    let truth = table
        .parent()
        .map(|d| d.join("truth.json"))
        .filter(|p| m.cohort.synthetic.is_some() && p.is_file())
        .and_then(|p| std::fs::read_to_string(p).ok().and_then(|s| serde_json::from_str(&s).ok()));

    // Extraction.
    let settings = crate::features::settings::from_manifest(m);
    let observers =
        if m.stability.enabled { cohort.patients.iter().map(|p| p.masks.len()).min().unwrap_or(1) } else { 1 };
    if m.stability.enabled && observers < 2 {
        warnings.push("only one mask per patient: the ICC stability filter was skipped".into());
    }
    let seqs: Vec<String> = m.sequences.iter().map(|s| s.name.clone()).collect();
    let spec = ExtractSpec {
        sequences: &seqs,
        rois: &m.rois,
        settings: &settings,
        tolerance: Default::default(),
        observers: observers.max(1),
    };
    let bar = progress::bar(cohort.patients.len() as u64, "extracting", opts.quiet);
    let extracted = extract_cohort(&cohort, &spec, &|| bar.inc(1)).map_err(StudyError::bad)?;
    bar.finish_and_clear();
    warnings.extend(extracted.warnings);
    let features = extracted.observers[0].clone();

    // Stability (no outcome involved).
    let form = IccForm::parse(&m.stability.icc).expect("validated in manifest");
    let icc = if extracted.observers.len() >= 2 {
        assess(&extracted.observers, form, m.stability.threshold, m.stability.filter_on == "lower_ci")
    } else {
        Vec::new()
    };
    let kept: Vec<usize> = (0..features.columns.len())
        .filter(|&j| features.values.column(j).iter().all(|v| v.is_finite()))
        .filter(|&j| icc.is_empty() || icc[j].kept)
        .collect();
    let dropped_nan =
        (0..features.columns.len()).filter(|&j| !features.values.column(j).iter().all(|v| v.is_finite())).count();
    if dropped_nan > 0 {
        warnings.push(format!("{dropped_nan} feature(s) undefined (NaN) for some patient were dropped"));
    }
    if kept.is_empty() {
        return Err(StudyError::bad(format!(
            "no feature passed the stability filter ({} ≥ {}); lower [stability] threshold or check the masks",
            m.stability.icc, m.stability.threshold
        )));
    }

    // Design matrix: stable radiomics columns, then clinical columns.
    let rad = features.select_columns(&kept);
    let clin: Vec<String> = m.cohort_clinical_inputs();
    let n = cohort.patients.len();
    let mut columns = rad.columns.clone();
    columns.extend(clin.iter().cloned());
    let x = Array2::from_shape_fn((n, columns.len()), |(i, j)| {
        if j < rad.columns.len() {
            rad.values[[i, j]]
        } else {
            cohort.patients[i].clinical[&clin[j - rad.columns.len()]]
        }
    });
    let y = Array1::from(cohort.outcomes());
    let time = Array1::from(cohort.times());
    let centres: Vec<String> = cohort.patients.iter().map(|p| p.centre.clone()).collect();
    let patients: Vec<String> = cohort.patients.iter().map(|p| p.id.clone()).collect();
    let extra = crate::validate::read_design_columns(&study, &table, &patients)
        .map_err(|e| StudyError::bad(format!("{e:#}")))?;
    let design = crate::validate::Design {
        x: &x,
        y: &y,
        time: &time,
        columns: &columns,
        n_radiomics: rad.columns.len(),
        centres: &centres,
        patients: &patients,
        extra: &extra,
    };
    let vbar = progress::bar(crate::validate::fit_count(m), "validating", opts.quiet);
    let results = crate::validate::run(m, &design, &|k| vbar.inc(k)).map_err(|e| StudyError::bad(format!("{e:#}")))?;
    vbar.finish_and_clear();

    let input_hashes = outputs::hash_inputs(&cohort, &table).map_err(StudyError::Internal)?;
    Ok(StudyRun {
        study,
        cohort,
        features,
        icc,
        n_radiomics: rad.columns.len(),
        design_columns: columns,
        results,
        warnings,
        truth,
        input_hashes,
    })
}

/// The cohort table: generated (synthetic) or the manifest's own.
fn cohort_table(study: &Study, opts: &RunOptions) -> Result<PathBuf, StudyError> {
    let m = &study.manifest;
    match (&m.cohort.synthetic, &m.cohort.table) {
        (Some(spec), _) => {
            let dir = opts.data_dir.clone().unwrap_or_else(|| PathBuf::from("data/synthetic")).join(&m.study.name);
            let seqs: Vec<String> = m.sequences.iter().map(|s| s.name.clone()).collect();
            let bar = progress::bar(0, "generating cohort", opts.quiet);
            let r = crate::synth::ensure_cohort(spec, m.study.seed, &seqs, &m.study.outcome, &dir, &|done, total| {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            });
            bar.finish_and_clear();
            r.map_err(|e| StudyError::Internal(anyhow::anyhow!("{e}")))
        }
        (None, Some(t)) => Ok(study.resolve(t)),
        (None, None) => Err(StudyError::bad("manifest: [cohort] needs `synthetic` or `table`")),
    }
}

fn load_table(study: &Study, path: &Path) -> Result<Cohort, StudyError> {
    let m = &study.manifest;
    let seqs: Vec<String> = m.sequences.iter().map(|s| s.name.clone()).collect();
    let clinical = m.cohort_clinical_inputs();
    Ok(load_cohort(
        path,
        &TableSpec {
            centre_column: &m.cohort.centre_column,
            outcome: &m.study.outcome,
            time: m.study.time.as_deref(),
            sequences: &seqs,
            clinical: &clinical,
        },
    )?)
}

/// Outcome checks that need the whole cohort: both classes present in the training data and
/// in every external cohort; centres named in the manifest exist.
fn check_outcome(c: &Cohort, m: &manifest::Manifest) -> Result<(), StudyError> {
    let centres = c.centres();
    let file = c.source.display();
    if let Some(e) = &m.validation.external {
        for name in e.train.iter().chain(e.test.iter()) {
            if !centres.contains(name) {
                return Err(StudyError::bad(format!(
                    "manifest key `validation.external`: centre `{name}` has no patients in {file} (centres present: {})",
                    centres.join(", ")
                )));
            }
        }
    }
    let (train, tests) =
        crate::validate::training_rows(m, &c.patients.iter().map(|p| p.centre.clone()).collect::<Vec<_>>());
    let events = |rows: &[usize]| rows.iter().filter(|&&i| c.patients[i].outcome == 1).count();
    let ev = events(&train);
    if ev == 0 || ev == train.len() {
        return Err(StudyError::bad(format!(
            "cohort table {file}: outcome `{}` has only one class among the training patients; a binary model needs both",
            m.study.outcome
        )));
    }
    if let Some(int) = &m.validation.internal {
        let minority = ev.min(train.len() - ev);
        if minority < int.folds {
            return Err(StudyError::bad(format!(
                "manifest key `validation.internal.folds`: {} folds but only {minority} training patients in the smaller outcome class; some folds would have no events — use at most {minority} folds",
                int.folds
            )));
        }
    }
    for (name, rows) in &tests {
        let e = events(rows);
        if e == 0 || e == rows.len() {
            return Err(StudyError::bad(format!(
                "cohort table {file}: external centre `{name}` has only one outcome class ({e} events in {} patients); AUC is undefined — choose another test centre",
                rows.len()
            )));
        }
    }
    Ok(())
}
