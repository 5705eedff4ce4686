//! Histogram of one set of values, or small multiples of several (e.g. ICC per feature
//! family on a shared x axis), with an optional vertical threshold line. Binning is a drawing
//! step here; no statistic is computed or reported.
use plotters::prelude::DrawingBackend;

use super::axes::{
    draw_grid, draw_x_axis, draw_y_axis, finite_range, format_compact, nice_ticks, padded, ticks_with_step,
    x_axis_height, y_axis_width, Frame, Rect,
};
use super::canvas::{render_figure, Align, Canvas, VAlign};
use super::style::{series_color, AXIS_TITLE_SIZE, BLACK, GAP, REFERENCE_WIDTH, TICK_LABEL_SIZE, WHITE};
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
    let Some(range) = finite_range(values.iter().copied()) else {
        return Err(PlotError::InvalidInput("histogram: no finite values".into()));
    };
    let panel = Panel { values, title: "", bins, x_label, threshold: threshold_line, range };
    render_figure(SIZE, |c| draw_single(c, title, &panel), |c| draw_single(c, title, &panel))
}

fn draw_single<DB: DrawingBackend>(c: &Canvas<DB>, title: &str, panel: &Panel) -> Result<(), PlotError> {
    let (w, h) = c.size();
    let top = c.title(title)? + 30.0;
    draw_panel(c, Rect { x0: 0.0, y0: top, x1: w, y1: h }, panel)
}

/// One panel of `histogram_panels`: a title (e.g. a feature family) and its values.
#[derive(Debug, Clone, PartialEq)]
pub struct HistogramPanel {
    pub title: String,
    pub values: Vec<f64>,
}

/// Small multiples: one histogram per panel (up to 3 per row), all binned on the same
/// `bins` equal bins of the pooled range (widened to include `threshold_line`), so the panels
/// share the x axis; each has its own count axis and the threshold line.
pub fn histogram_panels(
    panels: &[HistogramPanel],
    bins: usize,
    x_label: &str,
    title: &str,
    threshold_line: Option<f64>,
) -> Result<Figure, PlotError> {
    if bins == 0 {
        return Err(PlotError::InvalidInput("histogram panels: bins must be at least 1".into()));
    }
    if panels.is_empty() {
        return Err(PlotError::InvalidInput("histogram panels: no panels".into()));
    }
    if let Some(p) = panels.iter().find(|p| finite_range(p.values.iter().copied()).is_none()) {
        return Err(PlotError::InvalidInput(format!("histogram panel '{}': no finite values", p.title)));
    }
    let range = finite_range(panels.iter().flat_map(|p| p.values.iter().copied())).unwrap_or((0.0, 1.0));
    let n = panels.len();
    let cols = match n {
        1..=3 => n,
        4 => 2,
        _ => 3,
    };
    let rows = n.div_ceil(cols);
    let size = (cols as u32 * PANEL.0, rows as u32 * PANEL.1 + HEADER);
    let list: Vec<Panel> = panels
        .iter()
        .map(|p| Panel { values: &p.values, title: &p.title, bins, x_label, threshold: threshold_line, range })
        .collect();
    render_figure(size, |c| draw_panels(c, title, &list, cols, rows), |c| draw_panels(c, title, &list, cols, rows))
}

fn draw_panels<DB: DrawingBackend>(
    c: &Canvas<DB>,
    title: &str,
    panels: &[Panel],
    cols: usize,
    rows: usize,
) -> Result<(), PlotError> {
    let (w, h) = c.size();
    let top = c.title(title)? + 20.0;
    let (pw, ph) = (w / cols as f64, (h - top) / rows as f64);
    for (k, p) in panels.iter().enumerate() {
        let (col, row) = ((k % cols) as f64, (k / cols) as f64);
        let area = Rect { x0: col * pw, y0: top + row * ph, x1: (col + 1.0) * pw, y1: top + (row + 1.0) * ph };
        draw_panel(c, area, p)?;
    }
    Ok(())
}

/// PNG size of one small-multiple panel and the height reserved for the figure title.
const PANEL: (u32, u32) = (1000, 720);
const HEADER: u32 = 90;

/// What one histogram panel draws; `range` is the binning range (before the threshold).
struct Panel<'a> {
    values: &'a [f64],
    title: &'a str,
    bins: usize,
    x_label: &'a str,
    threshold: Option<f64>,
    range: (f64, f64),
}

fn draw_panel<DB: DrawingBackend>(canvas: &Canvas<DB>, area: Rect, p: &Panel) -> Result<(), PlotError> {
    let mut top = area.y0;
    if !p.title.is_empty() {
        let x = (area.x0 + area.x1) / 2.0;
        canvas.text(p.title, (x, top + 10.0), AXIS_TITLE_SIZE, BLACK, Align::Center, VAlign::Top)?;
        top += 10.0 + AXIS_TITLE_SIZE * 1.15 + TICK_LABEL_SIZE;
    }
    let (lo, hi) = p.range;
    let (lo, hi) = if hi > lo { (lo, hi) } else { padded(lo, hi, 0.0) };
    let counts = bin_counts(p.values, p.bins, lo, hi);
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let threshold = p.threshold.filter(|t| t.is_finite());
    let span_lo = threshold.map_or(lo, |t| t.min(lo));
    let span_hi = threshold.map_or(hi, |t| t.max(hi));
    let xr = padded(span_lo, span_hi, 0.03);
    let x_ticks = nice_ticks(xr.0, xr.1, 7);
    let mut y_ticks = nice_ticks(0.0, max * 1.08, 5);
    if y_ticks.len() > 1 && y_ticks[1].value < 1.0 {
        y_ticks = ticks_with_step(0.0, max * 1.08, 1.0);
    }
    let left = area.x0 + MARGIN + y_axis_width(canvas, &y_ticks, true)?;
    let frame = Frame::new(
        Rect { x0: left, y0: top + 40.0, x1: area.x1 - MARGIN - 50.0, y1: area.y1 - MARGIN - x_axis_height(true) },
        xr,
        (0.0, max * 1.1),
    );
    draw_grid(canvas, &frame, &x_ticks, &y_ticks)?;
    let width = (hi - lo) / p.bins as f64;
    for (k, &n) in counts.iter().enumerate().filter(|(_, n)| **n > 0) {
        let a = frame.px((lo + k as f64 * width, 0.0));
        let b = frame.px((lo + (k + 1) as f64 * width, n as f64));
        canvas.rect(a, b, series_color(0), 0.85)?;
        canvas.rect_outline(a, b, WHITE, 3)?;
    }
    if let Some(t) = threshold {
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
    draw_x_axis(canvas, &frame, &x_ticks, p.x_label)?;
    draw_y_axis(canvas, &frame, &y_ticks, "Count")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panels_validate_input() {
        let p = |t: &str, v: Vec<f64>| HistogramPanel { title: t.into(), values: v };
        assert!(histogram_panels(&[], 10, "x", "t", None).is_err());
        assert!(histogram_panels(&[p("a", vec![f64::NAN])], 10, "x", "t", None).is_err());
        let f = histogram_panels(&[p("glcm", vec![0.1, 0.9]), p("stats", vec![0.5])], 10, "ICC", "t", Some(0.75));
        assert!(f.unwrap().svg.contains("glcm"));
    }

    #[test]
    fn bins_include_top_edge_and_skip_nan() {
        let v = [0.0, 0.1, 0.5, 0.99, 1.0, f64::NAN];
        assert_eq!(bin_counts(&v, 2, 0.0, 1.0), vec![2, 3]);
        assert_eq!(bin_counts(&v, 0, 0.0, 1.0), Vec::<usize>::new());
    }
}
