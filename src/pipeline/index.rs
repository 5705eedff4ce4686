//! The reproduction index (`radstudy run-all`): runs every study manifest of a folder, writes
//! each study's own report, and one table (index.html / index.md / index.csv) comparing the
//! published validation metric with the reproduced one, the generating model's true value and
//! the CI width the design's sample size allows (Hanley & McNeil 1982).
//! It computes no model metric of its own: it reads each study's metric table and truth.json.
//! It must not stop at the first failing study: every study gets a row saying what happened.

use super::outputs::{metric_table, MetricTable};
use super::{RunOptions, StudyError, StudyRun};
use crate::manifest::{self, Manifest, OutcomeKind};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// One row of the index: one study × one validation cohort of its compared model.
#[derive(Debug, Clone)]
pub struct IndexRow {
    pub study: String,
    pub source: String,
    /// "n train / test, centres, sequences, endpoint".
    pub design: String,
    /// "AUC" or "C-index".
    pub metric: String,
    pub model: String,
    pub cohort: String,
    pub published: Option<f64>,
    /// Reproduced value and its 95% CI (DeLong for AUC, bootstrap for C-index).
    pub ours: Option<(f64, (f64, f64))>,
    /// The generating model's realised value on the same patients (synthetic cohorts).
    pub truth: Option<f64>,
    /// Expected width of the 95% CI at the published value and the design's n and prevalence.
    pub expected_width: Option<f64>,
    /// "ok", "skipped: …" (manifest rejected) or "failed: …".
    pub status: String,
}

impl IndexRow {
    pub fn published_in_ci(&self) -> Option<bool> {
        Some(within(self.published?, self.ours?.1))
    }
    pub fn truth_in_ci(&self) -> Option<bool> {
        Some(within(self.truth?, self.ours?.1))
    }
}

fn within(v: f64, ci: (f64, f64)) -> bool {
    v >= ci.0 && v <= ci.1
}

/// Summary of a `run-all`: the rows, how many studies failed, and the seconds each took.
pub struct IndexSummary {
    pub rows: Vec<IndexRow>,
    pub failed: usize,
    pub skipped: usize,
    pub seconds: Vec<(String, f64)>,
}

/// The study manifests (`*.toml`) of a folder, sorted by file name.
pub fn study_files(dir: &Path) -> Result<Vec<PathBuf>, StudyError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        StudyError::bad(format!("studies folder {}: {e}; give the folder holding the study .toml files", dir.display()))
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(StudyError::bad(format!("studies folder {} holds no .toml study files", dir.display())));
    }
    Ok(files)
}

/// `radstudy run-all`: run every study of `dir`, write `<out>/<study>/` and `<out>/index.*`.
pub fn run_all(dir: &Path, out: &Path, opts: &RunOptions) -> Result<IndexSummary, StudyError> {
    let files = study_files(dir)?;
    super::outputs::check_writable(&out.join("index.html"))?;
    let mut summary = IndexSummary { rows: Vec::new(), failed: 0, skipped: 0, seconds: Vec::new() };
    for file in &files {
        let name = file.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
        let start = Instant::now();
        if !opts.quiet {
            eprintln!("running {}", file.display());
        }
        let study = match manifest::load(file) {
            Ok(s) => s,
            Err(e) => {
                summary.skipped += 1;
                summary.rows.push(status_row(&name, file, format!("skipped: manifest rejected ({e})")));
                continue;
            }
        };
        let study_name = study.manifest.study.name.clone();
        let result = super::execute(study, opts)
            .and_then(|run| super::outputs::write_all(&run, &out.join(&study_name)).map(|_| run));
        match result {
            Ok(run) => summary.rows.extend(rows_of(&run)),
            Err(e) => {
                summary.failed += 1;
                summary.rows.push(status_row(&study_name, file, format!("failed: {}", e.message())));
            }
        }
        summary.seconds.push((study_name, start.elapsed().as_secs_f64()));
    }
    write_index(&summary.rows, out)?;
    Ok(summary)
}

fn status_row(name: &str, file: &Path, status: String) -> IndexRow {
    // A rejected manifest may still be valid TOML: take the citation from it when possible.
    let source = std::fs::read_to_string(file)
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .and_then(|t| t.get("published")?.get("source")?.as_str().map(str::to_string))
        .unwrap_or_default();
    IndexRow {
        study: name.to_string(),
        source,
        design: String::new(),
        metric: String::new(),
        model: String::new(),
        cohort: String::new(),
        published: None,
        ours: None,
        truth: None,
        expected_width: None,
        status,
    }
}

/// (cohort, value, 95% CI, n, events) of one metric-table row.
type Estimate = (String, f64, (f64, f64), usize, usize);

/// The index rows of a finished study: its compared model on each validation cohort the
/// published value refers to (every external centre, or internal CV).
pub fn rows_of(run: &StudyRun) -> Vec<IndexRow> {
    let m = &run.study.manifest;
    let survival = m.study.kind == OutcomeKind::Survival;
    let published = m.published.as_ref();
    let model = published.and_then(|p| p.model.clone()).unwrap_or_else(|| m.models[0].name.clone());
    let internal = published.is_some_and(|p| p.compare_with == "internal_cv") || m.validation.external.is_none();
    let value = published.and_then(|p| if survival { p.c_index_test } else { p.auc_test });
    let estimates: Vec<Estimate> = match metric_table(run) {
        MetricTable::Binary(r) => {
            r.into_iter().filter(|r| r.model == model).map(|r| (r.cohort, r.auc, r.auc_ci, r.n, r.events)).collect()
        }
        MetricTable::Survival(r) => {
            r.into_iter().filter(|r| r.model == model).map(|r| (r.cohort, r.harrell_c, r.c_ci, r.n, r.events)).collect()
        }
    };
    let wanted = |c: &str| if internal { c == "internal CV" } else { c.starts_with("external ") };
    let mut rows = Vec::new();
    for (cohort, est, ci, n, events) in estimates.into_iter().filter(|e| wanted(&e.0)) {
        let result = run.results.iter().find(|r| r.model == model);
        let preds = result.and_then(|r| r.cohorts.iter().find(|c| c.cohort == cohort));
        let truth = preds.and_then(|p| true_value(run, &p.rows, survival));
        let (n1, n0) = design_counts(m, internal, n, events);
        let at = value.or(truth).filter(|v| v.is_finite());
        rows.push(IndexRow {
            study: m.study.name.clone(),
            source: published.map(|p| p.source.clone()).unwrap_or_default(),
            design: design_text(m),
            metric: if survival { "C-index" } else { "AUC" }.into(),
            model: model.clone(),
            cohort,
            published: value,
            ours: Some((est, ci)),
            truth,
            expected_width: at.map(|a| 2.0 * 1.959964 * hanley_mcneil_se(a, n1, n0)),
            status: "ok".into(),
        });
    }
    if rows.is_empty() {
        rows.extend(subgroup_rows(run, &model, internal));
    }
    if rows.is_empty() {
        let mut r =
            status_row(&m.study.name, &run.study.path, format!("failed: no validation row for model `{model}`"));
        r.design = design_text(m);
        rows.push(r);
    }
    rows
}

/// Index rows of a clustering model: the odds ratio of the outcome between its subgroups
/// (high- vs low-risk, so OR ≥ 1; Woolf CI) in the cohorts the published value refers to
/// (external centres, else the apparent fit on the training rows, as unsupervised subgroup
/// papers report it). The true value is the OR the generating model implies for the same
/// two groups of patients: odds of the mean true probability, exposed vs reference.
fn subgroup_rows(run: &StudyRun, model: &str, internal: bool) -> Vec<IndexRow> {
    let m = &run.study.manifest;
    let published = m.published.as_ref();
    let Some(result) = run.results.iter().find(|r| r.model == model) else {
        return Vec::new();
    };
    let wanted = |c: &str| if internal { c == "train (apparent)" } else { c.starts_with("external ") };
    result
        .subgroups
        .iter()
        .filter(|s| wanted(&s.cohort) && s.odds_ratio.is_finite())
        .map(|s| {
            let flip = s.odds_ratio < 1.0;
            let orient = |v: f64| if flip { 1.0 / v } else { v };
            let ci = if flip { (1.0 / s.ci95[1], 1.0 / s.ci95[0]) } else { (s.ci95[0], s.ci95[1]) };
            let other = s.comparison.strip_prefix("subgroup ").and_then(|t| t.split(" vs ").next()).unwrap_or("?");
            let (high, low) = if flip { ("1", other) } else { (other, "1") };
            IndexRow {
                study: m.study.name.clone(),
                source: published.map(|p| p.source.clone()).unwrap_or_default(),
                design: design_text(m),
                metric: "OR (subgroups)".into(),
                model: model.to_string(),
                cohort: format!("{}: subgroup {high} vs {low}", s.cohort),
                published: published.and_then(|p| p.odds_ratio),
                ours: Some((orient(s.odds_ratio), ci)),
                truth: true_subgroup_or(run, &s.members).map(orient),
                expected_width: None,
                status: "ok".into(),
            }
        })
        .collect()
}

/// Odds ratio implied by the generating model for two groups of cohort rows
/// ((row, exposed?) pairs): odds(mean true p | exposed) / odds(mean true p | reference).
fn true_subgroup_or(run: &StudyRun, members: &[(usize, bool)]) -> Option<f64> {
    let truth = run.truth.as_ref()?;
    let by_id: std::collections::HashMap<&str, f64> = truth
        .get("patients")?
        .as_array()?
        .iter()
        .filter_map(|p| Some((p.get("patient")?.as_str()?, p.get("probability")?.as_f64()?)))
        .collect();
    let (mut sum, mut n) = ([0.0; 2], [0.0; 2]);
    for &(row, exposed) in members {
        let p = *by_id.get(run.cohort.patients.get(row)?.id.as_str())?;
        sum[usize::from(exposed)] += p;
        n[usize::from(exposed)] += 1.0;
    }
    let odds = |g: usize| {
        let p = sum[g] / n[g];
        p / (1.0 - p)
    };
    let or = odds(1) / odds(0);
    or.is_finite().then_some(or)
}

/// (positives, negatives) of the design: the published n (test, or training for internal CV)
/// times the synthetic prevalence / event rate when both are known, else our cohort's counts.
fn design_counts(m: &Manifest, internal: bool, n: usize, events: usize) -> (f64, f64) {
    let published_n = m.published.as_ref().and_then(|p| if internal { p.train_n } else { p.test_n });
    let rate = m.cohort.synthetic.as_ref().map(|s| match &s.outcome {
        crate::synth::OutcomeSpec::Binary(b) => b.prevalence,
        crate::synth::OutcomeSpec::Survival(o) => o.event_rate,
    });
    match (published_n, rate) {
        (Some(pn), Some(r)) => (pn as f64 * r, pn as f64 * (1.0 - r)),
        _ => (events as f64, (n - events) as f64),
    }
}

/// Hanley & McNeil (1982, Radiology 143:29–36) standard error of an AUC `a` with `n1`
/// positives and `n0` negatives: Q1 = a/(2−a), Q2 = 2a²/(1+a),
/// SE² = [a(1−a) + (n1−1)(Q1−a²) + (n0−1)(Q2−a²)] / (n1·n0). For a C-index we apply it with
/// events and non-events (an approximation). NaN when either count is below 1.
pub fn hanley_mcneil_se(a: f64, n1: f64, n0: f64) -> f64 {
    if n1 < 1.0 || n0 < 1.0 || !(0.0..=1.0).contains(&a) {
        return f64::NAN;
    }
    let q1 = a / (2.0 - a);
    let q2 = 2.0 * a * a / (1.0 + a);
    let var = (a * (1.0 - a) + (n1 - 1.0) * (q1 - a * a) + (n0 - 1.0) * (q2 - a * a)) / (n1 * n0);
    var.max(0.0).sqrt()
}

/// The generating model's AUC (true probabilities) or Harrell C (true linear predictor) on
/// `rows` of the cohort, from truth.json; None for cohorts that are not synthetic.
fn true_value(run: &StudyRun, rows: &[usize], survival: bool) -> Option<f64> {
    let truth = run.truth.as_ref()?;
    let key = if survival { "linear_predictor" } else { "probability" };
    let by_id: std::collections::HashMap<&str, f64> = truth
        .get("patients")?
        .as_array()?
        .iter()
        .filter_map(|p| Some((p.get("patient")?.as_str()?, p.get(key)?.as_f64()?)))
        .collect();
    let mut score = Vec::with_capacity(rows.len());
    let mut label = Vec::with_capacity(rows.len());
    let mut time = Vec::with_capacity(rows.len());
    for &i in rows {
        let p = run.cohort.patients.get(i)?;
        score.push(*by_id.get(p.id.as_str())?);
        label.push(p.outcome);
        time.push(p.time);
    }
    let v = if survival {
        crate::synth::outcome::harrell_c(&time, &label, &score)
    } else {
        crate::synth::outcome::auc(&score, &label)
    };
    v.is_finite().then_some(v)
}

/// "n 85 / 37 · 2 centres · AP+PVP+DP · response (binary)".
fn design_text(m: &Manifest) -> String {
    let (train, test) = match &m.cohort.synthetic {
        Some(s) => {
            let count = |names: &[String]| {
                s.centres.iter().filter(|c| names.contains(&c.name)).map(|c| c.patients).sum::<usize>()
            };
            match &m.validation.external {
                Some(e) => (count(&e.train).to_string(), count(&e.test).to_string()),
                None => (s.n_patients().to_string(), "CV".into()),
            }
        }
        None => ("table".into(), "table".into()),
    };
    let centres = m.cohort.synthetic.as_ref().map(|s| s.centres.len().to_string()).unwrap_or_else(|| "?".into());
    let seqs: Vec<&str> = m.sequences.iter().map(|s| s.name.as_str()).collect();
    let rois: Vec<&str> = m.rois.iter().map(|r| r.name.as_str()).collect();
    let endpoint = match m.study.kind {
        OutcomeKind::Binary => format!("{} (binary)", m.study.outcome),
        OutcomeKind::Survival => format!("{} / {} (survival)", m.study.outcome, m.study.time.as_deref().unwrap_or("?")),
    };
    format!("n {train} / {test} · {centres} centre(s) · {} · ROI {} · {endpoint}", seqs.join("+"), rois.join("+"))
}

fn fmt3(v: Option<f64>) -> String {
    v.filter(|x| x.is_finite()).map(|x| format!("{x:.3}")).unwrap_or_else(|| "–".into())
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "–",
    }
}

const HEADER: [&str; 12] = [
    "study",
    "paper",
    "design (n train / test, centres, sequences, ROI, endpoint)",
    "metric",
    "model",
    "validation cohort",
    "published",
    "reproduced (95% CI)",
    "published in our CI",
    "true value (generating model)",
    "true value in our CI",
    "expected 95% CI width at published n",
];

fn cells(r: &IndexRow) -> Vec<String> {
    let ours = r
        .ours
        .filter(|o| o.0.is_finite())
        .map(|(v, ci)| format!("{v:.3} ({:.3}–{:.3})", ci.0, ci.1))
        .unwrap_or_else(|| if r.status == "ok" { "–".into() } else { r.status.clone() });
    vec![
        r.study.clone(),
        r.source.clone(),
        r.design.clone(),
        r.metric.clone(),
        r.model.clone(),
        r.cohort.clone(),
        fmt3(r.published),
        ours,
        yes_no(r.published_in_ci()).into(),
        fmt3(r.truth),
        yes_no(r.truth_in_ci()).into(),
        fmt3(r.expected_width),
    ]
}

const NOTE: &str = "Reproduced: the study's compared model (`[published] model`, default the first) on the validation cohort the paper reports (external centres, or internal CV); CI: DeLong for AUC, stratified bootstrap for Harrell's C, Woolf for a subgroup odds ratio (OR rows: unsupervised subgroups, high- vs low-risk, apparent on the training rows unless the study has external centres). True value: the synthetic cohort's generating model on the same patients (truth.json) — the best any model could reach; for an OR row, the OR the generating model's true probabilities imply for the same two subgroups. Expected CI width: 2 × 1.96 × SE of Hanley & McNeil (Radiology 1982;143:29–36) at the published value with the published n and the design's prevalence (for a C-index: events vs non-events, an approximation); it is 0 at AUC = 1, where the formula degenerates.";

/// The index as CSV (machine-readable: plain numbers, one column per value).
pub fn index_csv(rows: &[IndexRow]) -> String {
    use super::outputs::{csv_field, num};
    let mut s = String::from("study,source,design,metric,model,cohort,published,reproduced,ci_low,ci_high,published_in_ci,true_value,true_in_ci,expected_ci_width,status\n");
    let opt = |v: Option<f64>| v.map(num).unwrap_or_else(|| "NA".into());
    let flag = |v: Option<bool>| v.map(|b| b.to_string()).unwrap_or_else(|| "NA".into());
    for r in rows {
        let fields = [
            csv_field(&r.study),
            csv_field(&r.source),
            csv_field(&r.design),
            csv_field(&r.metric),
            csv_field(&r.model),
            csv_field(&r.cohort),
            opt(r.published),
            opt(r.ours.map(|o| o.0)),
            opt(r.ours.map(|o| o.1 .0)),
            opt(r.ours.map(|o| o.1 .1)),
            flag(r.published_in_ci()),
            opt(r.truth),
            flag(r.truth_in_ci()),
            opt(r.expected_width),
            csv_field(&r.status),
        ];
        s.push_str(&fields.join(","));
        s.push('\n');
    }
    s
}

/// The index as a Markdown table.
pub fn index_markdown(rows: &[IndexRow]) -> String {
    use crate::report::markdown::escape_markdown;
    let mut s = String::from("# Reproduction index\n\n");
    s.push_str(&format!("| {} |\n", HEADER.join(" | ")));
    s.push_str(&format!("|{}\n", " --- |".repeat(HEADER.len())));
    for r in rows {
        let c: Vec<String> = cells(r).iter().map(|c| escape_markdown(c)).collect();
        s.push_str(&format!("| {} |\n", c.join(" | ")));
    }
    s.push_str(&format!("\n{NOTE}\n"));
    s
}

/// The index as a self-contained HTML page; each study links to its own report.
pub fn index_html(rows: &[IndexRow]) -> String {
    use crate::report::html::escape_html;
    let mut s = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Reproduction index</title>\n<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:4px 8px;font-size:14px;vertical-align:top}th{background:#eee}.no{color:#b00020;font-weight:bold}</style></head><body>\n<h1>Reproduction index</h1>\n<table>\n<tr>",
    );
    for h in HEADER {
        s.push_str(&format!("<th>{}</th>", escape_html(h)));
    }
    s.push_str("</tr>\n");
    for r in rows {
        s.push_str("<tr>");
        for (k, c) in cells(r).iter().enumerate() {
            let text = escape_html(c);
            let cell = match k {
                0 if r.status == "ok" => format!("<a href=\"{0}/report.html\">{0}</a>", text),
                8 | 10 if c == "no" => format!("<span class=\"no\">{text}</span>"),
                _ => text,
            };
            s.push_str(&format!("<td>{cell}</td>"));
        }
        s.push_str("</tr>\n");
    }
    s.push_str(&format!("</table>\n<p>{}</p>\n</body></html>\n", escape_html(NOTE)));
    s
}

fn write_index(rows: &[IndexRow], out: &Path) -> Result<(), StudyError> {
    std::fs::create_dir_all(out)
        .map_err(|e| StudyError::bad(format!("output folder {}: {e}; choose another --out", out.display())))?;
    for (name, text) in
        [("index.csv", index_csv(rows)), ("index.md", index_markdown(rows)), ("index.html", index_html(rows))]
    {
        let path = out.join(name);
        crate::io_util::write_atomic(&path, text.as_bytes())
            .map_err(|e| StudyError::Internal(anyhow::anyhow!("{}: {e}", path.display())))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hanley_mcneil_matches_a_hand_computation() {
        // A = 0.8, 50 + 50 cases: Q1 = 0.8/1.2, Q2 = 1.28/1.8,
        // SE² = (0.16 + 49·(Q1 − 0.64) + 49·(Q2 − 0.64)) / 2500 = 0.00198044 → SE 0.044502.
        let se = hanley_mcneil_se(0.80, 50.0, 50.0);
        assert!((se - 0.044502).abs() < 1e-5, "{se}");
        assert_eq!(hanley_mcneil_se(1.0, 10.0, 10.0), 0.0);
        assert!(hanley_mcneil_se(0.8, 0.0, 10.0).is_nan());
        // Width shrinks with n.
        assert!(hanley_mcneil_se(0.8, 100.0, 100.0) < hanley_mcneil_se(0.8, 20.0, 20.0));
    }
}
