//! Histogram of one set of values (e.g. ICC per feature family) with an optional vertical
//! threshold line. Binning is a drawing step here; no statistic is computed or reported.
use plotters::prelude::DrawingBackend;

use super::axes::{
    draw_grid, draw_x_axis, draw_y_axis, finite_range, format_compact, nice_ticks, padded, ticks_with_step,
    x_axis_height, y_axis_width, Frame, Rect,
};
use super::canvas::{render_figure, Align, Canvas, VAlign};
use super::style::{series_color, GAP, REFERENCE_WIDTH, TICK_LABEL_SIZE, WHITE};
use super::{Figure, PlotError};

const SIZE: (u32, u32) = (1600, 1200);
const MARGIN: f64 = 50.0;

/// Bin counts over `bins` equal-width bins on [lo, hi]; the top edge belongs to the last bin.
pub fn bin_counts(values: &[f64], bins: usize, lo: f64, hi: f64) -> Vec<usize> {
    let mut counts = vec![0usize; bins];
    if bins == 0 || hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
        return counts;
    }
    for &v in values.iter().filter(|v| v.is_finite() && **v >= lo && **v <= hi) {
        let k = (((v - lo) / (hi - lo)) * bins as f64) as usize;
        counts[k.min(bins - 1)] += 1;
    }
    counts
}

/// Draws a histogram of the finite `values` in `bins` equal bins spanning their range
/// (widened to include `threshold_line`). Non-finite values are ignored.
pub fn histogram(
    values: &[f64],
    bins: usize,
    x_label: &str,
    title: &str,
    threshold_line: Option<f64>,
) -> Result<Figure, PlotError> {
    if bins == 0 {
        return Err(PlotError::InvalidInput("histogram: bins must be at least 1".into()));
    }
    if finite_range(values.iter().copied()).is_none() {
        return Err(PlotError::InvalidInput("histogram: no finite values".into()));
    }
    render_figure(
        SIZE,
        |c| draw(c, values, bins, x_label, title, threshold_line),
        |c| draw(c, values, bins, x_label, title, threshold_line),
    )
}

fn draw<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    values: &[f64],
    bins: usize,
    x_label: &str,
    title: &str,
    threshold: Option<f64>,
) -> Result<(), PlotError> {
    let (w, h) = canvas.size();
    let top = canvas.title(title)? + 30.0;
    let (lo, hi) = finite_range(values.iter().copied()).unwrap_or((0.0, 1.0));
    let (lo, hi) = if hi > lo { (lo, hi) } else { padded(lo, hi, 0.0) };
    let counts = bin_counts(values, bins, lo, hi);
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let span_lo = threshold.filter(|t| t.is_finite()).map_or(lo, |t| t.min(lo));
    let span_hi = threshold.filter(|t| t.is_finite()).map_or(hi, |t| t.max(hi));
    let xr = padded(span_lo, span_hi, 0.03);
    let x_ticks = nice_ticks(xr.0, xr.1, 7);
    let mut y_ticks = nice_ticks(0.0, max * 1.08, 5);
    if y_ticks.len() > 1 && y_ticks[1].value < 1.0 {
        y_ticks = ticks_with_step(0.0, max * 1.08, 1.0);
    }
    let left = MARGIN + y_axis_width(canvas, &y_ticks, true)?;
    let frame = Frame::new(
        Rect { x0: left, y0: top + 40.0, x1: w - MARGIN - 50.0, y1: h - MARGIN - x_axis_height(true) },
        xr,
        (0.0, max * 1.1),
    );
    draw_grid(canvas, &frame, &x_ticks, &y_ticks)?;
    let width = (hi - lo) / bins as f64;
    for (k, &n) in counts.iter().enumerate().filter(|(_, n)| **n > 0) {
        let a = frame.px((lo + k as f64 * width, 0.0));
        let b = frame.px((lo + (k + 1) as f64 * width, n as f64));
        canvas.rect(a, b, series_color(0), 0.85)?;
        canvas.rect_outline(a, b, WHITE, 3)?;
    }
    if let Some(t) = threshold.filter(|t| t.is_finite()) {
        let color = series_color(1);
        let line = [frame.px((t, 0.0)), (frame.x.map(t), frame.rect.y0)];
        canvas.dashed(&line, color, REFERENCE_WIDTH + 2, 30.0, 20.0)?;
        let label = format!("threshold = {}", format_compact(t, 3));
        let x = frame.x.map(t);
        let room_right = frame.rect.x1 - x;
        let (tx, align) = if room_right > canvas.text_width(&label, TICK_LABEL_SIZE)? + 2.0 * GAP {
            (x + GAP, Align::Left)
        } else {
            (x - GAP, Align::Right)
        };
        canvas.text(&label, (tx, frame.rect.y0 - 10.0), TICK_LABEL_SIZE, color, align, VAlign::Baseline)?;
    }
    draw_x_axis(canvas, &frame, &x_ticks, x_label)?;
    draw_y_axis(canvas, &frame, &y_ticks, "Count")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_include_top_edge_and_skip_nan() {
        let v = [0.0, 0.1, 0.5, 0.99, 1.0, f64::NAN];
        assert_eq!(bin_counts(&v, 2, 0.0, 1.0), vec![2, 3]);
        assert_eq!(bin_counts(&v, 0, 0.0, 1.0), Vec::<usize>::new());
    }
}
