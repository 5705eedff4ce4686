//! Report tables of the results section beyond the headline metrics: the time-dependent AUC of
//! survival models (with a warning for every skipped time), the hyperparameters grid tuning
//! chose per split (tuning.csv) and the subgroup odds ratios of clustering models
//! (subgroups.csv). Only arranges numbers from `metrics` and `validate`; computes none.

use crate::metrics::survival_summary::{time_auc_rows, TimeAucRow};
use crate::report::doc::{Block, Table};
use crate::validate::ModelResult;

fn f3(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.3}")
    } else {
        "NA".into()
    }
}

/// Compact time label: integers without decimals.
pub fn time_label(t: f64) -> String {
    if t.fract() == 0.0 && t.abs() < 1e15 {
        format!("{t:.0}")
    } else {
        format!("{t}")
    }
}

/// The time-dependent AUC table (model × cohort rows, one column per time) and, when some
/// time or cohort could not be evaluated, a paragraph listing why. Empty without rows.
pub fn time_auc_blocks(results: &[ModelResult], times: &[f64]) -> Vec<Block> {
    let (rows, warnings) = time_auc_rows(results, times);
    let mut blocks = Vec::new();
    if !rows.is_empty() {
        blocks.push(Block::Table(time_auc_table(&rows, times.is_empty())));
    }
    if !warnings.is_empty() {
        blocks.push(Block::Paragraph(format!("Warning — time-dependent AUC skipped: {}.", warnings.join("; "))));
    }
    blocks
}

fn time_auc_table(rows: &[TimeAucRow], default_times: bool) -> Table {
    let mut times: Vec<f64> = rows.iter().map(|r| r.time).collect();
    times.sort_by(f64::total_cmp);
    times.dedup();
    let mut keys: Vec<(&str, &str)> = Vec::new();
    for r in rows {
        if !keys.contains(&(r.model.as_str(), r.cohort.as_str())) {
            keys.push((r.model.as_str(), r.cohort.as_str()));
        }
    }
    let mut header = vec!["model".to_string(), "cohort".to_string()];
    header.extend(times.iter().map(|t| format!("AUC(t = {})", time_label(*t))));
    header.push("mean AUC".into());
    let body = keys
        .iter()
        .map(|&(m, c)| {
            let mine: Vec<&TimeAucRow> = rows.iter().filter(|r| r.model == m && r.cohort == c).collect();
            let mut line = vec![m.to_string(), c.to_string()];
            for t in &times {
                line.push(mine.iter().find(|r| r.time == *t).map_or_else(|| "–".into(), |r| f3(r.auc)));
            }
            line.push(mine.first().map_or_else(|| "–".into(), |r| f3(r.mean_auc)));
            line
        })
        .collect();
    let which = if default_times {
        "t = the 25th, 50th and 75th percentiles of the training event times (set `[validation] auc_times` to choose)"
    } else {
        "t from `[validation] auc_times`"
    };
    Table {
        title: "Time-dependent AUC".into(),
        header,
        rows: body,
        note: Some(format!(
            "Cumulative/dynamic AUC(t) (Uno 2007; as scikit-survival cumulative_dynamic_auc): how well the risk score separates patients with an event by t (cases, weighted by the inverse of the training cohort's censoring Kaplan–Meier at their time) from patients still event-free after t; {which}. Mean AUC: AUC(t) averaged with weights from the drop of the cohort's Kaplan–Meier survival. – : t outside the cohort's follow-up. Cases and controls per time in time_auc.csv."
        )),
    }
}

/// tuning.csv as a report table (None without a grid): one row per model × split.
pub fn tuning_table(results: &[ModelResult], survival: bool) -> Option<Table> {
    let rows: Vec<Vec<String>> = results
        .iter()
        .flat_map(|r| {
            r.tuning.iter().map(move |t| {
                let params = t.params.iter().map(|(k, v)| format!("{k} = {v}")).collect::<Vec<_>>().join(", ");
                vec![r.model.clone(), t.split.clone(), params, f3(t.inner_score)]
            })
        })
        .collect();
    if rows.is_empty() {
        return None;
    }
    let score = if survival { "inner-CV Harrell C" } else { "inner-CV AUC" };
    Some(Table {
        title: "Hyperparameter tuning".into(),
        header: vec!["model".into(), "split".into(), "chosen hyperparameters".into(), score.into()],
        rows,
        note: Some(format!(
            "For models with a `grid`, inner cross-validation on each split's training rows chose the grid point with the best mean {score}; this table (tuning.csv) lists the choice per split (\"final\" = the model fitted on all training rows)."
        )),
    })
}

/// subgroups.csv as a report table (None without clustering models).
pub fn subgroups_table(results: &[ModelResult]) -> Option<Table> {
    let rows: Vec<Vec<String>> = results
        .iter()
        .flat_map(|r| r.subgroups.iter())
        .map(|s| {
            vec![
                s.model.clone(),
                s.cohort.clone(),
                s.comparison.clone(),
                format!("{}/{}", s.events_exposed, s.n_exposed),
                format!("{}/{}", s.events_reference, s.n_reference),
                format!(
                    "{} ({}–{}){}",
                    f3(s.odds_ratio),
                    f3(s.ci95[0]),
                    f3(s.ci95[1]),
                    if s.haldane_corrected { "*" } else { "" }
                ),
                f3(s.p_fisher),
            ]
        })
        .collect();
    if rows.is_empty() {
        return None;
    }
    Some(Table {
        title: "Radiomic subgroups: odds ratios of the outcome".into(),
        header: ["model", "cohort", "comparison", "events/n (subgroup)", "events/n (subgroup 1)", "OR (95% CI)", "Fisher p"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        rows,
        note: Some("Unsupervised clustering models group patients by their radiomics features without the outcome; this table (subgroups.csv) gives the odds ratio of the outcome in each subgroup against subgroup 1 (the largest training cluster), with Woolf 95% CI and Fisher's exact p. * Haldane correction (+0.5 to every cell) because of a zero cell.".into()),
    })
}
