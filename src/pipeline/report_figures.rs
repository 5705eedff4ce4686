//! The report's comparison figures and the nomogram: ROC per cohort with pointwise bootstrap
//! bands, LOWESS calibration smooths, decision curves, the forest plot of AUC / C-index across
//! cohorts and centres, and the nomogram (figure and nomogram.csv) of logistic / Cox models
//! with clinical inputs. Arranges numbers from `metrics`; must not fit a prediction model.

use super::study_report::{named, NamedFigure};
use super::StudyRun;
use crate::metrics::binary::{delong_auc, roc_curve, stratified_bootstrap_indices};
use crate::metrics::comparison::{dca_rows, dca_thresholds};
use crate::metrics::loess::lowess;
use crate::metrics::roc_band::{fpr_grid, roc_band};
use crate::metrics::summary::to_bool;
use crate::report::nomogram_points::{nice_values, NomogramInput, PointsScheme};
use crate::report::plots::{self, ForestRow, NomogramTick, NomogramVar, RocSeries};
use std::fmt::Write as _;

/// LOWESS span of the calibration smooth (R `lowess` default, as in rms::val.prob).
pub const LOWESS_FRAC: f64 = 2.0 / 3.0;

/// File-name-safe form of a cohort label.
pub fn slug(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect()
}

/// Cohort labels shown in figures (internal CV and external), in first-seen order.
fn cohorts(run: &StudyRun) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in &run.results {
        for c in &r.cohorts {
            if c.cohort != "train (apparent)" && !out.contains(&c.cohort) {
                out.push(c.cohort.clone());
            }
        }
    }
    out
}

/// One ROC figure per cohort with every binary model and its 95% pointwise bootstrap band.
pub fn roc_per_cohort(run: &StudyRun) -> anyhow::Result<Vec<NamedFigure>> {
    let n_boot = run.study.manifest.report.bootstrap;
    let grid = fpr_grid(100);
    let mut out = Vec::new();
    for (k, cohort) in cohorts(run).iter().enumerate() {
        let mut series = Vec::new();
        for (mi, r) in run.results.iter().enumerate().filter(|(_, r)| !r.survival) {
            let Some(c) = r.cohorts.iter().find(|c| &c.cohort == cohort) else { continue };
            let y = to_bool(&c.y);
            let Ok(roc) = roc_curve(&y, &c.prob) else { continue };
            let band = (n_boot > 0)
                .then(|| {
                    let seed =
                        crate::validate::derive_seed(run.study.manifest.study.seed, 80_000 + (mi * 100 + k) as u64);
                    roc_band(&y, &c.prob, &stratified_bootstrap_indices(&y, n_boot, seed), &grid, 0.95).ok()
                })
                .flatten()
                .map(|b| (b.fpr, b.lower, b.upper));
            let label = match delong_auc(&y, &c.prob) {
                Ok(d) => format!("{} (AUC {:.3}, {:.3}–{:.3})", r.model, d.auc, d.ci_lower, d.ci_upper),
                Err(_) => r.model.clone(),
            };
            series.push(RocSeries { label, fpr: roc.fpr, tpr: roc.tpr, band });
        }
        if series.is_empty() {
            continue;
        }
        let f = plots::roc(&series, &format!("ROC — {cohort}"))?;
        out.push(named(
            &format!("roc_{}", slug(cohort)),
            &format!("ROC — {cohort}"),
            &format!("ROC curves of every model on {cohort}; shaded: 95% pointwise percentile band of the TPR on a fixed FPR grid (0, 0.01, …, 1) from {n_boot} seeded stratified bootstrap resamples; AUC with DeLong 95% CI in the legend."),
            f,
        ));
    }
    Ok(out)
}

/// LOWESS smooth of the outcome on the predicted probability, clipped to [0, 1] for drawing
/// (a local linear fit of 0/1 outcomes can overshoot); empty when undefined.
pub fn calibration_smooth(p: &[f64], y: &[f64]) -> Vec<(f64, f64)> {
    lowess(p, y, LOWESS_FRAC).unwrap_or_default().into_iter().map(|(x, v)| (x, v.clamp(0.0, 1.0))).collect()
}

/// One decision-curve figure per cohort (net benefit 0.05–0.95 with treat all / none).
pub fn decision_curves(run: &StudyRun) -> anyhow::Result<Vec<NamedFigure>> {
    let thresholds = dca_thresholds();
    let rows = dca_rows(&run.results, &thresholds);
    let mut out = Vec::new();
    for cohort in cohorts(run) {
        let mine: Vec<_> = rows.iter().filter(|r| r.cohort == cohort).collect();
        if mine.is_empty() {
            continue;
        }
        let mut series: Vec<(String, Vec<f64>)> = Vec::new();
        for r in &mine {
            match series.iter_mut().find(|s| s.0 == r.model) {
                Some(s) => s.1.push(r.net_benefit),
                None => series.push((r.model.clone(), vec![r.net_benefit])),
            }
        }
        let n = thresholds.len();
        let all: Vec<f64> = mine[..n].iter().map(|r| r.treat_all).collect();
        let none: Vec<f64> = mine[..n].iter().map(|r| r.treat_none).collect();
        let f = plots::decision_curve(&thresholds, &series, &all, &none, &format!("Decision curve — {cohort}"))?;
        out.push(named(
            &format!("dca_{}", slug(&cohort)),
            &format!("Decision curve — {cohort}"),
            "Net benefit of each model across threshold probabilities 0.05–0.95, with treat-all and treat-none (dca.csv).",
            f,
        ));
    }
    Ok(out)
}

/// Forest plot of AUC (DeLong CI) or Harrell's C (bootstrap CI) per model across cohorts,
/// and, for binary models, per centre within the internal-CV predictions.
pub fn forest(
    run: &StudyRun,
    estimates: &[(String, String, f64, (f64, f64))],
    survival: bool,
) -> anyhow::Result<Option<NamedFigure>> {
    let mut rows = Vec::new();
    for r in &run.results {
        for (model, cohort, est, ci) in estimates.iter().filter(|e| e.0 == r.model && e.1 != "train (apparent)") {
            if !(est.is_finite() && ci.0.is_finite() && ci.1.is_finite()) {
                continue;
            }
            rows.push(ForestRow {
                label: format!("{model} · {cohort}"),
                estimate: *est,
                lo: ci.0,
                hi: ci.1,
                annotation: format!("{est:.3} ({:.3}–{:.3})", ci.0, ci.1),
                summary: cohort == "internal CV",
            });
            if survival || cohort != "internal CV" {
                continue;
            }
            let Some(c) = r.cohorts.iter().find(|c| &c.cohort == cohort) else { continue };
            let mut centres: Vec<String> = c.rows.iter().map(|&i| run.cohort.patients[i].centre.clone()).collect();
            centres.sort();
            centres.dedup();
            if centres.len() < 2 {
                continue;
            }
            for centre in centres {
                let ks: Vec<usize> =
                    (0..c.rows.len()).filter(|&k| run.cohort.patients[c.rows[k]].centre == centre).collect();
                let y: Vec<bool> = ks.iter().map(|&k| c.y[k] == 1.0).collect();
                let p: Vec<f64> = ks.iter().map(|&k| c.prob[k]).collect();
                let Ok(d) = delong_auc(&y, &p) else { continue };
                rows.push(ForestRow {
                    label: format!("{model} · internal CV, centre {centre}"),
                    estimate: d.auc,
                    lo: d.ci_lower,
                    hi: d.ci_upper,
                    annotation: format!("{:.3} ({:.3}–{:.3})", d.auc, d.ci_lower, d.ci_upper),
                    summary: false,
                });
            }
        }
    }
    if rows.is_empty() {
        return Ok(None);
    }
    let metric = if survival { "Harrell's C-index" } else { "AUC" };
    let f = plots::forest(&rows, metric, Some(0.5), &format!("{metric} across cohorts and centres"))?;
    Ok(Some(named(
        "forest",
        &format!("{metric} across cohorts and centres"),
        &format!(
            "{metric} with 95% CI per model and cohort ({}); the line marks 0.5.",
            if survival { "bootstrap CI" } else { "DeLong CI; centres within the internal-CV predictions" }
        ),
        f,
    )))
}

/// Raw-scale points schemes of every logistic / Cox model with a clinical input; the
/// coefficients are converted from the standardised scale with the training mean and SD
/// (n − 1), exactly the scaler the model was fitted with.
pub fn schemes(run: &StudyRun) -> Vec<(String, bool, PointsScheme)> {
    let m = &run.study.manifest;
    let mut out = Vec::new();
    for r in &run.results {
        let Some(spec) = m.models.iter().find(|s| s.name == r.model) else { continue };
        let clinical = spec.inputs.iter().any(|i| i != "radiomics");
        if !clinical || !(spec.kind == "logistic" || spec.kind == "cox") || r.coefficients.is_empty() {
            continue;
        }
        let train = &r.cohorts[0].rows;
        let mut intercept = r.intercept;
        let mut inputs = Vec::new();
        for c in &r.coefficients {
            let vals: Vec<f64> = train
                .iter()
                .filter_map(|&i| {
                    let p = &run.cohort.patients[i];
                    p.clinical
                        .get(&c.name)
                        .copied()
                        .or_else(|| run.features.column_index(&c.name).map(|j| run.features.values[[i, j]]))
                })
                .collect();
            if vals.len() != train.len() {
                continue;
            }
            let n = vals.len() as f64;
            let mean = vals.iter().sum::<f64>() / n;
            let sd = (vals.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
            let sd = if sd > 0.0 && sd.is_finite() { sd } else { 1.0 };
            let coef = c.coef / sd;
            intercept -= coef * mean;
            let (lo, hi) = vals.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |a, &v| (a.0.min(v), a.1.max(v)));
            inputs.push(NomogramInput { name: c.name.clone(), coef, min: lo, max: hi });
        }
        if let Ok(s) = PointsScheme::new(intercept, inputs) {
            out.push((r.model.clone(), spec.kind == "cox", s));
        }
    }
    out
}

fn label(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The nomogram figure of every model that has a points scheme.
pub fn nomograms(run: &StudyRun) -> anyhow::Result<Vec<NamedFigure>> {
    let mut out = Vec::new();
    for (model, cox, s) in schemes(run) {
        let vars: Vec<NomogramVar> = s
            .inputs
            .iter()
            .enumerate()
            .map(|(k, v)| NomogramVar {
                name: v.name.clone(),
                ticks: nice_values(v.min, v.max)
                    .into_iter()
                    .map(|x| NomogramTick { position: s.points(k, x), label: label(x) })
                    .collect(),
            })
            .collect();
        let total = s.max_total();
        let totals: Vec<NomogramTick> =
            nice_values(0.0, total).into_iter().map(|t| NomogramTick { position: t, label: label(t) }).collect();
        let (outcome, probs): (&str, Vec<NomogramTick>) = if cox {
            let (a, b) = (s.lp_at(0.0), s.lp_at(total));
            (
                "linear predictor",
                nice_values(a, b)
                    .into_iter()
                    .map(|lp| NomogramTick { position: s.total_at(lp), label: label(lp) })
                    .collect(),
            )
        } else {
            let ticks = [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99]
                .iter()
                .map(|&p: &f64| NomogramTick { position: s.total_at((p / (1.0 - p)).ln()), label: label(p) })
                .filter(|t| t.position >= 0.0 && t.position <= total)
                .collect();
            ("probability", ticks)
        };
        let f = plots::nomogram(&vars, &totals, &probs, outcome, &format!("Nomogram — {model}"))?;
        out.push(named(
            &format!("nomogram_{}", slug(&model)),
            &format!("Nomogram — {model}"),
            "Points per predictor (raw units; 100 points = the largest effect over the training range), total points and the predicted outcome (nomogram.csv).",
            f,
        ));
    }
    Ok(out)
}

/// nomogram.csv: points per predictor value and the outcome at each total (empty if none).
pub fn nomogram_csv(run: &StudyRun) -> String {
    let all = schemes(run);
    if all.is_empty() {
        return String::new();
    }
    let mut s = String::from("model,axis,value,points\n");
    for (model, cox, sch) in &all {
        for (k, v) in sch.inputs.iter().enumerate() {
            for x in nice_values(v.min, v.max) {
                let _ = writeln!(
                    s,
                    "{},{},{},{}",
                    super::outputs::csv_field(model),
                    super::outputs::csv_field(&v.name),
                    x,
                    sch.points(k, x)
                );
            }
        }
        for t in nice_values(0.0, sch.max_total()) {
            let lp = sch.lp_at(t);
            let (axis, v) = if *cox { ("linear predictor", lp) } else { ("probability", 1.0 / (1.0 + (-lp).exp())) };
            let _ = writeln!(s, "{},{axis} at total points,{v},{t}", super::outputs::csv_field(model));
        }
    }
    s
}

/// AUC(t) vs t of every survival model × shown cohort (None without time-dependent AUC rows).
pub fn time_auc(run: &StudyRun) -> anyhow::Result<Vec<NamedFigure>> {
    let (rows, _) =
        crate::metrics::survival_summary::time_auc_rows(&run.results, &run.study.manifest.validation.auc_times);
    let mut series: Vec<plots::TimeAucSeries> = Vec::new();
    for r in rows.iter().filter(|r| r.cohort != "train (apparent)") {
        let label = format!("{} · {}", r.model, r.cohort);
        match series.iter_mut().find(|s| s.label == label) {
            Some(s) => s.points.push((r.time, r.auc)),
            None => series.push(plots::TimeAucSeries { label, points: vec![(r.time, r.auc)] }),
        }
    }
    if series.iter().all(|s| s.points.iter().all(|p| !p.1.is_finite())) {
        return Ok(Vec::new());
    }
    let time = run.study.manifest.study.time.as_deref().unwrap_or("time");
    let f = plots::time_auc(&series, &format!("{time} (follow-up units)"), "Time-dependent AUC")?;
    Ok(vec![named(
        "time_auc",
        "Time-dependent AUC",
        "Cumulative/dynamic AUC(t) of each model and cohort at the evaluation times (table above); dashed: chance (0.5).",
        f,
    )])
}

/// Feature families known in column names (`<sequence>.<roi>.<family>.<feature>`, or a
/// PyRadiomics-style `<filter>_<family>_<feature>` segment).
const FAMILIES: &[&str] = &[
    "morph",
    "shape",
    "shape2D",
    "li",
    "stats",
    "firstorder",
    "ih",
    "ivh",
    "glcm",
    "glrlm",
    "glszm",
    "gldzm",
    "gldm",
    "ngtdm",
    "ngldm",
];

/// The feature family of a feature column: the last segment before the feature name that is
/// (or contains, between `_`) a known family key; otherwise that segment itself.
pub fn feature_family(column: &str) -> String {
    let segs: Vec<&str> = column.split('.').collect();
    let head = &segs[..segs.len().saturating_sub(1)];
    for seg in head.iter().rev().chain(segs.last()) {
        if FAMILIES.contains(seg) {
            return seg.to_string();
        }
        if let Some(tok) = seg.split('_').find(|t| FAMILIES.contains(t)) {
            return tok.to_string();
        }
    }
    head.last().map_or_else(|| "other".into(), |s| s.to_string())
}

/// ICC histograms per feature family (one panel each, shared x axis, threshold drawn).
pub fn icc_by_family(run: &StudyRun) -> anyhow::Result<Vec<NamedFigure>> {
    let mut panels: Vec<(String, Vec<f64>, usize)> = Vec::new();
    for r in run.icc.iter().filter(|r| r.value.is_finite()) {
        let fam = feature_family(&r.feature);
        match panels.iter_mut().find(|p| p.0 == fam) {
            Some(p) => {
                p.1.push(r.value);
                p.2 += usize::from(r.kept);
            }
            None => panels.push((fam, vec![r.value], usize::from(r.kept))),
        }
    }
    if panels.is_empty() {
        return Ok(Vec::new());
    }
    panels.sort_by(|a, b| a.0.cmp(&b.0));
    let s = &run.study.manifest.stability;
    let panels: Vec<plots::HistogramPanel> = panels
        .into_iter()
        .map(|(fam, v, kept)| plots::HistogramPanel { title: format!("{fam} ({kept} of {} kept)", v.len()), values: v })
        .collect();
    let f = plots::histogram_panels(
        &panels,
        20,
        &s.icc,
        "Feature stability between observers, per family",
        Some(s.threshold),
    )?;
    Ok(vec![named(
        "icc_histogram",
        "ICC histograms per feature family",
        "ICC of every extracted feature between the observers' masks, one panel per feature family (shared x axis); the dashed line marks the stability threshold.",
        f,
    )])
}

#[cfg(test)]
mod tests {
    use super::feature_family;

    #[test]
    fn families_from_column_names() {
        assert_eq!(feature_family("AP.tumour.glcm.joint_max"), "glcm");
        assert_eq!(feature_family("T2.peri5.glcm_2d_avg.contrast"), "glcm");
        assert_eq!(feature_family("AP.tumour.original_firstorder_Mean"), "firstorder");
        assert_eq!(feature_family("AP.tumour.stats.mean"), "stats");
        assert_eq!(feature_family("age"), "other");
        assert_eq!(feature_family("a.b.custom.x"), "custom");
    }
}
