//! ROC curve figure: one or more empirical curves, optional pointwise confidence bands and
//! the chance diagonal. Must not compute ROC points, AUCs or bands — they are inputs.
use plotters::prelude::DrawingBackend;

use super::axes::{draw_grid, draw_x_axis, draw_y_axis, ticks_with_step, x_axis_height, y_axis_width, Frame, Rect};
use super::canvas::{render_figure, Canvas};
use super::legend::{draw_legend, sample_path, Corner, Glyph, LegendEntry};
use super::style::{series_color, BAND_ALPHA, CURVE_WIDTH, REFERENCE_GREY, REFERENCE_WIDTH};
use super::{check_same_len, Figure, PlotError};

/// One ROC curve. `fpr`/`tpr` are the curve vertices in drawing order; `band` is an optional
/// pointwise CI as (fpr grid, lower tpr, upper tpr).
#[derive(Clone, Debug, PartialEq)]
pub struct RocSeries {
    pub label: String,
    pub fpr: Vec<f64>,
    pub tpr: Vec<f64>,
    pub band: Option<(Vec<f64>, Vec<f64>, Vec<f64>)>,
}

/// PNG size in pixels (square plotting region).
const SIZE: (u32, u32) = (1500, 1500);
const MARGIN: f64 = 50.0;

/// Draws ROC curves (x: 1 − specificity, y: sensitivity) with CI bands and chance line.
pub fn roc(curves: &[RocSeries], title: &str) -> Result<Figure, PlotError> {
    if curves.is_empty() {
        return Err(PlotError::InvalidInput("roc: no curves given".into()));
    }
    for c in curves {
        check_same_len(&format!("roc '{}' fpr/tpr", c.label), c.fpr.len(), c.tpr.len())?;
        if let Some((g, lo, hi)) = &c.band {
            check_same_len(&format!("roc '{}' band lower", c.label), g.len(), lo.len())?;
            check_same_len(&format!("roc '{}' band upper", c.label), g.len(), hi.len())?;
        }
    }
    render_figure(SIZE, |c| draw(c, curves, title), |c| draw(c, curves, title))
}

/// Square frame inside the area left after title and axes.
fn square_frame<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    top: f64,
    ticks: &[super::axes::Tick],
) -> Result<Frame, PlotError> {
    let (w, h) = canvas.size();
    let left = MARGIN + y_axis_width(canvas, ticks, true)?;
    let bottom = h - MARGIN - x_axis_height(true);
    let right = w - MARGIN - 40.0;
    let top = top + 30.0;
    let side = (right - left).min(bottom - top);
    let x0 = left + ((right - left) - side) / 2.0;
    let rect = Rect { x0, y0: bottom - side, x1: x0 + side, y1: bottom };
    Ok(Frame::new(rect, (-0.02, 1.02), (-0.02, 1.02)))
}

fn draw<DB: DrawingBackend>(canvas: &Canvas<DB>, curves: &[RocSeries], title: &str) -> Result<(), PlotError> {
    let top = canvas.title(title)?;
    let ticks = ticks_with_step(0.0, 1.0, 0.2);
    let frame = square_frame(canvas, top, &ticks)?;
    draw_grid(canvas, &frame, &ticks, &ticks)?;

    for (i, c) in curves.iter().enumerate() {
        if let Some((grid, lo, hi)) = &c.band {
            let ok: Vec<usize> =
                (0..grid.len()).filter(|&k| grid[k].is_finite() && lo[k].is_finite() && hi[k].is_finite()).collect();
            let clamp = |v: f64| v.clamp(0.0, 1.0);
            let mut poly: Vec<_> = ok.iter().map(|&k| frame.px((clamp(grid[k]), clamp(hi[k])))).collect();
            poly.extend(ok.iter().rev().map(|&k| frame.px((clamp(grid[k]), clamp(lo[k])))));
            canvas.polygon(&poly, series_color(i), BAND_ALPHA)?;
        }
    }
    let diagonal = [frame.px((0.0, 0.0)), frame.px((1.0, 1.0))];
    canvas.dashed(&diagonal, REFERENCE_GREY, REFERENCE_WIDTH, 30.0, 20.0)?;

    let mut obstacles = sample_path(&diagonal, 12.0);
    for (i, c) in curves.iter().enumerate() {
        let pts: Vec<(f64, f64)> = c.fpr.iter().copied().zip(c.tpr.iter().copied()).collect();
        for run in frame.clipped_px(&pts) {
            canvas.path(&run, series_color(i), CURVE_WIDTH)?;
            obstacles.extend(sample_path(&run, 12.0));
        }
    }
    draw_x_axis(canvas, &frame, &ticks, "1 \u{2212} specificity (false-positive rate)")?;
    draw_y_axis(canvas, &frame, &ticks, "Sensitivity (true-positive rate)")?;

    let mut entries: Vec<LegendEntry> = curves
        .iter()
        .enumerate()
        .map(|(i, c)| LegendEntry {
            label: c.label.clone(),
            glyph: Glyph::Line { color: series_color(i), width: CURVE_WIDTH, dashed: false, band: c.band.is_some() },
        })
        .collect();
    entries.push(LegendEntry {
        label: "Chance".into(),
        glyph: Glyph::Line { color: REFERENCE_GREY, width: REFERENCE_WIDTH, dashed: true, band: false },
    });
    draw_legend(canvas, &frame, &entries, &obstacles, &[Corner::LowerRight, Corner::UpperLeft])
}
