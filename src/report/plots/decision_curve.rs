//! Decision-curve figure: net benefit of each model across threshold probabilities with the
//! "treat all" and "treat none" reference strategies (Vickers & Elkin 2006 layout).
//! Must not compute net benefit — all curves are inputs.
use plotters::prelude::DrawingBackend;

use super::axes::{draw_x_axis, draw_y_axis, finite_range, grid_frame, padded};
use super::canvas::{render_figure, Canvas};
use super::legend::{draw_legend, sample_path, Corner, Glyph, LegendEntry};
use super::style::{series_color, BLACK, CURVE_WIDTH, REFERENCE_GREY, REFERENCE_WIDTH};
use super::{check_same_len, Figure, PlotError};

/// A polyline in data coordinates with its colour and stroke width.
type Line = (Vec<(f64, f64)>, plotters::prelude::RGBColor, u32);

const SIZE: (u32, u32) = (1600, 1200);
const MARGIN: f64 = 50.0;

/// Draws net benefit vs threshold probability. Every curve has one value per threshold.
/// The y-axis is cut at −20 % of the best net benefit so "treat all" does not dominate.
pub fn decision_curve(
    thresholds: &[f64],
    series: &[(String, Vec<f64>)],
    treat_all: &[f64],
    treat_none: &[f64],
    title: &str,
) -> Result<Figure, PlotError> {
    if thresholds.is_empty() {
        return Err(PlotError::InvalidInput("decision curve: no thresholds".into()));
    }
    for (label, nb) in series {
        check_same_len(&format!("decision curve '{label}'"), thresholds.len(), nb.len())?;
    }
    check_same_len("decision curve treat all", thresholds.len(), treat_all.len())?;
    check_same_len("decision curve treat none", thresholds.len(), treat_none.len())?;
    if finite_range(thresholds.iter().copied()).is_none() {
        return Err(PlotError::InvalidInput("decision curve: no finite threshold".into()));
    }
    render_figure(
        SIZE,
        |c| draw(c, thresholds, series, treat_all, treat_none, title),
        |c| draw(c, thresholds, series, treat_all, treat_none, title),
    )
}

fn draw<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    thresholds: &[f64],
    series: &[(String, Vec<f64>)],
    treat_all: &[f64],
    treat_none: &[f64],
    title: &str,
) -> Result<(), PlotError> {
    let (w, h) = canvas.size();
    let top = canvas.title(title)? + 30.0;
    let (t_lo, t_hi) = finite_range(thresholds.iter().copied()).unwrap_or((0.0, 1.0));
    let xr = padded(t_lo, t_hi, 0.01);
    let all = series
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .chain(treat_all.iter().copied())
        .chain(treat_none.iter().copied());
    let (v_lo, v_hi) = finite_range(all).unwrap_or((0.0, 0.1));
    let best = v_hi.max(0.01);
    let floor = v_lo.max(-0.2 * best).min(0.0);
    let yr = (floor - 0.04 * best, best * 1.06);
    let (frame, x_ticks, y_ticks) = grid_frame(canvas, (w, h), MARGIN, (top, 50.0), xr, yr)?;

    let curve = |v: &[f64]| -> Vec<(f64, f64)> { thresholds.iter().copied().zip(v.iter().copied()).collect() };
    let mut obstacles = Vec::new();
    let mut lines: Vec<Line> =
        vec![(curve(treat_none), BLACK, REFERENCE_WIDTH), (curve(treat_all), REFERENCE_GREY, REFERENCE_WIDTH)];
    for (i, (_, nb)) in series.iter().enumerate() {
        lines.push((curve(nb), series_color(i), CURVE_WIDTH));
    }
    for (pts, color, width) in &lines {
        for run in frame.clipped_px(pts) {
            canvas.path(&run, *color, *width)?;
            obstacles.extend(sample_path(&run, 12.0));
        }
    }
    draw_x_axis(canvas, &frame, &x_ticks, "Threshold probability")?;
    draw_y_axis(canvas, &frame, &y_ticks, "Net benefit")?;

    let mut entries: Vec<LegendEntry> = series
        .iter()
        .enumerate()
        .map(|(i, (label, _))| LegendEntry {
            label: label.clone(),
            glyph: Glyph::Line { color: series_color(i), width: CURVE_WIDTH, dashed: false, band: false },
        })
        .collect();
    entries.push(LegendEntry {
        label: "Treat all".into(),
        glyph: Glyph::Line { color: REFERENCE_GREY, width: REFERENCE_WIDTH, dashed: false, band: false },
    });
    entries.push(LegendEntry {
        label: "Treat none".into(),
        glyph: Glyph::Line { color: BLACK, width: REFERENCE_WIDTH, dashed: false, band: false },
    });
    draw_legend(canvas, &frame, &entries, &obstacles, &[Corner::UpperRight, Corner::LowerLeft])
}
