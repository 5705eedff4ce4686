//! Renders a `ReportDoc` as CommonMark/GFM Markdown: headings, warnings as block quotes, pipe
//! tables (padded to a constant column count), figures as image links supplied by the caller.
//! Must not embed SVG or write files; all text is escaped so it renders literally.
use std::fmt::Write;

use super::doc::{section_anchors, Block, FigureBlock, ReportDoc, Table};

/// Backslash-escapes Markdown/HTML punctuation so text renders literally (CommonMark §2.4).
pub fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '!' | '&') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escapes a multi-line paragraph, also neutralising line starts that would become lists,
/// headings rules or setext underlines ("- ", "+ ", "=", "1. ").
fn escape_paragraph(s: &str) -> String {
    s.lines()
        .map(|line| {
            let e = escape_markdown(line);
            let trimmed = e.trim_start();
            let indent = &e[..e.len() - trimmed.len()];
            let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
            if trimmed.starts_with(['-', '+', '=']) {
                format!("{indent}\\{trimmed}")
            } else if digits > 0 && trimmed[digits..].starts_with(['.', ')']) {
                format!("{indent}{}\\{}", &trimmed[..digits], &trimmed[digits..])
            } else {
                e
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Escaped text for a table cell: also turns line breaks into spaces (a cell is one line).
fn cell(s: &str) -> String {
    escape_markdown(&s.replace("\r\n", " ").replace(['\n', '\r'], " "))
}

fn is_numeric(s: &str) -> bool {
    let t = s.trim().replace('\u{2212}', "-");
    t.parse::<f64>().is_ok() || t == "NA"
}

fn render_table(out: &mut String, t: &Table) {
    let width = t.column_count().max(1);
    if !t.title.is_empty() {
        let _ = writeln!(out, "**{}**\n", escape_markdown(&t.title));
    }
    let row_line = |cells: &[String]| -> String {
        let mut line = String::from("|");
        for i in 0..width {
            let _ = write!(line, " {} |", cell(cells.get(i).map_or("", String::as_str)));
        }
        line
    };
    out.push_str(&row_line(&t.header));
    out.push('\n');
    let mut sep = String::from("|");
    for i in 0..width {
        // Right-align columns whose non-empty cells are all numbers.
        let mut values = t.rows.iter().filter_map(|r| r.get(i)).filter(|c| !c.trim().is_empty()).peekable();
        let numeric = values.peek().is_some() && values.all(|c| is_numeric(c));
        sep.push_str(if numeric { " ---: |" } else { " --- |" });
    }
    out.push_str(&sep);
    out.push('\n');
    for r in &t.rows {
        out.push_str(&row_line(r));
        out.push('\n');
    }
    out.push('\n');
    if let Some(note) = t.note.as_deref().filter(|n| !n.is_empty()) {
        let _ = writeln!(out, "*{}*\n", escape_markdown(note));
    }
}

fn render_figure(out: &mut String, f: &FigureBlock, link: &str) {
    if !f.title.is_empty() {
        let _ = writeln!(out, "**Figure: {}**\n", escape_markdown(&f.title));
    }
    if !link.is_empty() {
        let alt = if f.title.is_empty() { "figure" } else { f.title.as_str() };
        let target = link.replace(' ', "%20").replace('(', "%28").replace(')', "%29");
        let _ = writeln!(out, "![{}]({})\n", escape_markdown(alt), target);
    }
    if !f.caption.is_empty() {
        let _ = writeln!(out, "{}\n", escape_paragraph(&f.caption));
    }
    if !f.files.is_empty() {
        let files: Vec<String> = f.files.iter().map(|x| format!("`{}`", x.replace('`', "'"))).collect();
        let _ = writeln!(out, "Files: {}\n", files.join(", "));
    }
}

/// Renders the document; `figure_link` returns the image path/URL to embed for each figure
/// (an empty string embeds no image, only title, caption and file names).
pub fn render_markdown(doc: &ReportDoc, figure_link: impl Fn(&FigureBlock) -> String) -> String {
    let anchors = section_anchors(doc);
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", escape_markdown(&doc.title));
    if !doc.subtitle.is_empty() {
        let _ = writeln!(out, "*{}*\n", escape_markdown(&doc.subtitle));
    }
    for w in &doc.warnings {
        let _ = writeln!(out, "> **Warning:** {}\n", escape_markdown(w));
    }
    if !doc.sections.is_empty() {
        out.push_str("## Contents\n\n");
        for (s, id) in doc.sections.iter().zip(&anchors) {
            let _ = writeln!(out, "- [{}](#{id})", escape_markdown(&s.title));
        }
        out.push('\n');
    }
    for (s, id) in doc.sections.iter().zip(&anchors) {
        let _ = writeln!(out, "<a id=\"{id}\"></a>\n\n## {}\n", escape_markdown(&s.title));
        for b in &s.blocks {
            match b {
                Block::Paragraph(p) => {
                    let _ = writeln!(out, "{}\n", escape_paragraph(p));
                }
                Block::Table(t) => render_table(&mut out, t),
                Block::Figure(f) => render_figure(&mut out, f, &figure_link(f)),
                Block::KeyValue(kv) => {
                    for (k, v) in kv {
                        let _ = writeln!(out, "- **{}:** {}", escape_markdown(k), cell(v));
                    }
                    out.push('\n');
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_inline_and_line_start_syntax() {
        assert_eq!(escape_markdown("a_b *c* <x> |"), "a\\_b \\*c\\* \\<x\\> \\|");
        assert_eq!(escape_paragraph("- item\n12. x\nplain"), "\\- item\n12\\. x\nplain");
    }
}
