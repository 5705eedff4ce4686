//! The study runner: chains the stages (manifest → cohort → extraction → stability →
//! validation → metrics → report) and writes the outputs atomically. It owns no numerics;
//! each stage lives in its own module. Must not write anything before every stage has
//! succeeded (a failed run leaves a previous report intact).

pub mod cache;
mod design_tables;
mod error;
pub mod index;
mod outputs;
mod progress;
mod report_figures;
mod report_tables;
pub mod shard;
mod study_report;
pub mod warnings;

pub use error::StudyError;

use crate::cohort::{load_cohort, table::TableSpec, Cohort};
use crate::features::cohort::{extract_cohort, ExtractSpec};
use crate::features::table::FeatureTable;
use crate::manifest::{self, Study};
use crate::stability::assess::{assess, IccRow};
use crate::stability::icc::IccForm;
use ndarray::{Array1, Array2};
use sha2::Digest;
use std::path::{Path, PathBuf};

/// Options that do not change results.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    pub quiet: bool,
    /// Where synthetic cohorts are generated (default `data/synthetic`).
    pub data_dir: Option<PathBuf>,
    /// The feature cache folder (default `data/cache`, or `<data_dir>/.cache` with `data_dir`).
    pub cache_dir: Option<PathBuf>,
    /// Neither read nor write the feature cache.
    pub no_cache: bool,
}

impl RunOptions {
    /// The feature cache folder these options name.
    pub fn cache_root(&self) -> PathBuf {
        match (&self.cache_dir, &self.data_dir) {
            (Some(c), _) => c.clone(),
            (None, Some(d)) => d.join(".cache"),
            (None, None) => PathBuf::from("data/cache"),
        }
    }
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
    /// The features came from the feature cache (no extraction ran).
    pub features_cached: bool,
    /// Wall seconds from the start of `execute` to the start of validation (modelling).
    pub seconds_to_modelling: f64,
}

/// Wall-clock seconds of a run's stages (never written to the outputs).
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Cohort, cache lookup or extraction, stability and the design matrix.
    pub to_modelling: f64,
    /// Validation, selection and model fitting.
    pub modelling: f64,
    /// Metrics, figures and the report.
    pub writing: f64,
    /// The features came from the feature cache.
    pub cached: bool,
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
    run_timed(path, out, opts).map(|(out, _)| out)
}

/// `radstudy run` that also reports how long each stage took.
pub fn run_timed(path: &Path, out: Option<&Path>, opts: &RunOptions) -> Result<(PathBuf, Timings), StudyError> {
    let t0 = std::time::Instant::now();
    let study = manifest::load(path)?;
    let out = out.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("reports").join(&study.manifest.study.name));
    outputs::check_writable(&out)?;
    let t_start = t0.elapsed().as_secs_f64();
    let result = execute(study, opts)?;
    let t_exec = t0.elapsed().as_secs_f64();
    outputs::write_all(&result, &out)?;
    for w in &result.warnings {
        eprintln!("warning: {w}");
    }
    let total = t0.elapsed().as_secs_f64();
    let before = t_start + result.seconds_to_modelling;
    Ok((
        out,
        Timings {
            to_modelling: before,
            modelling: t_exec - before,
            writing: total - t_exec,
            cached: result.features_cached,
        },
    ))
}

/// Run every stage in memory.
pub fn execute(study: Study, opts: &RunOptions) -> Result<StudyRun, StudyError> {
    let started = std::time::Instant::now();
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

    // Extraction (or its cached result), or features computed elsewhere (`[features] table`).
    let from_table = m.features.table.is_some();
    let (extracted, features_cached, input_hashes) = if from_table {
        let mut tables =
            crate::features::pyrad_cohort::load_feature_tables(&study, &cohort).map_err(StudyError::bad)?;
        if !m.stability.enabled {
            tables.truncate(1);
        } else if tables.len() < 2 {
            warnings.push("no `features.table_2`: the ICC stability filter was skipped".into());
        }
        let mut hashes = vec![];
        for t in [&m.features.table, &m.features.table_2].into_iter().flatten() {
            let path = study.resolve(t);
            let bytes = std::fs::read(&path).map_err(|e| StudyError::bad(format!("{}: {e}", path.display())))?;
            hashes.push((path.display().to_string(), hex::encode(sha2::Sha256::digest(&bytes))));
        }
        (crate::features::cohort::Extracted { observers: tables, warnings: Vec::new() }, false, hashes)
    } else {
        let plan = ExtractionPlan::new(&study, &cohort, &table)?;
        warnings.extend(plan.warnings.iter().cloned());
        let cache_root = opts.cache_root();
        let cached = if opts.no_cache {
            None
        } else {
            cache::load(&cache_root, &plan.key, &plan.patients(&cohort), plan.observers)
        };
        let features_cached = cached.is_some();
        let extracted = match cached {
            Some(e) => e,
            None => {
                let bar = progress::bar(cohort.patients.len() as u64, "extracting", opts.quiet);
                let e = plan.extract(&study, &cohort, &|| bar.inc(1))?;
                bar.finish_and_clear();
                if !opts.no_cache {
                    if let Err(err) = cache::store(&cache_root, &plan.key, &e) {
                        warnings
                            .push(format!("the feature cache was not written ({err:#}); the next run extracts again"));
                    }
                }
                e
            }
        };
        (
            crate::features::cohort::Extracted { observers: extracted.observers, warnings: extracted.warnings },
            features_cached,
            plan.input_hashes,
        )
    };
    warnings.extend(extracted.warnings.iter().cloned());
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

    check_select_counts(m, kept.len())?;

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
    let seconds_to_modelling = started.elapsed().as_secs_f64();
    let vbar = progress::bar(crate::validate::fit_count(m), "validating", opts.quiet);
    let results = crate::validate::run(m, &design, &|k| vbar.inc(k)).map_err(|e| StudyError::bad(format!("{e:#}")))?;
    vbar.finish_and_clear();
    warnings.extend(warnings::study_warnings(m, &cohort, &features, &results));

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
        features_cached,
        seconds_to_modelling,
    })
}

/// What extraction of a cohort needs, shared by `run`, `shard` and `merge`.
pub(crate) struct ExtractionPlan {
    pub settings: crate::features::extract::IbsiSettings,
    pub sequences: Vec<String>,
    /// Masks read from the cohort table per patient.
    pub table_masks: usize,
    /// Perturbed re-segmentations of the primary mask.
    pub perturbations: Vec<crate::image::perturb::Perturbation>,
    /// Segmentations per patient (table masks + perturbations): one feature table each.
    pub observers: usize,
    /// `[features] convention = "pyradiomics"`: its parameters.
    pub pyradiomics: Option<crate::features::pyrad::PyradParams>,
    /// Warnings about the plan (e.g. the ICC filter is skipped).
    pub warnings: Vec<String>,
    pub input_hashes: Vec<(String, String)>,
    /// The feature cache key.
    pub key: String,
}

impl ExtractionPlan {
    pub fn new(study: &Study, cohort: &Cohort, table: &Path) -> Result<Self, StudyError> {
        let m = &study.manifest;
        let settings = crate::features::settings::from_manifest(m);
        let observers =
            if m.stability.enabled { cohort.patients.iter().map(|p| p.masks.len()).min().unwrap_or(1) } else { 1 };
        let mut warnings = Vec::new();
        let perturbations: Vec<crate::image::perturb::Perturbation> = if m.stability.enabled {
            m.stability.perturbations.iter().map(|p| p.to_perturbation()).collect()
        } else {
            Vec::new()
        };
        if m.stability.enabled && observers < 2 && perturbations.is_empty() {
            warnings.push(
                "only one mask per patient and no [stability] perturbations: the ICC stability filter was skipped"
                    .into(),
            );
        }
        let table_masks = observers.max(1);
        let observers = table_masks + perturbations.len();
        for p in &cohort.patients {
            if let Some(f) = p.images.values().chain(p.masks.iter()).find(|f| !input_exists(f)) {
                return Err(StudyError::bad(format!(
                    "patient `{}`: {}: no such file; fix its path in the cohort table {}",
                    p.id,
                    f.display(),
                    table.display()
                )));
            }
        }
        let mut input_hashes = outputs::hash_inputs(cohort, table).map_err(|e| StudyError::bad(format!("{e:#}")))?;
        let pyradiomics = crate::features::pyrad_cohort::load_params(study).map_err(StudyError::bad)?;
        if let Some(p) = &m.features.pyradiomics_params {
            let path = study.resolve(p);
            let bytes = std::fs::read(&path).map_err(|e| StudyError::bad(format!("{}: {e}", path.display())))?;
            input_hashes.push((path.display().to_string(), hex::encode(sha2::Sha256::digest(&bytes))));
        }
        let key = cache::key(m, observers, &input_hashes);
        let sequences = m.sequences.iter().map(|s| s.name.clone()).collect();
        Ok(ExtractionPlan {
            settings,
            sequences,
            table_masks,
            perturbations,
            observers,
            pyradiomics,
            warnings,
            input_hashes,
            key,
        })
    }

    pub fn patients(&self, cohort: &Cohort) -> Vec<String> {
        cohort.patients.iter().map(|p| p.id.clone()).collect()
    }

    /// Extract `cohort` (the whole cohort or one shard of it).
    pub fn extract(
        &self,
        study: &Study,
        cohort: &Cohort,
        tick: &(dyn Fn() + Sync),
    ) -> Result<cache::Entry, StudyError> {
        let m = &study.manifest;
        let spec = ExtractSpec {
            sequences: &self.sequences,
            rois: &m.rois,
            settings: &self.settings,
            tolerance: crate::image::GeometryTolerance {
                origin_mm: m.cohort.origin_tolerance_mm.unwrap_or(crate::image::GeometryTolerance::default().origin_mm),
                ..Default::default()
            },
            observers: self.table_masks,
            mask_label: m.cohort.mask_label,
            perturbations: &self.perturbations,
            seed: m.study.seed,
            pyradiomics: self.pyradiomics.as_ref(),
        };
        let e = extract_cohort(cohort, &spec, tick).map_err(StudyError::bad)?;
        Ok(cache::Entry { observers: e.observers, warnings: e.warnings })
    }
}

/// Whether a cohort-table path exists: a file, a DICOM series folder, or `file#selector`.
fn input_exists(f: &Path) -> bool {
    let s = f.to_string_lossy();
    let base = Path::new(s.rsplit_once('#').map_or(s.as_ref(), |(a, _)| a));
    base.is_file() || base.is_dir()
}

/// Load a study's manifest and cohort (generating a synthetic cohort when needed).
pub(crate) fn load_study(path: &Path, opts: &RunOptions) -> Result<(Study, Cohort, PathBuf), StudyError> {
    let study = manifest::load(path)?;
    let table = cohort_table(&study, opts)?;
    let cohort = load_table(&study, &table)?;
    Ok((study, cohort, table))
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

/// Selection steps that ask for a fixed number of features need at least that many candidates:
/// asking for more is an error (not silently clamped), so the report never claims a k it did not use.
fn check_select_counts(m: &manifest::Manifest, available: usize) -> Result<(), StudyError> {
    use manifest::SelectStep;
    for (i, step) in m.select.steps.iter().enumerate() {
        let (name, k) = match step {
            SelectStep::KBest { k } => ("k_best", *k),
            SelectStep::Mrmr { k } => ("mrmr", *k),
            SelectStep::Rfe { k, .. } => ("rfe", *k),
            _ => continue,
        };
        if k > available {
            return Err(StudyError::bad(format!(
                "manifest key `select.steps[{i}]` ({name}): k = {k} but only {available} radiomic features passed extraction and the stability filter; set k ≤ {available}"
            )));
        }
    }
    Ok(())
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
