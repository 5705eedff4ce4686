//! Report layer: publication-quality figures (SVG + PNG), a generic report document model and
//! its HTML / Markdown / CSV renderers. It only presents plain data handed to it; it must not
//! compute statistics, read study files or know how any number was obtained.
pub mod checklist;
pub mod csv_table;
pub mod doc;
pub mod html;
pub mod markdown;
pub mod nomogram_points;
pub mod plots;

pub use csv_table::table_to_csv;
pub use doc::{Block, FigureBlock, ReportDoc, Section, Table};
pub use html::render_html;
pub use markdown::render_markdown;
pub use plots::{Figure, PlotError};
