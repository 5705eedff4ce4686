//! Report document rendering: HTML self-containment and escaping, Markdown table shape,
//! CSV quoting, and figure determinism / input validation.
use radstudy::report::plots::{histogram, roc, PlotError, RocSeries};
use radstudy::report::{render_html, render_markdown, table_to_csv, Block, FigureBlock, ReportDoc, Section, Table};

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

fn small_roc() -> RocSeries {
    RocSeries {
        label: "model <A> & \"B\"".into(),
        fpr: vec![0.0, 0.0, 0.5, 0.5, 1.0],
        tpr: vec![0.0, 0.5, 0.5, 1.0, 1.0],
        band: None,
    }
}

fn sample_doc() -> ReportDoc {
    let fig = roc(&[small_roc()], "ROC <test>").unwrap();
    ReportDoc {
        title: "Study <report>".into(),
        subtitle: "Synthetic & deterministic".into(),
        warnings: s(&["Synthetic cohort", "Small sample: n = 40 <script>alert(1)</script>"]),
        sections: vec![
            Section {
                id: "perf".into(),
                title: "Performance".into(),
                blocks: vec![
                    Block::Paragraph("Line one\n- not a list <b>bold?</b>".into()),
                    Block::Table(Table {
                        title: "Metrics | AUC".into(),
                        header: s(&["Model", "AUC", "Comment"]),
                        rows: vec![
                            s(&["rad_lr", "0.84", "<script>alert('x')</script>"]),
                            s(&["pipe|name", "\u{2212}0.1"]),
                            s(&["a", "b", "c", "extra"]),
                        ],
                        note: Some("Bootstrap 95% CI, see https://example.org".into()),
                    }),
                    Block::Figure(FigureBlock::from_figure(
                        "ROC",
                        "Validation cohort.",
                        &fig,
                        s(&["figures/roc.svg", "figures/roc.png"]),
                    )),
                    Block::KeyValue(vec![
                        ("Seed".into(), "42".into()),
                        ("Href".into(), "<a href=\"http://x\">".into()),
                    ]),
                ],
            },
            Section { id: "".into(), title: "Appendix".into(), blocks: vec![] },
        ],
    }
}

#[test]
fn html_escapes_text_and_is_self_contained() {
    let html = render_html(&sample_doc());
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(!html.to_ascii_lowercase().contains("<script"), "no live script tag");
    assert!(html.contains("Study &lt;report&gt;"));
    // Warnings banner with both warnings near the top, before the first section.
    let banner = html.find("class=\"warnings\"").expect("warnings banner");
    assert!(banner < html.find("<section").unwrap());
    assert!(html.contains("<li>Synthetic cohort</li>"));
    // Figure inlined (not replaced by the safety notice), legend text escaped inside SVG.
    assert!(html.contains("<svg width="));
    assert!(!html.contains("figure omitted"));
    assert!(html.contains("model &lt;A&gt; &amp; &quot;B&quot;"));
    // No external resources: no src attributes at all, hrefs only to in-page anchors.
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("src=\""));
    for (i, _) in lower.match_indices("href=\"") {
        assert!(lower[i..].starts_with("href=\"#"), "external href at {i}");
    }
    for scheme in ["src=\"http", "href=\"http", "url(http", "url(//", "@import"] {
        assert!(!lower.contains(scheme), "{scheme}");
    }
    // The only http text left is the escaped note text, never inside a tag attribute.
    assert!(!lower.contains("=\"http"));
    assert!(!lower.contains("xmlns=\"http"));
    // TOC links resolve to section ids.
    assert!(html.contains("<a href=\"#perf\">Performance</a>"));
    assert!(html.contains("<section id=\"perf\">"));
    assert!(html.contains("<section id=\"section-2\">"));
    // Print styles present.
    assert!(html.contains("@media print"));
}

/// Counts cell separators in a Markdown table row, ignoring backslash-escaped pipes.
fn pipes(line: &str) -> usize {
    let b = line.as_bytes();
    (0..b.len()).filter(|&i| b[i] == b'|' && (i == 0 || b[i - 1] != b'\\')).count()
}

#[test]
fn markdown_tables_have_constant_column_count() {
    let md = render_markdown(&sample_doc(), |f| format!("figures/{}.png", f.title.to_lowercase()));
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(rows.len(), 5, "header, separator, 3 rows");
    for r in &rows {
        assert_eq!(pipes(r), 5, "4 columns → 5 separators in {r:?}");
    }
    assert_eq!(rows[1], "| --- | --- | --- | --- |");
    assert!(rows[3].contains("pipe\\|name"));
    assert!(md.contains("![ROC](figures/roc.png)"));
    assert!(md.contains("> **Warning:** Synthetic cohort"));
    assert!(md.contains("\\<script\\>"));
    assert!(md.contains("\\- not a list"));
    assert!(md.contains("- [Performance](#perf)"));
    assert!(!md.contains("<svg"));
}

#[test]
fn markdown_right_aligns_numeric_columns() {
    let doc = ReportDoc {
        title: "t".into(),
        sections: vec![Section {
            id: "a".into(),
            title: "A".into(),
            blocks: vec![Block::Table(Table {
                title: String::new(),
                header: s(&["name", "value"]),
                rows: vec![s(&["x", "1.5"]), s(&["y", "\u{2212}2"]), s(&["z", "NA"])],
                note: None,
            })],
        }],
        ..Default::default()
    };
    let md = render_markdown(&doc, |_| String::new());
    assert!(md.contains("| --- | ---: |"));
}

#[test]
fn csv_round_trips_through_rfc4180_reader() {
    let t = Table {
        title: "t".into(),
        header: s(&["a", "b"]),
        rows: vec![s(&["x,y", "q\"uote"]), s(&["multi\r\nline", ""])],
        note: None,
    };
    let text = table_to_csv(&t);
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let recs: Vec<Vec<String>> = rdr.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
    assert_eq!(recs, vec![s(&["x,y", "q\"uote"]), s(&["multi\r\nline", ""])]);
}

#[test]
fn figures_are_deterministic() {
    let a = roc(&[small_roc()], "t").unwrap();
    let b = roc(&[small_roc()], "t").unwrap();
    assert_eq!(a.png, b.png);
    assert_eq!(a.svg, b.svg);
    let v: Vec<f64> = (0..50).map(|i| (i as f64 * 0.37) % 1.0).collect();
    let h1 = histogram(&v, 10, "x", "h", Some(0.5)).unwrap();
    let h2 = histogram(&v, 10, "x", "h", Some(0.5)).unwrap();
    assert_eq!(h1.png, h2.png);
    // PNG header: 1600 × 1200, 8-bit RGB, 300 dpi pHYs.
    assert_eq!(&h1.png[16..24], &[0, 0, 6, 64, 0, 0, 4, 176]);
    assert_eq!(&h1.png[24..26], &[8, 2]);
    assert_eq!(&h1.png[37..41], b"pHYs");
    assert_eq!(u32::from_be_bytes(h1.png[41..45].try_into().unwrap()), 11_811);
}

#[test]
fn degenerate_inputs_give_errors_not_panics() {
    let bad = RocSeries { label: "x".into(), fpr: vec![0.0, 1.0], tpr: vec![0.0], band: None };
    assert!(matches!(roc(&[bad], "t"), Err(PlotError::InvalidInput(_))));
    assert!(matches!(roc(&[], "t"), Err(PlotError::InvalidInput(_))));
    assert!(matches!(histogram(&[f64::NAN], 10, "x", "t", None), Err(PlotError::InvalidInput(_))));
    assert!(matches!(histogram(&[1.0], 0, "x", "t", None), Err(PlotError::InvalidInput(_))));
    // A constant sample and NaN vertices still draw.
    assert!(histogram(&[0.7; 5], 5, "x", "t", None).is_ok());
    let nan = RocSeries { label: "nan".into(), fpr: vec![0.0, f64::NAN, 1.0], tpr: vec![0.0, 0.5, 1.0], band: None };
    assert!(roc(&[nan], "").is_ok());
}
