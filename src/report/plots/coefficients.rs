//! Horizontal bar chart of model coefficients (e.g. selected radiomic features), positive and
//! negative bars in different colours with the value printed at each bar end.
//! Must not select, sort or standardise coefficients — rows are drawn in the given order.
use plotters::prelude::DrawingBackend;

use super::axes::{draw_grid, draw_x_axis, finite_range, format_sig, nice_ticks, x_axis_height, Frame, Rect};
use super::canvas::{render_figure, Align, Canvas, VAlign};
use super::style::{series_color, AXIS_WIDTH, BLACK, GAP, TEXT_GREY, TICK_LABEL_SIZE};
use super::{check_same_len, Figure, PlotError};

const WIDTH: u32 = 1600;
const MARGIN: f64 = 50.0;
const ROW: f64 = 110.0;

/// Draws one horizontal bar per (name, value), top to bottom; non-finite values show "NA".
pub fn coefficients(names: &[String], values: &[f64], x_label: &str, title: &str) -> Result<Figure, PlotError> {
    check_same_len("coefficients names/values", names.len(), values.len())?;
    if names.is_empty() {
        return Err(PlotError::InvalidInput("coefficients: nothing to draw".into()));
    }
    let height = ((ROW * names.len() as f64 + 560.0) / 2.0).ceil() as u32;
    render_figure(
        (WIDTH, height.max(450)),
        |c| draw(c, names, values, x_label, title),
        |c| draw(c, names, values, x_label, title),
    )
}

fn draw<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    names: &[String],
    values: &[f64],
    x_label: &str,
    title: &str,
) -> Result<(), PlotError> {
    let (w, h) = canvas.size();
    let top = canvas.title(title)? + 20.0;
    let (lo, hi) = finite_range(values.iter().copied().chain([0.0])).unwrap_or((0.0, 1.0));
    let span = if hi > lo { hi - lo } else { 1.0 };
    // Room for the printed values beyond the bar ends.
    let xr =
        (if lo < 0.0 { lo - 0.22 * span } else { -0.02 * span }, if hi > 0.0 { hi + 0.22 * span } else { 0.02 * span });
    let ticks = nice_ticks(xr.0, xr.1, 6);
    let mut label_w = 0.0f64;
    for n in names {
        label_w = label_w.max(canvas.text_width(n, TICK_LABEL_SIZE)?);
    }
    let x0 = MARGIN + label_w.min(w * 0.45) + 2.0 * GAP;
    let n = names.len() as f64;
    let frame =
        Frame::new(Rect { x0, y0: top, x1: w - MARGIN - 50.0, y1: h - MARGIN - x_axis_height(true) }, xr, (0.0, n));
    draw_grid(canvas, &frame, &ticks, &[])?;
    let bar_half = frame.rect.height() / n * 0.32;
    for (i, (name, &v)) in names.iter().zip(values).enumerate() {
        let y = frame.y.map(n - i as f64 - 0.5);
        canvas.text(name, (x0 - 2.0 * GAP, y), TICK_LABEL_SIZE, BLACK, Align::Right, VAlign::Middle)?;
        let x_zero = frame.x.map(0.0);
        if !v.is_finite() {
            canvas.text("NA", (x_zero + GAP, y), TICK_LABEL_SIZE, TEXT_GREY, Align::Left, VAlign::Middle)?;
            continue;
        }
        let xv = frame.x.map(v);
        let color = if v >= 0.0 { series_color(0) } else { series_color(1) };
        canvas.rect((x_zero, y - bar_half), (xv, y + bar_half), color, 0.9)?;
        let (tx, align) = if v >= 0.0 { (xv + GAP, Align::Left) } else { (xv - GAP, Align::Right) };
        canvas.text(&format_sig(v, 3), (tx, y), TICK_LABEL_SIZE * 0.9, TEXT_GREY, align, VAlign::Middle)?;
    }
    let zero = [frame.px((0.0, 0.0)), frame.px((0.0, n))];
    canvas.path(&zero, BLACK, AXIS_WIDTH)?;
    draw_x_axis(canvas, &frame, &ticks, x_label)
}
