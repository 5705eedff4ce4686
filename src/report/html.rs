//! Renders a `ReportDoc` as ONE self-contained HTML file: inline CSS (screen + print), sticky
//! table of contents, warnings banner, inline SVG figures. Must not reference any external
//! resource (no src/href to other hosts, no fonts, no JavaScript) and must escape all text.
use std::fmt::Write;

use super::doc::{section_anchors, Block, FigureBlock, ReportDoc, Table};

const CSS: &str = r#"
:root { --ink:#1b1b1b; --muted:#555; --rule:#d8d8d8; --accent:#0072B2; --zebra:#f6f7f9; }
* { box-sizing: border-box; }
html { font-size: 16px; }
body { margin: 0; color: var(--ink); background: #fff;
  font-family: "DejaVu Sans", "Segoe UI", "Helvetica Neue", Helvetica, Arial, sans-serif;
  line-height: 1.55; }
.layout { display: grid; grid-template-columns: 15rem minmax(0, 1fr); gap: 2.5rem;
  max-width: 78rem; margin: 0 auto; padding: 0 1.5rem; }
nav.toc { position: sticky; top: 0; align-self: start; max-height: 100vh; overflow-y: auto;
  padding: 1.5rem 0; font-size: 0.9rem; }
nav.toc h2 { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.08em;
  color: var(--muted); margin: 0 0 0.5rem; }
nav.toc ol { list-style: none; margin: 0; padding: 0; }
nav.toc li { margin: 0.15rem 0; }
nav.toc a { color: var(--ink); text-decoration: none; display: block; padding: 0.15rem 0.5rem;
  border-left: 3px solid transparent; }
nav.toc a:hover { border-left-color: var(--accent); color: var(--accent); }
main { min-width: 0; padding: 1.5rem 0 4rem; max-width: 56rem; }
header h1 { font-size: 1.9rem; line-height: 1.25; margin: 0 0 0.3rem; }
header .subtitle { color: var(--muted); margin: 0 0 1.2rem; font-size: 1.05rem; }
.warnings { border: 2px solid #b7791f; background: #fff6dd; color: #5c3d00; border-radius: 6px;
  padding: 0.75rem 1rem; margin: 1rem 0 1.5rem; }
.warnings strong { display: block; margin-bottom: 0.25rem; }
.warnings ul { margin: 0; padding-left: 1.25rem; }
section { margin-top: 2.25rem; }
section > h2 { font-size: 1.35rem; border-bottom: 1px solid var(--rule); padding-bottom: 0.3rem; }
p { margin: 0.6rem 0; }
figure { margin: 1.5rem 0; }
figure.figure .svg-wrap svg { display: block; width: 100%; height: auto; max-width: 46rem;
  margin: 0 auto; }
figcaption { font-size: 0.92rem; color: var(--muted); margin-top: 0.4rem; }
figcaption strong { color: var(--ink); }
.files { font-size: 0.8rem; color: var(--muted); margin: 0.2rem 0 0; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.9rem; font-variant-numeric: tabular-nums;
  margin: 0.3rem 0; }
figure.table figcaption { font-weight: 600; color: var(--ink); margin: 0 0 0.4rem; }
th, td { padding: 0.35rem 0.7rem; border-bottom: 1px solid var(--rule); text-align: left;
  vertical-align: top; }
thead th { border-bottom: 2px solid var(--ink); }
tbody tr:nth-child(even) { background: var(--zebra); }
td.num { text-align: right; white-space: nowrap; }
p.note { font-size: 0.85rem; color: var(--muted); }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1.25rem; margin: 0.8rem 0; }
dl.kv dt { font-weight: 600; }
dl.kv dd { margin: 0; word-break: break-word; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.85em; }
@media (max-width: 900px) {
  .layout { grid-template-columns: 1fr; gap: 0; }
  nav.toc { position: static; max-height: none; border-bottom: 1px solid var(--rule); }
}
@media print {
  nav.toc { display: none; }
  .layout { display: block; max-width: none; padding: 0; }
  main { max-width: none; padding: 0; }
  body { font-size: 10.5pt; }
  section { break-before: auto; }
  figure, table, .warnings, dl.kv { break-inside: avoid; }
  thead { display: table-header-group; }
  tbody tr:nth-child(even) { background: none; }
  .warnings { background: none; }
  figure.figure .svg-wrap svg { max-width: 14cm; max-height: 15cm; }
}
"#;

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escaped text with line breaks kept as `<br>`.
fn text_with_breaks(s: &str) -> String {
    escape_html(s).replace("\r\n", "\n").replace('\n', "<br>")
}

/// True when one markup tag (text between `<` and `>`, lower-cased) could run code or load
/// something: script-like elements, `on*` handlers, `href`/`src` attributes, `url(`.
fn tag_is_unsafe(tag: &str) -> bool {
    if tag.starts_with('!') || tag.starts_with('?') {
        return true;
    }
    let name = tag.trim_start_matches('/').split_whitespace().next().unwrap_or("");
    let banned = [
        "script",
        "foreignobject",
        "iframe",
        "object",
        "embed",
        "image",
        "use",
        "a",
        "style",
        "link",
        "animate",
        "set",
        "feimage",
    ];
    if banned.contains(&name.trim_end_matches('/')) || tag.contains("url(") || tag.contains("javascript:") {
        return true;
    }
    tag.split_whitespace().skip(1).any(|tok| match tok.split_once('=') {
        Some((attr, _)) => attr.starts_with("on") || attr.ends_with("href") || attr == "src",
        None => false,
    })
}

/// Inline SVG if it is a plain drawing (starts with `<svg`, no scripts, event handlers,
/// foreign objects or external references); the namespace attribute is dropped (not needed
/// inline). Anything else yields `None`.
fn safe_inline_svg(svg: &str) -> Option<String> {
    let s = svg.trim();
    let lower = s.to_ascii_lowercase();
    if !(lower.starts_with("<svg") && lower.ends_with("</svg>")) {
        return None;
    }
    let mut rest = lower.as_str();
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let close = after.find('>')?;
        if tag_is_unsafe(&after[..close]) {
            return None;
        }
        rest = &after[close + 1..];
    }
    Some(s.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1))
}

fn is_numeric_cell(s: &str) -> bool {
    let t = s.trim().replace('\u{2212}', "-");
    !t.is_empty() && (t.parse::<f64>().is_ok() || t == "NA")
}

fn render_table(out: &mut String, t: &Table) {
    let width = t.column_count();
    out.push_str("<figure class=\"table\">\n");
    if !t.title.is_empty() {
        let _ = writeln!(out, "<figcaption>{}</figcaption>", escape_html(&t.title));
    }
    out.push_str("<div class=\"table-wrap\"><table>\n");
    if !t.header.is_empty() {
        out.push_str("<thead><tr>");
        for i in 0..width {
            let h = t.header.get(i).map_or("", String::as_str);
            let _ = write!(out, "<th scope=\"col\">{}</th>", escape_html(h));
        }
        out.push_str("</tr></thead>\n");
    }
    out.push_str("<tbody>\n");
    for row in &t.rows {
        out.push_str("<tr>");
        for i in 0..width {
            let c = row.get(i).map_or("", String::as_str);
            let class = if is_numeric_cell(c) { " class=\"num\"" } else { "" };
            let _ = write!(out, "<td{class}>{}</td>", text_with_breaks(c));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
    if let Some(note) = t.note.as_deref().filter(|n| !n.is_empty()) {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", text_with_breaks(note));
    }
    out.push_str("</figure>\n");
}

fn render_figure(out: &mut String, f: &FigureBlock) {
    out.push_str("<figure class=\"figure\">\n<div class=\"svg-wrap\">\n");
    match safe_inline_svg(&f.svg) {
        Some(svg) => out.push_str(&svg),
        None => out.push_str("<p class=\"note\">[figure omitted: its SVG did not pass the inline safety check]</p>"),
    }
    out.push_str("\n</div>\n<figcaption>");
    if !f.title.is_empty() {
        let _ = write!(out, "<strong>{}</strong>", escape_html(&f.title));
        if !f.caption.is_empty() {
            out.push_str(" \u{2014} ");
        }
    }
    out.push_str(&text_with_breaks(&f.caption));
    out.push_str("</figcaption>\n");
    if !f.files.is_empty() {
        let files: Vec<String> = f.files.iter().map(|x| format!("<code>{}</code>", escape_html(x))).collect();
        let _ = writeln!(out, "<p class=\"files\">Files: {}</p>", files.join(", "));
    }
    out.push_str("</figure>\n");
}

/// Renders the whole document as a standalone HTML5 page (UTF-8, no external resources).
pub fn render_html(doc: &ReportDoc) -> String {
    let anchors = section_anchors(doc);
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>{}</title>", escape_html(&doc.title));
    let _ = writeln!(out, "<style>{CSS}</style>\n</head>\n<body>\n<div class=\"layout\">");

    out.push_str("<nav class=\"toc\" aria-label=\"Contents\">\n<h2>Contents</h2>\n<ol>\n");
    for (s, id) in doc.sections.iter().zip(&anchors) {
        let _ = writeln!(out, "<li><a href=\"#{id}\">{}</a></li>", escape_html(&s.title));
    }
    out.push_str("</ol>\n</nav>\n<main>\n<header>\n");
    let _ = writeln!(out, "<h1>{}</h1>", escape_html(&doc.title));
    if !doc.subtitle.is_empty() {
        let _ = writeln!(out, "<p class=\"subtitle\">{}</p>", escape_html(&doc.subtitle));
    }
    out.push_str("</header>\n");
    if !doc.warnings.is_empty() {
        out.push_str("<div class=\"warnings\" role=\"note\">\n<strong>\u{26A0} Read with care</strong>\n<ul>\n");
        for w in &doc.warnings {
            let _ = writeln!(out, "<li>{}</li>", escape_html(w));
        }
        out.push_str("</ul>\n</div>\n");
    }
    for (s, id) in doc.sections.iter().zip(&anchors) {
        let _ = writeln!(out, "<section id=\"{id}\">\n<h2>{}</h2>", escape_html(&s.title));
        for b in &s.blocks {
            match b {
                Block::Paragraph(p) => {
                    let _ = writeln!(out, "<p>{}</p>", text_with_breaks(p));
                }
                Block::Table(t) => render_table(&mut out, t),
                Block::Figure(f) => render_figure(&mut out, f),
                Block::KeyValue(kv) => {
                    out.push_str("<dl class=\"kv\">\n");
                    for (k, v) in kv {
                        let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", escape_html(k), text_with_breaks(v));
                    }
                    out.push_str("</dl>\n");
                }
            }
        }
        out.push_str("</section>\n");
    }
    out.push_str("</main>\n</div>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_all_specials() {
        assert_eq!(escape_html("<a href='x'>&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
    }

    #[test]
    fn svg_safety_check() {
        assert!(safe_inline_svg("<svg width=\"1\"><rect/></svg>").is_some());
        assert!(safe_inline_svg("<svg><script>alert(1)</script></svg>").is_none());
        assert!(safe_inline_svg("<svg><image href=\"http://x/y.png\"/></svg>").is_none());
        assert!(safe_inline_svg("<svg onload=\"x()\"></svg>").is_none());
        assert!(safe_inline_svg("<p>not svg</p>").is_none());
        assert!(safe_inline_svg("<svg><text x=\"1\">based on data</text></svg>").is_some());
        assert!(safe_inline_svg("<svg><a xlink:href=\"x\">k</a></svg>").is_none());
        assert!(safe_inline_svg("<svg><rect style=\"fill:url(http://x)\"/></svg>").is_none());
        let ns = safe_inline_svg("<svg width=\"2\" xmlns=\"http://www.w3.org/2000/svg\"></svg>").unwrap();
        assert_eq!(ns, "<svg width=\"2\"></svg>");
    }

    #[test]
    fn numeric_cells_detected() {
        assert!(is_numeric_cell(" 0.84 "));
        assert!(is_numeric_cell("\u{2212}1.5"));
        assert!(is_numeric_cell("NA"));
        assert!(!is_numeric_cell("0.84 (0.76-0.91)"));
        assert!(!is_numeric_cell(""));
    }
}
