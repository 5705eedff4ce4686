//! The study report in a real browser: runs the small two-centre study (plus a combined
//! radiomics + clinical model, so every figure including the nomogram is drawn), opens
//! report.html in headless Chromium, saves a screenshot to target/report-check/, and fails on
//! a blank page, a broken image, an empty figure or a console message. Skips (with a printed
//! reason) when Chromium is not installed.

use std::path::{Path, PathBuf};
use std::process::Command;

const CHROMIUM: &str = "/usr/bin/chromium";

const COMBINED: &str = r#"
[[model]]
name = "combined"
kind = "logistic"
penalty = "l2"
inputs = ["radiomics", "age", "afp"]
"#;

/// Appended to a copy of report.html: after load, writes what it found into the DOM.
const PROBE: &str = r#"<script>
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var broken = imgs.filter(function (i) { return !(i.complete && i.naturalWidth > 0); }).length;
  var svgs = Array.prototype.slice.call(document.querySelectorAll('figure svg, svg'));
  var empty = svgs.filter(function (s) { var r = s.getBoundingClientRect(); return r.width < 50 || r.height < 50; }).length;
  var pre = document.createElement('pre');
  pre.id = 'radstudy-probe';
  pre.textContent = 'PROBE ' + JSON.stringify({ imgs: imgs.length, broken: broken, svgs: svgs.length, empty_svgs: empty, text: document.body.innerText.trim().length });
  document.body.appendChild(pre);
});
</script>"#;

fn out_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/report-check")
}

fn chromium(profile: &Path, extra: &[String], url: &str) -> (String, String) {
    let _ = std::fs::remove_dir_all(profile);
    let mut args: Vec<String> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--enable-logging=stderr",
        "--v=0",
        "--hide-scrollbars",
        "--virtual-time-budget=5000",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    args.extend(extra.iter().cloned());
    args.push(url.to_string());
    let o = Command::new(CHROMIUM).args(&args).output().expect("run chromium");
    let stdout = String::from_utf8_lossy(&o.stdout).to_string();
    let stderr = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(o.status.success(), "chromium failed ({}): {stderr}", o.status);
    (stdout, stderr)
}

/// Console messages Chromium logged (`…:CONSOLE…] "message", source: …`).
fn console_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

fn probe_value(dom: &str, key: &str) -> usize {
    let marker = "id=\"radstudy-probe\">PROBE ";
    let start = dom.find(marker).unwrap_or_else(|| panic!("probe did not run; DOM: {}", &dom[..dom.len().min(500)]));
    let json = &dom[start + marker.len()..];
    let json = &json[..json.find('}').expect("probe json") + 1];
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("probe json {json}: {e}"));
    v[key].as_u64().unwrap_or_else(|| panic!("probe key {key} in {json}")) as usize
}

#[test]
fn report_renders_in_headless_chromium() {
    if !Path::new(CHROMIUM).is_file() {
        println!("SKIP report_check: {CHROMIUM} not found (install Debian's `chromium` package to run this check)");
        return;
    }
    let dir = out_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/small_study.toml");
    let manifest = dir.join("report_check.toml");
    std::fs::write(&manifest, std::fs::read_to_string(&base).unwrap() + COMBINED).unwrap();
    let study = dir.join("study");
    let o = Command::new(env!("CARGO_BIN_EXE_radstudy"))
        .args(["run", manifest.to_str().unwrap(), "--out", study.to_str().unwrap(), "--quiet", "--data"])
        .arg(dir.join("data"))
        .output()
        .expect("run radstudy");
    assert!(o.status.success(), "radstudy run failed: {}", String::from_utf8_lossy(&o.stderr));
    for f in [
        "metrics.csv",
        "metrics_per_repeat.csv",
        "dca.csv",
        "delong_paired.csv",
        "nomogram.csv",
        "roc_internal_cv.svg",
        "roc_external_b.png",
        "dca_external_b.svg",
        "forest.svg",
        "nomogram_combined.png",
        "report.html",
        "report.md",
    ] {
        assert!(study.join(f).is_file(), "missing output {f}");
    }
    let tables = std::fs::read_dir(study.join("tables")).unwrap().count();
    assert!(tables >= 8, "only {tables} tables/*.csv");
    let paired = std::fs::read_to_string(study.join("delong_paired.csv")).unwrap();
    assert!(paired.lines().any(|l| l.starts_with("external B,rad_lr,combined,14,")), "{paired}");

    // Screenshot of the report as written, with console messages from the log.
    let html = study.join("report.html");
    let shot = dir.join("report.png");
    let _ = std::fs::remove_file(&shot);
    let url = format!("file://{}", html.display());
    let (_, stderr) = chromium(
        &dir.join("profile"),
        &[format!("--screenshot={}", shot.display()), "--window-size=1280,2400".into()],
        &url,
    );
    let console = console_lines(&stderr);
    assert!(console.is_empty(), "console messages in report.html:\n{}", console.join("\n"));
    let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
    assert!(size > 20_000, "screenshot {} is {size} bytes: blank page?", shot.display());

    // The DOM after load, from a copy with a probe that checks images and figures.
    let probe_html = dir.join("report_probe.html");
    let text = std::fs::read_to_string(&html).unwrap();
    let with_probe = match text.rfind("</body>") {
        Some(k) => format!("{}{PROBE}{}", &text[..k], &text[k..]),
        None => format!("{text}{PROBE}"),
    };
    std::fs::write(&probe_html, with_probe).unwrap();
    let (dom, stderr) =
        chromium(&dir.join("profile"), &["--dump-dom".into()], &format!("file://{}", probe_html.display()));
    let console = console_lines(&stderr);
    assert!(console.is_empty(), "console messages:\n{}", console.join("\n"));
    assert!(probe_value(&dom, "text") > 2000, "page text is nearly empty");
    assert!(probe_value(&dom, "svgs") >= 8, "expected the report's figures as inline SVG");
    assert_eq!(probe_value(&dom, "broken"), 0, "broken image(s)");
    assert_eq!(probe_value(&dom, "empty_svgs"), 0, "figure(s) rendered with no size");
    for section in ["Design", "Stability", "Results", "Published vs reproduced", "Reporting checklist", "Provenance"] {
        assert!(dom.contains(section), "section {section} missing from the rendered page");
    }
    println!("report_check: screenshot {} ({size} bytes)", shot.display());
}
