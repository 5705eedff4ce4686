//! The synthetic outcome model: metrics against external references, and realised AUC /
//! C-index / prevalence / event rate on large samples against the requested targets.
mod common;

use radstudy::synth::outcome::{auc, harrell_c};
use radstudy::synth::{realised_truth, simulate_outcomes, BinaryOutcome, OutcomeSpec, SurvivalOutcome};

fn headline(key: &str) -> f64 {
    let p = common::reference_dir().join("modelling/results/headline_reference_values.json");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    v["values"][key]["value"].as_f64().unwrap()
}

fn read_csv(rel: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(common::reference_dir().join(rel)).unwrap();
    let h = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r.records().map(|x| x.unwrap().iter().map(String::from).collect()).collect();
    (h, rows)
}

#[test]
fn auc_matches_scikit_learn_on_wdbc_test_predictions() {
    let (h, rows) = read_csv("modelling/predictions/wdbc_test_predictions.csv");
    let iy = h.iter().position(|c| c == "y").unwrap();
    let ip = h.iter().position(|c| c == "logreg_l2").unwrap();
    let y: Vec<u8> = rows.iter().map(|r| r[iy].parse().unwrap()).collect();
    let p: Vec<f64> = rows.iter().map(|r| r[ip].parse().unwrap()).collect();
    let want = headline("wdbc.test.logreg_l2.auc");
    assert!((auc(&p, &y) - want).abs() < 1e-9, "{} vs {want}", auc(&p, &y));
}

#[test]
fn harrell_c_matches_lifelines_on_whas500_test_split() {
    let (h, rows) = read_csv("modelling/predictions/whas500_cox_lp.csv");
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let (is, it, ie, il) = (col("set"), col("time"), col("event"), col("lp"));
    let test: Vec<&Vec<String>> = rows.iter().filter(|r| r[is] == "test").collect();
    let t: Vec<f64> = test.iter().map(|r| r[it].parse().unwrap()).collect();
    let e: Vec<u8> = test.iter().map(|r| r[ie].parse().unwrap()).collect();
    let lp: Vec<f64> = test.iter().map(|r| r[il].parse().unwrap()).collect();
    let want = headline("cox_split.whas500.harrell_c_test");
    let got = harrell_c(&t, &e, &lp);
    assert!((got - want).abs() < 1e-9, "{got} vs {want}");
}

#[test]
fn realised_auc_and_prevalence_hit_the_targets() {
    for (target, prevalence) in [(0.7, 0.35), (0.878, 0.2), (0.95, 0.5)] {
        let spec = OutcomeSpec::Binary(BinaryOutcome { prevalence, target_auc: target });
        let (_, patients) = simulate_outcomes(&spec, 42, 20_000).unwrap();
        let (a, prev) = realised_truth(&patients);
        eprintln!("binary target AUC {target}, prevalence {prevalence}: realised AUC {a:.4}, prevalence {prev:.4}");
        assert!((a - target).abs() < 0.02, "target {target}: realised AUC {a}");
        assert!((prev - prevalence).abs() < 0.05, "prevalence {prevalence}: realised {prev}");
    }
}

#[test]
fn realised_c_index_and_event_rate_hit_the_targets() {
    for (target, rate) in [(0.7, 0.6), (0.8, 0.3)] {
        let spec =
            OutcomeSpec::Survival(SurvivalOutcome { target_c_index: target, event_rate: rate, follow_up_months: 60.0 });
        let (_, patients) = simulate_outcomes(&spec, 7, 4_000).unwrap();
        let (c, r) = realised_truth(&patients);
        eprintln!("survival target C {target}, event rate {rate}: realised C {c:.4}, event rate {r:.4}");
        assert!((c - target).abs() < 0.02, "target {target}: realised C {c}");
        assert!((r - rate).abs() < 0.05, "event rate {rate}: realised {r}");
    }
}

#[test]
fn afp_is_weakly_linked_to_the_outcome_score() {
    let spec = OutcomeSpec::Binary(BinaryOutcome { prevalence: 0.35, target_auc: 0.8 });
    let (_, ps) = simulate_outcomes(&spec, 3, 20_000).unwrap();
    let x: Vec<f64> = ps.iter().map(|p| p.score).collect();
    let y: Vec<f64> = ps.iter().map(|p| p.clinical.afp.ln()).collect();
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxy: f64 = x.iter().zip(&y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let syy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    let r = sxy / (sxx * syy).sqrt();
    assert!((r - 0.3).abs() < 0.03, "corr(log AFP, score) = {r}");
}
