//! The time-dependent AUC in a survival study: the `[validation] auc_times` key is validated,
//! every Cox model × cohort gets AUC(t) with IPC weights from the training cohort (the same
//! numbers as calling the metric directly), and a time outside a cohort's follow-up is skipped
//! with a warning that names the model, cohort and time instead of failing the study.

mod design_util;

use design_util::{manifest, synthetic};
use radstudy::metrics::survival::cumulative_dynamic_auc;
use radstudy::metrics::survival_summary::{default_auc_times, time_auc_rows};

const COX: &str = "[select]\nsteps = [{ method = \"cox\", p = 0.2 }]\n\n[[model]]\nname = \"cox\"\nkind = \"cox\"\n\n";

fn survival_text(validation_extra: &str) -> String {
    format!(
        "{COX}[validation]\ninternal = {{ folds = 3, repeats = 1 }}\nexternal = {{ train = [\"A\"], test = [\"B\"] }}\n{validation_extra}\n"
    )
}

#[test]
fn auc_times_must_be_positive_and_for_survival_only() {
    for bad in ["auc_times = [0.0]", "auc_times = [-3]", "auc_times = [nan]"] {
        let text = format!(
            "[study]\nname = \"t\"\ntitle = \"t\"\nkind = \"survival\"\noutcome = \"event\"\ntime = \"months\"\nseed = 1\n\n[cohort]\ntable = \"unused.csv\"\n\n[[sequence]]\nname = \"AP\"\n\n[[roi]]\nname = \"tumour\"\n\n{}",
            survival_text(bad)
        );
        let err = radstudy::manifest::parse(&text).unwrap_err().to_string();
        assert!(err.contains("validation.auc_times"), "{bad}: {err}");
    }
    let binary = "[study]\nname = \"t\"\ntitle = \"t\"\nkind = \"binary\"\noutcome = \"y\"\nseed = 1\n\n[cohort]\ntable = \"unused.csv\"\n\n[[sequence]]\nname = \"AP\"\n\n[[roi]]\nname = \"tumour\"\n\n[[model]]\nname = \"lr\"\nkind = \"logistic\"\n\n[validation]\nauc_times = [12]\n";
    let err = radstudy::manifest::parse(binary).unwrap_err().to_string();
    assert!(err.contains("validation.auc_times") && err.contains("survival"), "{err}");
    assert!(manifest(true, &survival_text("auc_times = [6, 12]")).validation.auc_times == vec![6.0, 12.0]);
}

#[test]
fn every_cox_cohort_gets_auc_and_out_of_range_times_are_warnings() {
    let d = synthetic(&["A", "B"], 60, 6, 9, true);
    let m = manifest(true, &survival_text(""));
    let results = radstudy::validate::run(&m, &d.design(), &|_| {}).unwrap();
    let train = &results[0].cohorts[0];
    assert_eq!(train.cohort, "train (apparent)");
    let train_event: Vec<bool> = train.y.iter().map(|&v| v == 1.0).collect();
    let far = 1.0e6;
    let (rows, warnings) = time_auc_rows(&results, &[6.0, 12.0, far]);
    for c in &results[0].cohorts {
        let ev: Vec<bool> = c.y.iter().map(|&v| v == 1.0).collect();
        let direct = cumulative_dynamic_auc(&train.time, &train_event, &c.time, &ev, &c.prob, &[6.0, 12.0]).unwrap();
        let mine: Vec<_> = rows.iter().filter(|r| r.cohort == c.cohort).collect();
        assert_eq!(mine.len(), 2, "{}", c.cohort);
        for (r, (&t, &a)) in mine.iter().zip(direct.times.iter().zip(&direct.auc)) {
            assert_eq!((r.time, r.auc, r.mean_auc), (t, a, direct.mean_auc), "{}", c.cohort);
            assert!(r.auc > 0.5, "{}: informative synthetic model should beat chance", c.cohort);
            assert!(r.cases + r.controls <= c.time.len());
        }
        assert!(
            warnings.iter().any(|w| w.contains(&c.cohort) && w.contains("1000000")),
            "{}: no warning for the time beyond follow-up: {warnings:?}",
            c.cohort
        );
    }
    // default times: quartiles of the training event times, inside the training follow-up
    let default = default_auc_times(&train.time, &train_event);
    assert_eq!(default.len(), 3);
    let (rows, _) = time_auc_rows(&results, &[]);
    assert!(rows.iter().any(|r| r.cohort == "train (apparent)" && r.time == default[1]));
}
