//! Generic report document model (title, warnings, sections of paragraphs, tables, figures and
//! key–value lists) shared by the HTML and Markdown renderers. Must not know about any study,
//! statistic or file layout; it only holds display-ready text and SVG.
use serde::{Deserialize, Serialize};

use super::plots::Figure;

/// A whole report.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportDoc {
    pub title: String,
    pub subtitle: String,
    /// Shown in a banner at the top (e.g. "Synthetic cohort", "Small sample").
    pub warnings: Vec<String>,
    pub sections: Vec<Section>,
}

/// A titled section; `id` is used for anchors (sanitised by the renderers).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub blocks: Vec<Block>,
}

/// One piece of section content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Block {
    Paragraph(String),
    Table(Table),
    Figure(FigureBlock),
    KeyValue(Vec<(String, String)>),
}

/// A figure: inline SVG plus the names of the files it was also written to.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FigureBlock {
    pub title: String,
    pub caption: String,
    pub svg: String,
    pub files: Vec<String>,
}

impl FigureBlock {
    /// Block for a rendered figure (its SVG is embedded; `files` lists saved copies).
    pub fn from_figure(title: &str, caption: &str, figure: &Figure, files: Vec<String>) -> Self {
        FigureBlock { title: title.to_string(), caption: caption.to_string(), svg: figure.svg.clone(), files }
    }
}

/// A table of display-ready strings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub note: Option<String>,
}

impl Table {
    /// Number of columns: the longest of the header and all rows (short rows are padded).
    pub fn column_count(&self) -> usize {
        self.rows.iter().map(Vec::len).chain(std::iter::once(self.header.len())).max().unwrap_or(0)
    }
}

/// Anchor ids for all sections: `[a-z0-9_-]` only, "section-N" when empty, "-2", "-3", …
/// appended to repeats, so every id is unique and safe in HTML and Markdown links.
pub fn section_anchors(doc: &ReportDoc) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(doc.sections.len());
    for (i, s) in doc.sections.iter().enumerate() {
        let mut id: String =
            s.id.trim()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c.to_ascii_lowercase() } else { '-' })
                .collect();
        if id.trim_matches('-').is_empty() {
            id = format!("section-{}", i + 1);
        }
        let base = id.clone();
        let mut k = 2;
        while out.contains(&id) {
            id = format!("{base}-{k}");
            k += 1;
        }
        out.push(id);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_sanitised_and_unique() {
        let sec = |id: &str| Section { id: id.into(), title: "t".into(), blocks: vec![] };
        let doc = ReportDoc {
            sections: vec![sec("Results 1"), sec(""), sec("results-1"), sec("\"><x>")],
            ..Default::default()
        };
        assert_eq!(section_anchors(&doc), ["results-1", "section-2", "results-1-2", "---x-"]);
    }

    #[test]
    fn column_count_uses_longest_row() {
        let t = Table {
            header: vec!["a".into()],
            rows: vec![vec!["1".into(), "2".into(), "3".into()]],
            ..Default::default()
        };
        assert_eq!(t.column_count(), 3);
    }
}
