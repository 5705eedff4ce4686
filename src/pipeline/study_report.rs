//! The study report: figures (ROC, calibration, ICC histograms, coefficients) and the report
//! document in the order a paper has — design, preprocessing and features, stability,
//! selection, models, results, published vs reproduced, provenance. Only arranges numbers
//! computed elsewhere; must not compute a metric that `metrics` does not provide.

use super::outputs::{num, MetricTable};
use super::report_figures;
use super::report_tables;
use super::StudyRun;
use crate::metrics::binary::roc_curve;
use crate::metrics::summary::{to_bool, MetricRow};
use crate::metrics::survival::kaplan_meier;
use crate::metrics::survival_summary::SurvivalRow;
use crate::report::doc::{Block, FigureBlock, ReportDoc, Section, Table};
use crate::report::plots::KmSeries;
use crate::report::plots::{self, CalibrationBin, CalibrationSeries, RocSeries};

/// A figure with its file stem and caption.
pub struct NamedFigure {
    pub name: String,
    pub title: String,
    pub caption: String,
    pub svg: String,
    pub png: Vec<u8>,
}

/// The cohorts shown in figures: internal CV and every external cohort.
fn shown(cohort: &str) -> bool {
    cohort != "train (apparent)"
}

/// Every figure of the report.
pub fn figures(run: &StudyRun, table: &MetricTable) -> anyhow::Result<Vec<NamedFigure>> {
    let mut out = match table {
        MetricTable::Binary(rows) => binary_figures(run, rows)?,
        MetricTable::Survival(rows) => survival_figures(run, rows)?,
    };
    out.extend(common_figures(run)?);
    let survival = matches!(table, MetricTable::Survival(_));
    if !survival {
        out.extend(report_figures::roc_per_cohort(run)?);
        out.extend(report_figures::decision_curves(run)?);
    } else {
        out.extend(report_figures::time_auc(run)?);
    }
    out.extend(report_figures::forest(run, &validation_estimates(table), survival)?);
    out.extend(report_figures::nomograms(run)?);
    Ok(out)
}

pub use report_figures::nomogram_csv;

/// Every table of the report with a file stem (`<section>_<k>_<title>`), for tables/*.csv.
pub fn csv_tables(doc: &ReportDoc) -> Vec<(String, &Table)> {
    let mut out = Vec::new();
    for s in &doc.sections {
        let tables = s.blocks.iter().filter_map(|b| if let Block::Table(t) = b { Some(t) } else { None });
        for (k, t) in tables.enumerate() {
            let mut stem = format!("{}_{}_{}", report_figures::slug(&s.id), k + 1, report_figures::slug(&t.title));
            stem.truncate(80);
            out.push((stem.trim_end_matches('_').to_string(), t));
        }
    }
    out
}

/// Kaplan–Meier curves of the high- and low-risk groups per cohort (training cut-off).
fn survival_figures(run: &StudyRun, rows: &[SurvivalRow]) -> anyhow::Result<Vec<NamedFigure>> {
    let mut out = Vec::new();
    for r in &run.results {
        for c in r.cohorts.iter().filter(|c| shown(&c.cohort)) {
            let mut groups = Vec::new();
            let tmax = c.time.iter().copied().fold(0.0f64, f64::max);
            let ticks: Vec<f64> = (0..=5).map(|k| (tmax * k as f64 / 5.0).round()).collect();
            for (label, high) in [("low risk", false), ("high risk", true)] {
                let idx: Vec<usize> = (0..c.prob.len()).filter(|&i| (c.prob[i] > r.threshold) == high).collect();
                if idx.is_empty() {
                    continue;
                }
                let t: Vec<f64> = idx.iter().map(|&i| c.time[i]).collect();
                let e: Vec<bool> = idx.iter().map(|&i| c.y[i] == 1.0).collect();
                let Ok(km) = kaplan_meier(&t, &e) else { continue };
                let mut time = vec![0.0];
                let mut surv = vec![1.0];
                let (mut lo, mut hi) = (vec![1.0], vec![1.0]);
                for st in &km.steps {
                    let pnt = km.point_at(st.time);
                    time.push(st.time);
                    surv.push(st.surv);
                    lo.push(pnt.ci_loglog[0]);
                    hi.push(pnt.ci_loglog[1]);
                }
                let censor_times = t.iter().zip(&e).filter(|(_, &ev)| !ev).map(|(&x, _)| x).collect();
                let at_risk = ticks.iter().map(|&tk| t.iter().filter(|&&x| x >= tk).count()).collect();
                groups.push(KmSeries {
                    label: format!("{label} (n = {})", idx.len()),
                    time,
                    survival: surv,
                    band: Some((lo, hi)),
                    censor_times,
                    at_risk,
                });
            }
            if groups.is_empty() {
                continue;
            }
            let row = rows.iter().find(|x| x.model == r.model && x.cohort == c.cohort);
            let title = match row {
                Some(x) => format!(
                    "{} · {} — HR {:.2} ({:.2}–{:.2}), log-rank p = {:.3}",
                    r.model, c.cohort, x.hr, x.hr_ci.0, x.hr_ci.1, x.logrank_p
                ),
                None => format!("{} · {}", r.model, c.cohort),
            };
            let f = plots::kaplan_meier(&groups, &ticks, "time", "survival probability", &title)?;
            let name = format!("km_{}_{}", r.model, c.cohort.replace([' ', '(', ')'], "_"));
            out.push(named(&name, &format!("Kaplan–Meier: {} · {}", r.model, c.cohort), "Survival of the high- and low-risk groups split at the training cut-off, with 95% log-log CIs and numbers at risk.", f));
        }
    }
    Ok(out)
}

fn binary_figures(run: &StudyRun, rows: &[MetricRow]) -> anyhow::Result<Vec<NamedFigure>> {
    let mut out = Vec::new();
    let mut roc_series = Vec::new();
    let mut cal_series = Vec::new();
    for r in &run.results {
        for c in r.cohorts.iter().filter(|c| shown(&c.cohort)) {
            let y = to_bool(&c.y);
            let row = rows.iter().find(|m| m.model == r.model && m.cohort == c.cohort);
            let label = match row {
                Some(m) => {
                    format!("{} · {} (AUC {:.3}, {:.3}–{:.3})", r.model, c.cohort, m.auc, m.auc_ci.0, m.auc_ci.1)
                }
                None => format!("{} · {}", r.model, c.cohort),
            };
            if let Ok(roc) = roc_curve(&y, &c.prob) {
                roc_series.push(RocSeries { label: label.clone(), fpr: roc.fpr, tpr: roc.tpr, band: None });
            }
            cal_series.push(CalibrationSeries {
                label: format!("{} · {}", r.model, c.cohort),
                bins: calibration_bins(&c.prob, &c.y, 5),
                smooth: report_figures::calibration_smooth(&c.prob, &c.y),
                predictions: c.prob.clone(),
            });
        }
    }
    let title = &run.study.manifest.study.title;
    if !roc_series.is_empty() {
        let f = plots::roc(&roc_series, title)?;
        out.push(named(
            "roc",
            "ROC curves",
            "Receiver operating characteristic per model and cohort; AUC with DeLong 95% CI in the legend.",
            f,
        ));
    }
    if !cal_series.is_empty() {
        let f = plots::calibration(&cal_series, title)?;
        out.push(named(
            "calibration",
            "Calibration",
            "Observed event rate against mean predicted probability in quintiles of prediction (95% Wilson CI); smooth line: LOWESS of the outcome on the prediction (f = 2/3, no robustness iterations, as rms::val.prob); the distribution of predictions below.",
            f,
        ));
    }
    Ok(out)
}

/// Figures every study has: ICC histograms per feature family and model coefficients.
fn common_figures(run: &StudyRun) -> anyhow::Result<Vec<NamedFigure>> {
    let mut out = report_figures::icc_by_family(run)?;
    for r in &run.results {
        if r.coefficients.is_empty() {
            continue;
        }
        let names: Vec<String> = r.coefficients.iter().map(|c| c.name.clone()).collect();
        let vals: Vec<f64> = r.coefficients.iter().map(|c| c.coef).collect();
        let f = plots::coefficients(&names, &vals, "coefficient (per SD)", &format!("{} — final model", r.model))?;
        out.push(named(
            &format!("coefficients_{}", r.model),
            &format!("Coefficients of {}", r.model),
            "Logistic coefficients of the final model (fitted on all training patients), on the standardised scale.",
            f,
        ));
    }
    Ok(out)
}

pub(super) fn named(name: &str, title: &str, caption: &str, f: plots::Figure) -> NamedFigure {
    NamedFigure { name: name.into(), title: title.into(), caption: caption.into(), svg: f.svg, png: f.png }
}

/// Equal-size groups of predictions (sorted), observed rate with a 95% Wilson interval.
fn calibration_bins(p: &[f64], y: &[f64], groups: usize) -> Vec<CalibrationBin> {
    let mut idx: Vec<usize> = (0..p.len()).collect();
    idx.sort_by(|&a, &b| p[a].total_cmp(&p[b]).then(a.cmp(&b)));
    let g = groups.min(p.len()).max(1);
    (0..g)
        .filter_map(|k| {
            let lo = k * p.len() / g;
            let hi = (k + 1) * p.len() / g;
            if hi <= lo {
                return None;
            }
            let n = (hi - lo) as f64;
            let pred = idx[lo..hi].iter().map(|&i| p[i]).sum::<f64>() / n;
            let obs = idx[lo..hi].iter().map(|&i| y[i]).sum::<f64>() / n;
            let z = 1.959964f64;
            let centre = (obs + z * z / (2.0 * n)) / (1.0 + z * z / n);
            let half = z / (1.0 + z * z / n) * (obs * (1.0 - obs) / n + z * z / (4.0 * n * n)).sqrt();
            Some(CalibrationBin { predicted: pred, observed: obs, lo: centre - half, hi: centre + half })
        })
        .collect()
}

/// The report document.
pub fn document(run: &StudyRun, table: &MetricTable, figures: &[NamedFigure]) -> ReportDoc {
    let m = &run.study.manifest;
    let mut warnings = Vec::new();
    if m.cohort.synthetic.is_some() {
        warnings.push(
            "Synthetic cohort: every image, mask and outcome was generated by radstudy; these results demonstrate the pipeline, not a clinical finding.".to_string(),
        );
    }
    warnings.extend(run.warnings.iter().cloned());
    let fig = |name: &str| -> Option<Block> {
        figures.iter().find(|f| f.name == name).map(|f| {
            Block::Figure(FigureBlock {
                title: f.title.clone(),
                caption: f.caption.clone(),
                svg: f.svg.clone(),
                files: vec![format!("{}.svg", f.name), format!("{}.png", f.name)],
            })
        })
    };
    let mut sections = vec![
        design_section(run),
        features_section(run),
        stability_section(run, fig("icc_histogram")),
        selection_section(run, figures),
    ];
    let mut results = match table {
        MetricTable::Binary(rows) => vec![
            Block::Table(metrics_table(rows)),
            Block::Table(calibration_table(rows)),
            Block::Paragraph(threshold_note(run)),
        ],
        MetricTable::Survival(rows) => {
            let mut b = vec![Block::Table(survival_table(rows))];
            b.extend(report_tables::time_auc_blocks(&run.results, &m.validation.auc_times));
            b.push(Block::Paragraph(threshold_note(run)));
            b
        }
    };
    if let MetricTable::Binary(_) = table {
        results.push(Block::Table(paired_table(run)));
    }
    let survival = matches!(table, MetricTable::Survival(_));
    results.extend(report_tables::tuning_table(&run.results, survival).map(Block::Table));
    results.extend(report_tables::subgroups_table(&run.results).map(Block::Table));
    let per_cohort = figures.iter().filter(|f| f.name.starts_with("roc_")).count();
    if per_cohort == 0 {
        results.extend(fig("roc"));
    }
    let prefixed =
        |p: &str| figures.iter().filter(|f| f.name.starts_with(p)).map(|f| f.name.clone()).collect::<Vec<_>>();
    for name in prefixed("roc_") {
        results.extend(fig(&name));
    }
    results.extend(fig("calibration"));
    for name in prefixed("dca_").into_iter().chain(prefixed("km_")) {
        results.extend(fig(&name));
    }
    results.extend(fig("time_auc"));
    results.extend(fig("forest"));
    for name in prefixed("nomogram_") {
        results.extend(fig(&name));
    }
    sections.push(Section { id: "results".into(), title: "Results".into(), blocks: results });
    sections.push(published_section(run, table));
    sections.push(checklist_section(run));
    sections.push(provenance_section(run));
    ReportDoc {
        title: m.study.title.clone(),
        subtitle: format!("radstudy {} · study `{}` · seed {}", env!("CARGO_PKG_VERSION"), m.study.name, m.study.seed),
        warnings,
        sections,
    }
}

fn design_section(run: &StudyRun) -> Section {
    let m = &run.study.manifest;
    let (train, tests) =
        crate::validate::training_rows(m, &run.cohort.patients.iter().map(|p| p.centre.clone()).collect::<Vec<_>>());
    let mut rows = Vec::new();
    for c in run.cohort.centres() {
        let pts: Vec<_> = run.cohort.patients.iter().filter(|p| p.centre == c).collect();
        let events = pts.iter().filter(|p| p.outcome == 1).count();
        let role = if tests.iter().any(|(n, _)| n == &c) {
            "external validation"
        } else if train.iter().any(|&i| run.cohort.patients[i].centre == c) {
            "training + internal CV"
        } else {
            "not used"
        };
        rows.push(vec![c.clone(), pts.len().to_string(), events.to_string(), role.to_string()]);
    }
    let mut blocks = vec![Block::KeyValue(vec![
        ("Outcome".into(), format!("`{}` (binary)", m.study.outcome)),
        ("Cohort".into(), run.cohort.source.display().to_string()),
        ("Patients".into(), run.cohort.patients.len().to_string()),
        ("Sequences".into(), m.sequences.iter().map(|s| s.name.clone()).collect::<Vec<_>>().join(", ")),
        (
            "ROIs".into(),
            m.rois
                .iter()
                .map(|r| match r.ring_mm {
                    Some([a, b]) => format!("{} (ring {a}–{b} mm outside the tumour)", r.name),
                    None => format!("{} (tumour)", r.name),
                })
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ("Validation".into(), validation_text(m)),
    ])];
    blocks.push(Block::Table(Table {
        title: "Centres".into(),
        header: vec!["centre".into(), "patients".into(), "events".into(), "role".into()],
        rows,
        note: None,
    }));
    Section { id: "design".into(), title: "Design".into(), blocks }
}

fn validation_text(m: &crate::manifest::Manifest) -> String {
    let mut parts = Vec::new();
    if let Some(i) = &m.validation.internal {
        parts.push(format!(
            "{}× repeated stratified {}-fold cross-validation on the training centres",
            i.repeats, i.folds
        ));
    }
    if let Some(e) = &m.validation.external {
        parts.push(format!(
            "final model fitted on {} and tested once on each of {}",
            e.train.join(", "),
            e.test.join(", ")
        ));
    }
    parts.join("; ") + ". Scaling, selection, λ tuning and the model are fitted inside each training split only."
}

fn features_section(run: &StudyRun) -> Section {
    let m = &run.study.manifest;
    let p = &m.preprocess;
    let disc = match (p.discretise.bin_count, p.discretise.bin_width) {
        (_, Some(w)) => format!("fixed bin size {w}"),
        (Some(n), None) => format!("fixed bin number {n}"),
        _ => "fixed bin number 32".into(),
    };
    let kv = vec![
        ("Software".into(), format!("radstudy {} (IBSI 1 definitions)", env!("CARGO_PKG_VERSION"))),
        (
            "Interpolation".into(),
            match p.resample_mm {
                Some(r) => format!(
                    "resampled to {}×{}×{} mm ({:?}), ROI partial-volume threshold 0.5",
                    r[0], r[1], r[2], p.interpolation
                ),
                None => "none (native voxel spacing)".into(),
            },
        ),
        ("Intensity normalisation".into(), format!("{:?} over the ROI", p.normalise)),
        (
            "Re-segmentation".into(),
            match (p.resegment_range, p.outlier_sd) {
                (None, None) => "none".into(),
                (r, o) => format!("range {r:?}, outlier filter {o:?} SD"),
            },
        ),
        ("Discretisation".into(), disc),
        ("Families".into(), m.features.families.join(", ")),
        (
            "Texture aggregation".into(),
            "3D, merged (GLCM, GLRLM); 3D (zone, neighbourhood families); distance 1".into(),
        ),
        ("Features per patient".into(), run.features.columns.len().to_string()),
    ];
    Section { id: "features".into(), title: "Preprocessing and features".into(), blocks: vec![Block::KeyValue(kv)] }
}

fn stability_section(run: &StudyRun, hist: Option<Block>) -> Section {
    let s = &run.study.manifest.stability;
    let kept = run.icc.iter().filter(|r| r.kept).count();
    let mut blocks = vec![Block::Paragraph(if run.icc.is_empty() {
        "No second segmentation was available, so no stability filter was applied.".to_string()
    } else {
        format!(
            "{} between the observers' masks, computed once on all patients (it uses no outcome, so it cannot leak it). Features with {} ≥ {} were kept: {kept} of {}.",
            s.icc,
            if s.filter_on == "lower_ci" { "lower 95% CI bound" } else { "ICC" },
            s.threshold,
            run.icc.len()
        )
    })];
    blocks.extend(hist);
    Section { id: "stability".into(), title: "Stability".into(), blocks }
}

fn selection_section(run: &StudyRun, figures: &[NamedFigure]) -> Section {
    let mut blocks = Vec::new();
    for r in &run.results {
        let funnel = Table {
            title: format!("{} — features left after each step (final fit on all training patients)", r.model),
            header: vec!["step".into(), "features".into()],
            rows: r.trace.iter().map(|t| vec![t.step.clone(), t.remaining.to_string()]).collect(),
            note: None,
        };
        let mut coef_rows = vec![vec!["(intercept)".into(), num(r.intercept), "".into()]];
        coef_rows.extend(
            r.coefficients.iter().map(|c| vec![c.name.clone(), num(c.coef), format!("{:.0}%", 100.0 * c.frequency)]),
        );
        blocks.push(Block::Table(funnel));
        blocks.push(Block::Table(Table {
            title: format!("{} — final model", r.model),
            header: vec!["feature".into(), "coefficient (per SD)".into(), "selected in CV splits".into()],
            rows: coef_rows,
            note: Some(format!("Selection frequency over {} internal-CV training splits.", r.n_splits)),
        }));
        if let Some(f) = figures.iter().find(|f| f.name == format!("coefficients_{}", r.model)) {
            blocks.push(Block::Figure(FigureBlock {
                title: f.title.clone(),
                caption: f.caption.clone(),
                svg: f.svg.clone(),
                files: vec![format!("{}.svg", f.name), format!("{}.png", f.name)],
            }));
        }
    }
    Section { id: "selection".into(), title: "Selection and models".into(), blocks }
}

fn f3(v: f64) -> String {
    if v.is_nan() {
        "NA".to_string()
    } else {
        format!("{v:.3}")
    }
}

fn headers(h: &[&str]) -> Vec<String> {
    h.iter().map(|s| s.to_string()).collect()
}

/// Discrimination: AUC with DeLong and bootstrap CIs, and the per-repeat spread.
fn metrics_table(rows: &[MetricRow]) -> Table {
    Table {
        title: "Discrimination".into(),
        header: headers(&["model", "cohort", "n", "events", "AUC (95% CI, DeLong)", "bootstrap 95% CI", "per repeat mean [min–max]"]),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.model.clone(),
                    r.cohort.clone(),
                    r.n.to_string(),
                    r.events.to_string(),
                    format!("{} ({}–{})", f3(r.auc), f3(r.auc_ci.0), f3(r.auc_ci.1)),
                    format!("{}–{}", f3(r.boot_ci.0), f3(r.boot_ci.1)),
                    r.repeat_auc.map(|(m, lo, hi)| format!("{} [{}–{}]", f3(m), f3(lo), f3(hi))).unwrap_or_else(|| "–".into()),
                ]
            })
            .collect(),
        note: Some("Internal CV: each patient's out-of-fold probability averaged over repeats; every metric of each repeat is in metrics_per_repeat.csv. Bootstrap: stratified percentile CI.".into()),
    }
}

/// Threshold metrics, Brier and calibration.
fn calibration_table(rows: &[MetricRow]) -> Table {
    Table {
        title: "Classification at the training threshold, and calibration".into(),
        header: headers(&["model", "cohort", "sens", "spec", "acc", "PPV", "NPV", "F1", "Brier (scaled)", "cal. slope", "cal. intercept", "CITL", "HL χ² (p)"]),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.model.clone(),
                    r.cohort.clone(),
                    f3(r.sensitivity),
                    f3(r.specificity),
                    f3(r.accuracy),
                    f3(r.ppv),
                    f3(r.npv),
                    f3(r.f1),
                    format!("{} ({})", f3(r.brier), f3(r.scaled_brier)),
                    f3(r.cal_slope),
                    f3(r.cal_intercept),
                    f3(r.citl),
                    format!("{:.2} ({})", r.hl_chi2, f3(r.hl_p)),
                ]
            })
            .collect(),
        note: Some(format!("Calibration intercept with the slope fitted jointly; CITL (calibration-in-the-large) with the slope fixed at 1. Hosmer–Lemeshow g = {}: {}.", crate::metrics::summary::HL_GROUPS, crate::metrics::summary::HL_GROUPING)),
    }
}

fn survival_table(rows: &[SurvivalRow]) -> Table {
    let f3 = |v: f64| if v.is_nan() { "NA".to_string() } else { format!("{v:.3}") };
    Table {
        title: "Discrimination and risk groups".into(),
        header: ["model", "cohort", "n", "events", "Harrell C (95% bootstrap CI)", "Uno C (95% bootstrap CI; τ)", "HR high vs low (95% CI)", "log-rank p"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        rows: rows
            .iter()
            .map(|r| {
                let c = match r.repeat_c {
                    Some((m, lo, hi)) => format!("{} ({}–{}); per repeat {} [{}–{}]", f3(r.harrell_c), f3(r.c_ci.0), f3(r.c_ci.1), f3(m), f3(lo), f3(hi)),
                    None => format!("{} ({}–{})", f3(r.harrell_c), f3(r.c_ci.0), f3(r.c_ci.1)),
                };
                vec![
                    r.model.clone(),
                    r.cohort.clone(),
                    r.n.to_string(),
                    r.events.to_string(),
                    c,
                    format!("{} ({}–{}; τ = {})", f3(r.uno_c), f3(r.uno_ci.0), f3(r.uno_ci.1), f3(r.tau)),
                    format!("{} ({}–{})", f3(r.hr), f3(r.hr_ci.0), f3(r.hr_ci.1)),
                    f3(r.logrank_p),
                ]
            })
            .collect(),
        note: Some("Risk groups split at the median training risk score; HR from a Cox model of the group indicator (Efron ties).".into()),
    }
}

fn threshold_note(run: &StudyRun) -> String {
    run.results
        .iter()
        .map(|r| format!("{}: threshold {:.3} — {}.", r.model, r.threshold, r.threshold_rule))
        .collect::<Vec<_>>()
        .join(" ")
}

/// (model, cohort, metric, CI) of every validation row.
fn validation_estimates(table: &MetricTable) -> Vec<(String, String, f64, (f64, f64))> {
    match table {
        MetricTable::Binary(rows) => {
            rows.iter().map(|r| (r.model.clone(), r.cohort.clone(), r.auc, r.auc_ci)).collect()
        }
        MetricTable::Survival(rows) => {
            rows.iter().map(|r| (r.model.clone(), r.cohort.clone(), r.harrell_c, r.c_ci)).collect()
        }
    }
}

fn published_section(run: &StudyRun, table: &MetricTable) -> Section {
    let m = &run.study.manifest;
    let survival = matches!(table, MetricTable::Survival(_));
    let metric = if survival { "C-index" } else { "AUC" };
    let mut blocks = Vec::new();
    let truth_auc = |cohort: &str| -> Option<f64> {
        let t = run.truth.as_ref()?;
        let centre = cohort.strip_prefix("external ")?;
        t.pointer("/realised/per_centre")?
            .as_array()?
            .iter()
            .find(|c| c.get("centre").and_then(|v| v.as_str()) == Some(centre))?
            .get(if survival { "c_index" } else { "auc" })?
            .as_f64()
    };
    let mut table_rows = Vec::new();
    for (model, cohort, est, ci) in validation_estimates(table).into_iter().filter(|r| r.1 != "train (apparent)") {
        let published = m.published.as_ref().and_then(|p| {
            let is_target = (p.compare_with == "external" && cohort.starts_with("external"))
                || (p.compare_with == "internal_cv" && cohort == "internal CV");
            match (is_target, survival) {
                (false, _) => None,
                (true, false) => p.auc_test,
                (true, true) => p.c_index_test,
            }
        });
        let in_ci = |v: f64| if v >= ci.0 && v <= ci.1 { "yes" } else { "no" };
        table_rows.push(vec![
            model,
            cohort.clone(),
            published.map(|v| format!("{v:.3}")).unwrap_or_else(|| "–".into()),
            format!("{est:.3} ({:.3}–{:.3})", ci.0, ci.1),
            published.map(|v| format!("{:+.3}", est - v)).unwrap_or_else(|| "–".into()),
            published.map(in_ci).unwrap_or("–").to_string(),
            truth_auc(&cohort).map(|t| format!("{t:.3} (in CI: {})", in_ci(t))).unwrap_or_else(|| "–".into()),
        ]);
    }
    if let Some(p) = &m.published {
        blocks.push(Block::KeyValue(vec![
            ("Source".into(), p.source.clone()),
            ("Published cohorts".into(), format!("training {} / validation {}", opt(p.train_n), opt(p.test_n))),
            (
                format!("Published validation {metric}"),
                if survival { p.c_index_test } else { p.auc_test }
                    .map(|v| format!("{v:.3}"))
                    .unwrap_or_else(|| "not reported".into()),
            ),
        ]));
    }
    blocks.push(Block::Table(Table {
        title: "Published vs reproduced".into(),
        header: vec![
            "model".into(),
            "cohort".into(),
            format!("published {metric}"),
            format!("our {metric} (95% CI)"),
            "difference".into(),
            "published in our CI".into(),
            format!("generating model's true {metric}"),
        ],
        rows: table_rows,
        note: Some(format!("The true {metric} is that of the synthetic cohort's generating model on the same patients (truth.json): the best any model could reach.")),
    }));
    Section { id: "published".into(), title: "Published vs reproduced".into(), blocks }
}

fn opt(v: Option<u32>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "unknown".into())
}

fn provenance_section(run: &StudyRun) -> Section {
    use sha2::{Digest, Sha256};
    Section {
        id: "provenance".into(),
        title: "Provenance".into(),
        blocks: vec![Block::KeyValue(vec![
            ("radstudy".into(), env!("CARGO_PKG_VERSION").into()),
            ("Manifest".into(), run.study.path.display().to_string()),
            ("Manifest SHA-256".into(), hex::encode(Sha256::digest(run.study.text.as_bytes()))),
            ("Seed".into(), run.study.manifest.study.seed.to_string()),
            ("Input files hashed".into(), format!("{} (see provenance.json)", run.input_hashes.len())),
        ])],
    }
}

/// The report as Markdown, figures linked to their PNG files.
pub fn markdown(doc: &ReportDoc) -> String {
    crate::report::markdown::render_markdown(doc, |f| {
        f.files.iter().find(|p| p.ends_with(".png")).cloned().unwrap_or_default()
    })
}

fn checklist_section(run: &StudyRun) -> Section {
    let m = &run.study.manifest;
    let facts = crate::report::checklist::RunFacts {
        n_patients: run.cohort.patients.len(),
        n_centres: run.cohort.centres().len(),
        observers: run.cohort.patients.iter().map(|p| p.masks.len()).min().unwrap_or(0),
        n_features: run.features.columns.len(),
        synthetic: m.cohort.synthetic.is_some(),
        bootstrap: m.report.bootstrap,
    };
    Section {
        id: "checklist".into(),
        title: "Reporting checklist".into(),
        blocks: vec![Block::Table(crate::report::checklist::checklist_table(m, &facts))],
    }
}

fn paired_table(run: &StudyRun) -> Table {
    let rows = crate::metrics::comparison::paired_delong_rows(&run.results);
    Table {
        title: "Paired DeLong tests between models".into(),
        header: ["cohort", "model 1", "model 2", "n", "AUC 1", "AUC 2", "difference", "z", "p"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.cohort.clone(),
                    r.model_1.clone(),
                    r.model_2.clone(),
                    r.n.to_string(),
                    format!("{:.3}", r.auc_1),
                    format!("{:.3}", r.auc_2),
                    format!("{:+.3}", r.diff),
                    format!("{:.2}", r.z),
                    format!("{:.3}", r.p),
                ]
            })
            .collect(),
        note: Some(if rows.is_empty() {
            "Only one binary model: no paired comparison.".into()
        } else {
            "DeLong et al. (1988) test of two correlated AUCs on the same patients (delong_paired.csv).".into()
        }),
    }
}
