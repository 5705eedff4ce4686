//! Writing a finished study: every table, figure and the report go into a fresh temporary
//! folder next to the output folder, which then replaces the old one in one rename. A run that
//! fails before this point writes nothing; a previous good report stays intact.

use super::{study_report, StudyError, StudyRun};
use crate::metrics::comparison::{dca_rows, dca_thresholds, paired_delong_rows, DcaRow, PairedRow};
use crate::metrics::summary::{metric_rows, per_repeat_rows, MetricRow};
use crate::metrics::survival_summary::{km_rows, survival_rows, KmRow, SurvivalRow};

/// The metric table of a study, by outcome kind.
pub enum MetricTable {
    Binary(Vec<MetricRow>),
    Survival(Vec<SurvivalRow>),
}

/// Compute the metric table of a finished run.
pub fn metric_table(run: &StudyRun) -> MetricTable {
    let m = &run.study.manifest;
    if m.study.kind == crate::manifest::OutcomeKind::Survival {
        MetricTable::Survival(survival_rows(&run.results, m.report.bootstrap, m.study.seed))
    } else {
        MetricTable::Binary(metric_rows(&run.results, m.report.bootstrap, m.study.seed))
    }
}
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Fail early (before hours of work) when the output folder cannot be written.
pub fn check_writable(out: &Path) -> Result<(), StudyError> {
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| {
        StudyError::bad(format!("output folder {}: cannot create its parent: {e}; choose another --out", out.display()))
    })?;
    let probe = parent.join(format!(".radstudy-write-test-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(|e| {
        StudyError::bad(format!("output folder {} is not writable ({e}); choose another --out", out.display()))
    })?;
    let _ = std::fs::remove_file(probe);
    recover_stale(out);
    Ok(())
}

/// Tidy what a killed run left next to `out`: `.<name>.tmp-<pid>` folders are removed; a
/// `.<name>.old-<pid>` folder (the previous report, moved aside just before a swap) is put back
/// when `out` is missing, else removed. Only folders of processes that no longer exist
/// (checked through /proc) are touched.
fn recover_stale(out: &Path) {
    let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else { return };
    let parent = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
    let name = name.to_string_lossy();
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    if !Path::new("/proc/self").exists() {
        return;
    }
    let mut stale: Vec<(bool, PathBuf)> = Vec::new();
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        if let Some(pid) = file.strip_prefix(".radstudy-write-test-").and_then(|p| p.parse::<u32>().ok()) {
            if !Path::new(&format!("/proc/{pid}")).exists() {
                let _ = std::fs::remove_file(e.path());
            }
        }
        for (tag, old) in [(".tmp-", false), (".old-", true)] {
            let pid = file.strip_prefix(&format!(".{name}{tag}")).and_then(|p| p.parse::<u32>().ok());
            if let Some(pid) = pid {
                if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
                    stale.push((old, e.path()));
                }
            }
        }
    }
    stale.sort();
    for (old, p) in stale {
        if old && !out.exists() && std::fs::rename(&p, out).is_ok() {
            continue;
        }
        let _ = std::fs::remove_dir_all(&p);
    }
}

/// SHA-256 of the cohort table and every image and mask it names, in cohort order.
pub fn hash_inputs(cohort: &crate::cohort::Cohort, table: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let mut files: Vec<PathBuf> = vec![table.to_path_buf()];
    for p in cohort.patients.iter() {
        for f in p.images.values().chain(p.masks.iter()) {
            // `file#selector` names a file; a folder is a DICOM series: hash every file in it.
            let s = f.to_string_lossy();
            let f = PathBuf::from(s.rsplit_once('#').map_or(s.as_ref(), |(a, _)| a));
            if f.is_dir() {
                let mut inner: Vec<PathBuf> = walk(&f);
                inner.sort();
                files.extend(inner);
            } else {
                files.push(f);
            }
        }
    }
    use rayon::prelude::*;
    files
        .par_iter()
        .map(|f| {
            let bytes = std::fs::read(f).map_err(|e| anyhow::anyhow!("{}: {e}", f.display()))?;
            Ok((f.display().to_string(), hex::encode(Sha256::digest(&bytes))))
        })
        .collect()
}

/// Every file below `dir` (recursively).
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Write every output of `run` into `out` atomically (temp folder + rename).
pub fn write_all(run: &StudyRun, out: &Path) -> Result<(), StudyError> {
    let tmp = sibling(out, "tmp");
    let _ = std::fs::remove_dir_all(&tmp);
    let r = write_into(run, &tmp);
    if let Err(e) = r {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(StudyError::Internal(e));
    }
    let old = sibling(out, "old");
    let _ = std::fs::remove_dir_all(&old);
    if out.exists() {
        std::fs::rename(out, &old).map_err(|e| StudyError::Internal(anyhow::anyhow!("{}: {e}", out.display())))?;
    }
    std::fs::rename(&tmp, out).map_err(|e| StudyError::Internal(anyhow::anyhow!("{}: {e}", out.display())))?;
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

fn sibling(out: &Path, what: &str) -> PathBuf {
    let name = out.file_name().map(|s| s.to_string_lossy().to_string()).unwrap_or_else(|| "report".into());
    out.with_file_name(format!(".{name}.{what}-{}", std::process::id()))
}

fn write_into(run: &StudyRun, dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let m = &run.study.manifest;
    let rows = metric_table(run);
    let csv = match &rows {
        MetricTable::Binary(r) => metrics_csv(r, run),
        MetricTable::Survival(r) => survival_csv(r),
    };
    put(dir, "metrics.csv", csv.as_bytes())?;
    if let MetricTable::Binary(_) = &rows {
        let per_repeat = per_repeat_rows(&run.results, m.report.bootstrap, m.study.seed);
        put(dir, "metrics_per_repeat.csv", metrics_csv(&per_repeat, run).as_bytes())?;
        put(dir, "dca.csv", dca_csv(&dca_rows(&run.results, &dca_thresholds())).as_bytes())?;
        put(dir, "delong_paired.csv", paired_csv(&paired_delong_rows(&run.results)).as_bytes())?;
    } else {
        put(dir, "km.csv", km_csv(&km_rows(&run.results)).as_bytes())?;
    }
    run.features.write_parquet(&dir.join("features.parquet"))?;
    put(dir, "icc.csv", icc_csv(run).as_bytes())?;
    put(dir, "selected_features.csv", selected_csv(run).as_bytes())?;
    put(dir, "predictions.csv", predictions_csv(run).as_bytes())?;
    // validation designs: subgroup odds ratios, tuned hyperparameters, Cox absolute risks
    let ids: Vec<String> = run.cohort.patients.iter().map(|p| p.id.clone()).collect();
    for (name, table) in [
        ("subgroups.csv", super::design_tables::subgroups_csv(&run.results)),
        ("tuning.csv", super::design_tables::tuning_csv(&run.results)),
        ("absolute_risk.csv", super::design_tables::absolute_risk_csv(&run.results, &ids)),
        ("time_auc.csv", super::design_tables::time_auc_csv(&run.results, &m.validation.auc_times)),
    ] {
        if let Some(t) = table {
            put(dir, name, t.as_bytes())?;
        }
    }
    let figures = study_report::figures(run, &rows)?;
    for f in &figures {
        put(dir, &format!("{}.svg", f.name), f.svg.as_bytes())?;
        put(dir, &format!("{}.png", f.name), &f.png)?;
    }
    let doc = study_report::document(run, &rows, &figures);
    for (name, table) in study_report::csv_tables(&doc) {
        put(dir, &format!("tables/{name}.csv"), crate::report::csv_table::table_to_csv(table).as_bytes())?;
    }
    let nomograms = study_report::nomogram_csv(run);
    if !nomograms.is_empty() {
        put(dir, "nomogram.csv", nomograms.as_bytes())?;
    }
    put(dir, "report.html", crate::report::html::render_html(&doc).as_bytes())?;
    put(dir, "report.md", study_report::markdown(&doc).as_bytes())?;
    put(dir, "provenance.json", provenance(run)?.as_bytes())?;
    Ok(())
}

fn put(dir: &Path, name: &str, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(parent) = dir.join(name).parent() {
        std::fs::create_dir_all(parent)?;
    }
    crate::io_util::write_atomic(&dir.join(name), bytes)
        .map_err(|e| anyhow::anyhow!("{}: {e}", dir.join(name).display()))
}

/// Fixed-precision number for tables ("NA" for NaN).
pub fn num(v: f64) -> String {
    if v.is_nan() {
        "NA".into()
    } else {
        format!("{v:.6}")
    }
}

fn metrics_csv(rows: &[MetricRow], run: &StudyRun) -> String {
    let mut s = String::from(
        "model,cohort,n,events,auc,auc_se,auc_ci_low,auc_ci_high,auc_boot_low,auc_boot_high,threshold,threshold_rule,sensitivity,specificity,accuracy,ppv,npv,f1,brier,scaled_brier,calibration_slope,calibration_intercept,calibration_in_the_large,hl_chi2,hl_df,hl_p,hl_grouping\n",
    );
    for r in rows {
        let rule = run.results.iter().find(|m| m.model == r.model).map(|m| m.threshold_rule.as_str()).unwrap_or("");
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            csv_field(&r.model),
            csv_field(&r.cohort),
            r.n,
            r.events,
            num(r.auc),
            num(r.auc_se),
            num(r.auc_ci.0),
            num(r.auc_ci.1),
            num(r.boot_ci.0),
            num(r.boot_ci.1),
            num(r.threshold),
            csv_field(rule),
            num(r.sensitivity),
            num(r.specificity),
            num(r.accuracy),
            num(r.ppv),
            num(r.npv),
            num(r.f1),
            num(r.brier),
            num(r.scaled_brier),
            num(r.cal_slope),
            num(r.cal_intercept),
            num(r.citl),
            num(r.hl_chi2),
            r.hl_df,
            num(r.hl_p),
            csv_field(crate::metrics::summary::HL_GROUPING)
        );
    }
    s
}

fn dca_csv(rows: &[DcaRow]) -> String {
    let mut s = String::from("model,cohort,threshold,net_benefit,net_benefit_treat_all,net_benefit_treat_none\n");
    for r in rows {
        let _ = writeln!(
            s,
            "{},{},{},{},{},{}",
            csv_field(&r.model),
            csv_field(&r.cohort),
            num(r.threshold),
            num(r.net_benefit),
            num(r.treat_all),
            num(r.treat_none)
        );
    }
    s
}

fn paired_csv(rows: &[PairedRow]) -> String {
    let mut s = String::from("cohort,model_1,model_2,n,auc_1,auc_2,auc_difference,z,p_two_sided\n");
    for r in rows {
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{},{},{}",
            csv_field(&r.cohort),
            csv_field(&r.model_1),
            csv_field(&r.model_2),
            r.n,
            num(r.auc_1),
            num(r.auc_2),
            num(r.diff),
            num(r.z),
            num(r.p)
        );
    }
    s
}

fn km_csv(rows: &[KmRow]) -> String {
    let mut s = String::from(
        "model,cohort,group,time,n_at_risk,n_events,n_censored,survival,se_greenwood,ci_loglog_low,ci_loglog_high\n",
    );
    for r in rows {
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{},{},{},{},{}",
            csv_field(&r.model),
            csv_field(&r.cohort),
            r.group,
            num(r.time),
            r.n_at_risk,
            r.n_events,
            r.n_censored,
            num(r.surv),
            num(r.se_greenwood),
            num(r.ci_loglog.0),
            num(r.ci_loglog.1)
        );
    }
    s
}

fn survival_csv(rows: &[SurvivalRow]) -> String {
    let mut s = String::from(
        "model,cohort,n,events,harrell_c,c_boot_low,c_boot_high,uno_c,uno_boot_low,uno_boot_high,tau,risk_cutoff,n_high_risk,hr_high_vs_low,hr_ci_low,hr_ci_high,logrank_chi2,logrank_p\n",
    );
    for r in rows {
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            csv_field(&r.model),
            csv_field(&r.cohort),
            r.n,
            r.events,
            num(r.harrell_c),
            num(r.c_ci.0),
            num(r.c_ci.1),
            num(r.uno_c),
            num(r.uno_ci.0),
            num(r.uno_ci.1),
            num(r.tau),
            num(r.cutoff),
            r.n_high,
            num(r.hr),
            num(r.hr_ci.0),
            num(r.hr_ci.1),
            num(r.logrank_chi2),
            num(r.logrank_p)
        );
    }
    s
}

fn icc_csv(run: &StudyRun) -> String {
    let mut s = String::from("feature,form,icc,ci_low,ci_high,kept\n");
    for r in &run.icc {
        let _ = writeln!(
            s,
            "{},{},{},{},{},{}",
            csv_field(&r.feature),
            run.study.manifest.stability.icc,
            num(r.value),
            num(r.ci_low),
            num(r.ci_high),
            r.kept
        );
    }
    s
}

fn selected_csv(run: &StudyRun) -> String {
    let mut s = String::from("model,feature,coefficient,selection_frequency\n");
    for r in &run.results {
        let _ = writeln!(s, "{},(intercept),{},NA", csv_field(&r.model), num(r.intercept));
        for c in &r.coefficients {
            let _ = writeln!(s, "{},{},{},{}", csv_field(&r.model), csv_field(&c.name), num(c.coef), num(c.frequency));
        }
    }
    s
}

fn predictions_csv(run: &StudyRun) -> String {
    let mut s = String::from("model,cohort,patient,centre,outcome,probability\n");
    for r in &run.results {
        for c in &r.cohorts {
            for (k, &i) in c.rows.iter().enumerate() {
                let p = &run.cohort.patients[i];
                let _ = writeln!(
                    s,
                    "{},{},{},{},{},{}",
                    csv_field(&r.model),
                    csv_field(&c.cohort),
                    csv_field(&p.id),
                    csv_field(&p.centre),
                    p.outcome,
                    num(c.prob[k])
                );
            }
        }
    }
    s
}

/// RFC 4180 quoting where needed.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn provenance(run: &StudyRun) -> anyhow::Result<String> {
    let inputs: Vec<serde_json::Value> =
        run.input_hashes.iter().map(|(f, h)| serde_json::json!({"file": f, "sha256": h})).collect();
    let v = serde_json::json!({
        "radstudy_version": env!("CARGO_PKG_VERSION"),
        "manifest_file": run.study.path.display().to_string(),
        "manifest_sha256": hex::encode(Sha256::digest(run.study.text.as_bytes())),
        "manifest": run.study.text,
        "seed": run.study.manifest.study.seed,
        "settings": serde_json::to_value(&run.study.manifest)?,
        "inputs": inputs,
    });
    Ok(serde_json::to_string_pretty(&v)? + "\n")
}
