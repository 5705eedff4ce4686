//! Renders one of each figure kind into target/report-samples/ for visual inspection and
//! checks the basic structural properties of every SVG/PNG produced.
use std::path::PathBuf;

use radstudy::report::plots::*;

fn out_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/report-samples")
}

/// Smooth-ish staircase ROC for a binormal model with separation `d` (test fixture only).
fn roc_points(d: f64, n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut fpr = vec![0.0];
    let mut tpr = vec![0.0];
    for i in 1..=n {
        let f = i as f64 / n as f64;
        let t = f.powf(1.0 / (1.0 + d));
        fpr.push(f);
        tpr.push(*tpr.last().unwrap());
        fpr.push(f);
        tpr.push(t);
    }
    (fpr, tpr)
}

fn sample_roc() -> Vec<RocSeries> {
    let (f1, t1) = roc_points(2.5, 18);
    let (f2, t2) = roc_points(1.2, 14);
    let grid: Vec<f64> = (0..=50).map(|i| i as f64 / 50.0).collect();
    let lo: Vec<f64> = grid.iter().map(|g| (g.powf(1.0 / 3.5) - 0.12).max(0.0)).collect();
    let hi: Vec<f64> = grid.iter().map(|g| (g.powf(1.0 / 3.5) + 0.1).min(1.0)).collect();
    vec![
        RocSeries { label: "rad_lr (AUC 0.84, 0.76\u{2013}0.91)".into(), fpr: f1, tpr: t1, band: Some((grid, lo, hi)) },
        RocSeries { label: "clinical (AUC 0.69, 0.58\u{2013}0.79)".into(), fpr: f2, tpr: t2, band: None },
    ]
}

/// Asserts that every opened tag is closed in order (self-closing tags allowed).
fn assert_balanced(svg: &str, stem: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = svg;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let close = after.find('>').unwrap_or_else(|| panic!("{stem}: unterminated tag"));
        let tag = &after[..close];
        let name: String = tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        if tag.starts_with('/') {
            assert_eq!(stack.pop().as_deref(), Some(name.as_str()), "{stem}: mismatched </{name}>");
        } else if !tag.ends_with('/') {
            stack.push(name);
        }
        assert!(!after[..close].contains('<'), "{stem}: '<' inside a tag");
        rest = &after[close + 1..];
    }
    assert!(stack.is_empty(), "{stem}: unclosed {stack:?}");
}

fn check(fig: &Figure, stem: &str, must_contain: &[&str]) {
    assert!(fig.svg.starts_with("<svg"), "{stem}: svg prefix");
    assert_balanced(&fig.svg, stem);
    assert!(fig.svg.contains("font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\""));
    assert!(fig.svg.trim_end().ends_with("</svg>"), "{stem}: svg suffix");
    assert_eq!(&fig.png[..8], &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]);
    for s in must_contain {
        assert!(fig.svg.contains(s), "{stem}: SVG lacks {s:?}");
    }
    fig.write_files(&out_dir(), stem).unwrap();
}

#[test]
fn render_roc_sample() {
    let fig = roc(&sample_roc(), "Validation cohort ROC").unwrap();
    check(&fig, "roc", &["Sensitivity", "rad_lr (AUC 0.84", "Chance", "Validation cohort ROC"]);
}

fn sample_calibration() -> Vec<CalibrationSeries> {
    let mk = |label: &str, bend: f64, offset: f64| {
        let bins = (0..10)
            .map(|k| {
                let p = 0.05 + 0.09 * k as f64;
                let o = (p + bend * p * (1.0 - p) + offset).clamp(0.0, 1.0);
                CalibrationBin { predicted: p, observed: o, lo: (o - 0.12).max(0.0), hi: (o + 0.12).min(1.0) }
            })
            .collect();
        let smooth = (0..=40)
            .map(|k| {
                let p = 0.02 + 0.95 * k as f64 / 40.0;
                (p, (p + bend * p * (1.0 - p) + offset).clamp(0.0, 1.0))
            })
            .collect();
        let predictions = (0..300).map(|i| ((i as f64 * 0.618_034) % 1.0).powf(1.6 - offset * 3.0)).collect();
        CalibrationSeries { label: label.into(), bins, smooth, predictions }
    };
    vec![mk("rad_lr", -0.25, 0.0), mk("clinical", 0.3, 0.04)]
}

#[test]
fn render_calibration_sample() {
    let fig = calibration(&sample_calibration(), "Calibration (validation)").unwrap();
    check(&fig, "calibration", &["Observed proportion", "Predicted probability", "Count", "rad_lr", "Ideal"]);
}

#[test]
fn render_decision_curve_sample() {
    let th: Vec<f64> = (1..=99).map(|i| i as f64 / 100.0).collect();
    let prev = 0.35;
    let all: Vec<f64> = th.iter().map(|t| prev - (1.0 - prev) * t / (1.0 - t)).collect();
    let none = vec![0.0; th.len()];
    let model = |k: f64| -> Vec<f64> { th.iter().map(|t| (prev * (1.0 - t).powf(k) - 0.02 * t).max(-0.03)).collect() };
    let series = vec![("rad_lr".to_string(), model(1.4)), ("clinical".to_string(), model(2.5))];
    let fig = decision_curve(&th, &series, &all, &none, "Decision curve").unwrap();
    check(&fig, "decision_curve", &["Net benefit", "Threshold probability", "Treat all", "Treat none", "clinical"]);
}

fn km_group(label: &str, hazard: f64, n: usize) -> KmSeries {
    let mut time = vec![0.0];
    let mut survival = vec![1.0];
    let mut lo = vec![1.0];
    let mut hi = vec![1.0];
    let mut s = 1.0;
    for k in 1..=20 {
        let t = k as f64 * 2.9;
        s *= (-hazard * 2.9).exp();
        time.push(t);
        survival.push(s);
        lo.push((s - 0.1 - 0.004 * k as f64).max(0.0));
        hi.push((s + 0.08 + 0.003 * k as f64).min(1.0));
    }
    let censor_times = (0..12).map(|k| 1.3 + k as f64 * 4.7).collect();
    let at_risk = [0.0, 12.0, 24.0, 36.0, 48.0, 60.0]
        .iter()
        .map(|t| ((n as f64) * (-hazard * t).exp() * (1.0 - t / 90.0)).round() as usize)
        .collect();
    KmSeries { label: label.into(), time, survival, band: Some((lo, hi)), censor_times, at_risk }
}

#[test]
fn render_kaplan_meier_sample() {
    let groups = vec![km_group("Low rad-score", 0.008, 62), km_group("High rad-score", 0.03, 58)];
    let fig = kaplan_meier(
        &groups,
        &[0.0, 12.0, 24.0, 36.0, 48.0, 60.0],
        "Time since resection (months)",
        "Recurrence-free survival",
        "Recurrence-free survival by rad-score",
    )
    .unwrap();
    check(
        &fig,
        "kaplan_meier",
        &[
            "Number at risk",
            "Low rad-score",
            "Recurrence-free survival",
            "Time since resection (months)",
            "62\n</text>",
        ],
    );
}

#[test]
fn render_forest_sample() {
    let row = |l: &str, e: f64, lo: f64, hi: f64, s: bool| ForestRow {
        label: l.into(),
        estimate: e,
        lo,
        hi,
        annotation: format!("{e:.2} ({lo:.2}\u{2013}{hi:.2})"),
        summary: s,
    };
    let rows = vec![
        row("Centre A (n = 84)", 0.86, 0.78, 0.93, false),
        row("Centre B (n = 51)", 0.79, 0.66, 0.90, false),
        row("Centre C (n = 38)", 0.71, 0.54, 0.86, false),
        row("External (n = 120)", 0.81, 0.73, 0.88, false),
        row("Pooled", 0.81, 0.76, 0.86, true),
    ];
    let fig = forest(&rows, "AUC (95% CI)", Some(0.5), "Discrimination by centre").unwrap();
    check(&fig, "forest", &["AUC (95% CI)", "Centre A (n = 84)", "0.86 (0.78\u{2013}0.93)", "Pooled"]);
}

#[test]
fn render_histogram_sample() {
    let values: Vec<f64> = (0..180).map(|i| 1.0 - ((i as f64 * 0.618_034) % 1.0).powf(2.2) * 0.9).collect();
    let fig = histogram(&values, 20, "ICC(3,1)", "Test\u{2013}retest ICC, texture features", Some(0.75)).unwrap();
    check(&fig, "histogram", &["ICC(3,1)", "Count", "threshold = 0.75"]);
}

#[test]
fn render_coefficients_sample() {
    let names: Vec<String> = [
        "original_glcm_JointEntropy",
        "wavelet-LHL_firstorder_Skewness",
        "original_shape_Sphericity",
        "log-sigma-3mm_glszm_ZoneEntropy",
        "original_firstorder_Kurtosis",
        "wavelet-HHH_glrlm_RunVariance",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let values = [0.842, -0.513, -0.3311, 0.27, 0.0912, -0.0405];
    let fig = coefficients(&names, &values, "Standardised coefficient", "LASSO-selected features").unwrap();
    check(&fig, "coefficients", &["original_shape_Sphericity", "0.842", "Standardised coefficient"]);
}

#[test]
fn render_nomogram_sample() {
    let t = |p: f64, l: &str| NomogramTick { position: p, label: l.into() };
    let vars = vec![
        NomogramVar {
            name: "Rad-score".into(),
            ticks: (0..=8).map(|k| t(k as f64 * 12.5, &format!("{:.1}", -2.0 + 0.5 * k as f64))).collect(),
        },
        NomogramVar { name: "AFP > 400 ng/mL".into(), ticks: vec![t(0.0, "No"), t(38.0, "Yes")] },
        NomogramVar {
            name: "Tumour size (cm)".into(),
            ticks: (0..=7).map(|k| t(k as f64 * 7.5, &format!("{}", 2 * k))).collect(),
        },
        NomogramVar { name: "BCLC stage".into(), ticks: vec![t(0.0, "0"), t(3.0, "A"), t(11.0, "B"), t(22.0, "C")] },
    ];
    let total: Vec<NomogramTick> = (0..=8).map(|k| t(k as f64 * 25.0, &format!("{}", k * 25))).collect();
    let prob: Vec<NomogramTick> = [
        (0.05, 42.0),
        (0.1, 61.0),
        (0.2, 80.5),
        (0.3, 93.0),
        (0.5, 112.0),
        (0.7, 131.0),
        (0.8, 143.5),
        (0.9, 163.0),
        (0.95, 182.0),
    ]
    .iter()
    .map(|(p, x)| t(*x, &format!("{p}")))
    .collect();
    let fig = nomogram(&vars, &total, &prob, "Probability of MVI", "Nomogram for microvascular invasion").unwrap();
    check(&fig, "nomogram", &["Points", "Total points", "Probability of MVI", "AFP &gt; 400 ng/mL"]);
}

#[test]
fn render_report_sample() {
    use radstudy::report::{render_html, render_markdown, Block, FigureBlock, ReportDoc, Section, Table};
    let fig = roc(&sample_roc(), "Validation cohort ROC").unwrap();
    let km = kaplan_meier(
        &[km_group("Low", 0.008, 62), km_group("High", 0.03, 58)],
        &[0.0, 12.0, 24.0, 36.0, 48.0, 60.0],
        "Months",
        "Survival",
        "",
    )
    .unwrap();
    let doc = ReportDoc {
        title: "radstudy report \u{2014} sample".into(),
        subtitle: "Generated by the report-layer tests".into(),
        warnings: vec!["Synthetic cohort: numbers are illustrative only".into(), "Small sample (n = 120)".into()],
        sections: vec![
            Section {
                id: "discrimination".into(),
                title: "Discrimination".into(),
                blocks: vec![
                    Block::Paragraph("Receiver operating characteristic curves in the validation cohort.".into()),
                    Block::Figure(FigureBlock::from_figure(
                        "ROC",
                        "Shaded: pointwise 95% bootstrap band.",
                        &fig,
                        vec!["roc.svg".into(), "roc.png".into()],
                    )),
                    Block::Table(Table {
                        title: "Table 1. Discrimination".into(),
                        header: vec!["Model".into(), "AUC".into(), "95% CI".into()],
                        rows: vec![
                            vec!["rad_lr".into(), "0.84".into(), "0.76\u{2013}0.91".into()],
                            vec!["clinical".into(), "0.69".into(), "0.58\u{2013}0.79".into()],
                        ],
                        note: Some("DeLong CIs.".into()),
                    }),
                ],
            },
            Section {
                id: "survival".into(),
                title: "Survival".into(),
                blocks: vec![
                    Block::Figure(FigureBlock::from_figure("Kaplan\u{2013}Meier", "", &km, vec![])),
                    Block::KeyValue(vec![("Seed".into(), "42".into()), ("Version".into(), "0.1.0".into())]),
                ],
            },
        ],
    };
    let html = render_html(&doc);
    let md = render_markdown(&doc, |f| format!("{}.png", f.title));
    std::fs::create_dir_all(out_dir()).unwrap();
    std::fs::write(out_dir().join("report.html"), &html).unwrap();
    std::fs::write(out_dir().join("report.md"), &md).unwrap();
    assert_eq!(html.matches("<svg").count(), 2);
}
