//! Forest plot: one point estimate with its confidence interval per row (e.g. AUC per centre
//! or cohort), row labels on the left, optional text column on the right and an optional
//! vertical reference line. Must not compute estimates or intervals.
use plotters::prelude::DrawingBackend;

use super::axes::{draw_grid, draw_x_axis, finite_range, nice_ticks, padded, x_axis_height, Frame, Rect};
use super::canvas::{render_figure, Align, Canvas, Marker};
use super::style::{series_color, BLACK, GAP, REFERENCE_GREY, REFERENCE_WIDTH, TICK_LABEL_SIZE};
use super::{Figure, PlotError};

/// One forest-plot row. `annotation` is printed in the right column (e.g. "0.84 (0.76–0.91)");
/// `summary` rows (pooled estimates) are drawn as a diamond spanning the interval.
#[derive(Clone, Debug, PartialEq)]
pub struct ForestRow {
    pub label: String,
    pub estimate: f64,
    pub lo: f64,
    pub hi: f64,
    pub annotation: String,
    pub summary: bool,
}

const WIDTH: u32 = 1600;
const MARGIN: f64 = 50.0;
const ROW: f64 = 130.0;

/// Draws a forest plot with rows top to bottom in the given order.
pub fn forest(rows: &[ForestRow], x_label: &str, reference: Option<f64>, title: &str) -> Result<Figure, PlotError> {
    if rows.is_empty() {
        return Err(PlotError::InvalidInput("forest: no rows given".into()));
    }
    let values = rows.iter().flat_map(|r| [r.estimate, r.lo, r.hi]).chain(reference);
    if finite_range(values).is_none() {
        return Err(PlotError::InvalidInput("forest: no finite estimate or interval".into()));
    }
    let height = (((ROW * rows.len() as f64) + 600.0) / 2.0).ceil() as u32;
    render_figure(
        (WIDTH, height.max(500)),
        |c| draw(c, rows, x_label, reference, title),
        |c| draw(c, rows, x_label, reference, title),
    )
}

fn draw<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    rows: &[ForestRow],
    x_label: &str,
    reference: Option<f64>,
    title: &str,
) -> Result<(), PlotError> {
    let (w, h) = canvas.size();
    let top = canvas.title(title)? + 20.0;
    let (lo, hi) =
        finite_range(rows.iter().flat_map(|r| [r.estimate, r.lo, r.hi]).chain(reference)).unwrap_or((0.0, 1.0));
    let xr = padded(lo, hi, 0.06);
    let ticks = nice_ticks(xr.0, xr.1, 5);

    let (mut label_w, mut note_w) = (0.0f64, 0.0f64);
    for r in rows {
        label_w = label_w.max(canvas.text_width(&r.label, TICK_LABEL_SIZE)?);
        note_w = note_w.max(canvas.text_width(&r.annotation, TICK_LABEL_SIZE)?);
    }
    let x0 = MARGIN + label_w.min(w * 0.35) + 3.0 * GAP;
    let x1 = w - MARGIN - if note_w > 0.0 { note_w.min(w * 0.3) + 3.0 * GAP } else { 40.0 };
    let bottom = h - MARGIN - x_axis_height(true);
    let n = rows.len() as f64;
    let frame = Frame::new(Rect { x0, y0: top, x1, y1: bottom }, xr, (0.0, n));
    draw_grid(canvas, &frame, &ticks, &[])?;
    if let Some(r) = reference.filter(|r| r.is_finite()) {
        let line = [frame.px((r, 0.0)), frame.px((r, n))];
        canvas.dashed(&line, REFERENCE_GREY, REFERENCE_WIDTH, 30.0, 20.0)?;
    }
    let row_px = frame.rect.height() / n;
    for (i, r) in rows.iter().enumerate() {
        let yv = n - i as f64 - 0.5;
        let y = frame.y.map(yv);
        let color = if r.summary { BLACK } else { series_color(0) };
        canvas.text(&r.label, (MARGIN, y), TICK_LABEL_SIZE, BLACK, Align::Left, super::canvas::VAlign::Middle)?;
        canvas.text(
            &r.annotation,
            (x1 + 3.0 * GAP, y),
            TICK_LABEL_SIZE,
            BLACK,
            Align::Left,
            super::canvas::VAlign::Middle,
        )?;
        let has_ci = r.lo.is_finite() && r.hi.is_finite();
        if r.summary && has_ci && r.estimate.is_finite() {
            let half = (row_px * 0.28).min(40.0);
            let pts = [
                (frame.x.map(r.lo), y),
                (frame.x.map(r.estimate), y - half),
                (frame.x.map(r.hi), y),
                (frame.x.map(r.estimate), y + half),
            ];
            canvas.polygon(&pts, color, 1.0)?;
            continue;
        }
        if has_ci {
            canvas.path(&[(frame.x.map(r.lo), y), (frame.x.map(r.hi), y)], color, 7)?;
        }
        if r.estimate.is_finite() {
            canvas.marker(Marker::Square, (frame.x.map(r.estimate), y), 24.0, color)?;
        }
    }
    draw_x_axis(canvas, &frame, &ticks, x_label)
}
