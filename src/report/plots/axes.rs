//! Cartesian frames: data→pixel scales, "nice" tick selection, number formatting, grid, axes
//! with tick labels and titles, and clipping of polylines to the visible data range.
//! Must not draw any data series itself.
use plotters::prelude::DrawingBackend;

use super::canvas::{Align, Canvas, Px, VAlign};
use super::style::{
    AXIS_TITLE_SIZE, AXIS_WIDTH, BLACK, GAP, GRID_GREY, GRID_WIDTH, TEXT_GREY, TICK_LABEL_SIZE, TICK_LENGTH,
};
use super::PlotError;

/// Rectangle in design pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    /// Width in design pixels.
    pub fn width(&self) -> f64 {
        self.x1 - self.x0
    }
    /// Height in design pixels.
    pub fn height(&self) -> f64 {
        self.y1 - self.y0
    }
    /// True when the point lies inside (inclusive).
    pub fn contains(&self, p: Px) -> bool {
        p.0 >= self.x0 && p.0 <= self.x1 && p.1 >= self.y0 && p.1 <= self.y1
    }
}

/// Linear map from the data interval [lo, hi] to pixels [px_lo, px_hi].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    pub lo: f64,
    pub hi: f64,
    pub px_lo: f64,
    pub px_hi: f64,
}

impl Scale {
    /// Pixel position of data value `v`.
    pub fn map(&self, v: f64) -> f64 {
        self.px_lo + (v - self.lo) / (self.hi - self.lo) * (self.px_hi - self.px_lo)
    }
}

/// A plotting rectangle with its x and y data scales.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    pub rect: Rect,
    pub x: Scale,
    pub y: Scale,
}

impl Frame {
    /// Frame covering `rect`, mapping data x∈`xr`, y∈`yr` (y grows upwards).
    pub fn new(rect: Rect, xr: (f64, f64), yr: (f64, f64)) -> Frame {
        Frame {
            rect,
            x: Scale { lo: xr.0, hi: xr.1, px_lo: rect.x0, px_hi: rect.x1 },
            y: Scale { lo: yr.0, hi: yr.1, px_lo: rect.y1, px_hi: rect.y0 },
        }
    }

    /// Pixel position of data point `p`.
    pub fn px(&self, p: (f64, f64)) -> Px {
        (self.x.map(p.0), self.y.map(p.1))
    }

    /// Maps a data polyline to pixels after clipping it to the frame; one vector per visible run.
    pub fn clipped_px(&self, pts: &[(f64, f64)]) -> Vec<Vec<Px>> {
        clip_polyline(pts, (self.x.lo, self.x.hi), (self.y.lo, self.y.hi))
            .into_iter()
            .map(|run| run.into_iter().map(|p| self.px(p)).collect())
            .collect()
    }
}

/// A tick position with its printed label.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    pub value: f64,
    pub label: String,
}

/// Formats `v` with `decimals` decimals, using a true minus sign and never printing "−0".
pub fn format_number(v: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, v);
    let is_zero = s.trim_start_matches('-').chars().all(|c| c == '0' || c == '.');
    if is_zero {
        s.trim_start_matches('-').to_string()
    } else {
        s.replacen('-', "\u{2212}", 1)
    }
}

/// Formats `v` with at most `max_decimals` decimals, trailing zeros removed.
pub fn format_compact(v: f64, max_decimals: usize) -> String {
    let s = format_number(v, max_decimals);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Formats `v` with about `digits` significant digits (at most 6 decimals).
pub fn format_sig(v: f64, digits: usize) -> String {
    if !v.is_finite() {
        return "NA".to_string();
    }
    if v == 0.0 {
        return "0".to_string();
    }
    let mag = v.abs().log10().floor() as i64;
    let decimals = (digits as i64 - 1 - mag).clamp(0, 6) as usize;
    format_number(v, decimals)
}

/// Number of decimals needed to print multiples of `step` exactly (up to 10).
fn decimals_for(step: f64) -> usize {
    (0..=10)
        .find(|&d| {
            let scaled = step * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.abs().max(1.0)
        })
        .unwrap_or(10)
}

/// Ticks at multiples of a "nice" step (1, 2, 2.5 or 5 × 10^k) giving about `target` ticks
/// inside [lo, hi] (Heckbert, "Nice numbers for graph labels", Graphics Gems, 1990).
pub fn nice_ticks(lo: f64, hi: f64, target: usize) -> Vec<Tick> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return Vec::new();
    }
    let raw = (hi - lo) / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw * 0.999).unwrap_or(10.0 * mag);
    ticks_with_step(lo, hi, step)
}

/// Ticks at all multiples of `step` within [lo, hi].
pub fn ticks_with_step(lo: f64, hi: f64, step: f64) -> Vec<Tick> {
    if !(step.is_finite() && step > 0.0 && lo.is_finite() && hi.is_finite()) {
        return Vec::new();
    }
    let decimals = decimals_for(step);
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last.max(first - 1))
        .take(1000)
        .map(|i| {
            let value = i as f64 * step;
            Tick { value, label: format_number(value, decimals) }
        })
        .collect()
}

/// Expands [lo, hi] by `frac` of its width on both sides; a zero-width range becomes ±0.5.
pub fn padded(lo: f64, hi: f64, frac: f64) -> (f64, f64) {
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
        let c = if lo.is_finite() { lo } else { 0.0 };
        return (c - 0.5, c + 0.5);
    }
    let d = (hi - lo) * frac;
    (lo - d, hi + d)
}

/// Finite minimum and maximum of `values`, or `None` if none is finite.
pub fn finite_range(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values.into_iter().filter(|v| v.is_finite()).fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((a, b)) => Some((a.min(v), b.max(v))),
    })
}

/// Horizontal space needed left of a frame for y tick labels (and the y title if any).
pub fn y_axis_width<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    ticks: &[Tick],
    has_title: bool,
) -> Result<f64, PlotError> {
    let mut widest = 0.0f64;
    for t in ticks {
        widest = widest.max(canvas.text_width(&t.label, TICK_LABEL_SIZE)?);
    }
    let title = if has_title { AXIS_TITLE_SIZE + GAP } else { 0.0 };
    Ok(TICK_LENGTH + GAP + widest + GAP + title)
}

/// Vertical space needed below a frame for x tick labels (and the x title if any).
pub fn x_axis_height(has_title: bool) -> f64 {
    let title = if has_title { AXIS_TITLE_SIZE + GAP } else { 0.0 };
    TICK_LENGTH + GAP + TICK_LABEL_SIZE + title + GAP
}

/// The plot area of a figure with both axis titles, `margin` from the figure's edges: about 6
/// ticks per range, room for the y tick labels on the left, `right` more pixels free on the right
/// (for end labels) and the x tick labels below; the grid is drawn. Returns the frame and the x and y ticks for the axes.
pub fn grid_frame<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    (w, h): (f64, f64),
    margin: f64,
    (top, right): (f64, f64),
    xr: (f64, f64),
    yr: (f64, f64),
) -> Result<(Frame, Vec<Tick>, Vec<Tick>), PlotError> {
    let x_ticks = nice_ticks(xr.0, xr.1, 6);
    let y_ticks = nice_ticks(yr.0, yr.1, 6);
    let left = margin + y_axis_width(canvas, &y_ticks, true)?;
    let rect = Rect { x0: left, y0: top, x1: w - margin - right, y1: h - margin - x_axis_height(true) };
    let frame = Frame::new(rect, xr, yr);
    draw_grid(canvas, &frame, &x_ticks, &y_ticks)?;
    Ok((frame, x_ticks, y_ticks))
}

/// Light grid lines at the given x and y ticks.
pub fn draw_grid<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    frame: &Frame,
    x_ticks: &[Tick],
    y_ticks: &[Tick],
) -> Result<(), PlotError> {
    let r = frame.rect;
    for t in x_ticks {
        let x = frame.x.map(t.value);
        canvas.path(&[(x, r.y0), (x, r.y1)], GRID_GREY, GRID_WIDTH)?;
    }
    for t in y_ticks {
        let y = frame.y.map(t.value);
        canvas.path(&[(r.x0, y), (r.x1, y)], GRID_GREY, GRID_WIDTH)?;
    }
    Ok(())
}

/// Bottom axis line with outward ticks, tick labels and a centred title.
pub fn draw_x_axis<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    frame: &Frame,
    ticks: &[Tick],
    title: &str,
) -> Result<(), PlotError> {
    let r = frame.rect;
    canvas.path(&[(r.x0, r.y1), (r.x1, r.y1)], BLACK, AXIS_WIDTH)?;
    for t in ticks {
        let x = frame.x.map(t.value);
        canvas.path(&[(x, r.y1), (x, r.y1 + TICK_LENGTH)], BLACK, AXIS_WIDTH)?;
        let y = r.y1 + TICK_LENGTH + GAP;
        canvas.text(&t.label, (x, y), TICK_LABEL_SIZE, TEXT_GREY, Align::Center, VAlign::Top)?;
    }
    let y = r.y1 + TICK_LENGTH + GAP + TICK_LABEL_SIZE + GAP;
    let x = (r.x0 + r.x1) / 2.0;
    canvas.text(title, (x, y), AXIS_TITLE_SIZE, BLACK, Align::Center, VAlign::Top)
}

/// Left axis line with outward ticks, tick labels and a rotated title.
pub fn draw_y_axis<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    frame: &Frame,
    ticks: &[Tick],
    title: &str,
) -> Result<(), PlotError> {
    draw_y_axis_aligned(canvas, frame, ticks, title, 0.0)
}

/// Like `draw_y_axis`, but places the title as if tick labels were at least `min_label_width`
/// wide, so stacked panels get vertically aligned y titles.
pub fn draw_y_axis_aligned<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    frame: &Frame,
    ticks: &[Tick],
    title: &str,
    min_label_width: f64,
) -> Result<(), PlotError> {
    let r = frame.rect;
    canvas.path(&[(r.x0, r.y0), (r.x0, r.y1)], BLACK, AXIS_WIDTH)?;
    let mut widest = min_label_width;
    for t in ticks {
        let y = frame.y.map(t.value);
        canvas.path(&[(r.x0 - TICK_LENGTH, y), (r.x0, y)], BLACK, AXIS_WIDTH)?;
        let x = r.x0 - TICK_LENGTH - GAP;
        canvas.text(&t.label, (x, y), TICK_LABEL_SIZE, TEXT_GREY, Align::Right, VAlign::Middle)?;
        widest = widest.max(canvas.text_width(&t.label, TICK_LABEL_SIZE)?);
    }
    // The title's baseline sits just left of the widest tick label (glyphs extend leftwards).
    let x = r.x0 - TICK_LENGTH - GAP - widest - GAP * 1.5;
    let y = (r.y0 + r.y1) / 2.0;
    canvas.text_vertical(title, (x, y), AXIS_TITLE_SIZE, BLACK, VAlign::Baseline)
}

/// Width of the widest tick label.
pub fn widest_label<DB: DrawingBackend>(canvas: &Canvas<DB>, ticks: &[Tick]) -> Result<f64, PlotError> {
    let mut widest = 0.0f64;
    for t in ticks {
        widest = widest.max(canvas.text_width(&t.label, TICK_LABEL_SIZE)?);
    }
    Ok(widest)
}

/// Liang–Barsky clipping of segment a→b to the box; returns the visible part if any.
fn clip_segment(a: (f64, f64), b: (f64, f64), xr: (f64, f64), yr: (f64, f64)) -> Option<((f64, f64), (f64, f64))> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let mut t0 = 0.0f64;
    let mut t1 = 1.0f64;
    for (p, q) in [(-dx, a.0 - xr.0), (dx, xr.1 - a.0), (-dy, a.1 - yr.0), (dy, yr.1 - a.1)] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    Some(((a.0 + t0 * dx, a.1 + t0 * dy), (a.0 + t1 * dx, a.1 + t1 * dy)))
}

/// Splits a polyline into the runs visible inside [xr]×[yr]; non-finite points break runs.
pub fn clip_polyline(pts: &[(f64, f64)], xr: (f64, f64), yr: (f64, f64)) -> Vec<Vec<(f64, f64)>> {
    let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    let finite = |p: &(f64, f64)| p.0.is_finite() && p.1.is_finite();
    for seg in pts.windows(2) {
        let (a, b) = (seg[0], seg[1]);
        let visible = if finite(&a) && finite(&b) { clip_segment(a, b, xr, yr) } else { None };
        match visible {
            Some((ca, cb)) => {
                if current.last() != Some(&ca) {
                    if current.len() > 1 {
                        runs.push(std::mem::take(&mut current));
                    }
                    current.clear();
                    current.push(ca);
                }
                current.push(cb);
            }
            None => {
                if current.len() > 1 {
                    runs.push(std::mem::take(&mut current));
                }
                current.clear();
            }
        }
    }
    if current.len() > 1 {
        runs.push(current);
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(t: &[Tick]) -> Vec<f64> {
        t.iter().map(|t| t.value).collect()
    }

    #[test]
    fn nice_ticks_unit_interval() {
        let t = nice_ticks(0.0, 1.0, 5);
        let expected = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0];
        assert_eq!(t.len(), expected.len());
        for (v, e) in values(&t).iter().zip(expected) {
            assert!((v - e).abs() < 1e-12);
        }
        let labels: Vec<&str> = t.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
    }

    #[test]
    fn nice_ticks_negative_and_quarter_steps() {
        let t = nice_ticks(-0.05, 0.2, 10);
        let labels: Vec<&str> = t.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "\u{2212}0.050",
                "\u{2212}0.025",
                "0.000",
                "0.025",
                "0.050",
                "0.075",
                "0.100",
                "0.125",
                "0.150",
                "0.175",
                "0.200"
            ]
        );
        assert!(nice_ticks(1.0, 1.0, 5).is_empty());
        assert!(nice_ticks(f64::NAN, 1.0, 5).is_empty());
    }

    #[test]
    fn number_format_avoids_negative_zero() {
        assert_eq!(format_number(-0.0001, 2), "0.00");
        assert_eq!(format_number(-1.5, 1), "\u{2212}1.5");
        assert_eq!(format_compact(12.0, 2), "12");
        assert_eq!(format_compact(0.250, 3), "0.25");
        assert_eq!(format_sig(-0.031234, 3), "\u{2212}0.0312");
        assert_eq!(format_sig(123.4, 3), "123");
        assert_eq!(format_sig(f64::NAN, 3), "NA");
    }

    #[test]
    fn clipping_splits_runs_at_exits_and_nan() {
        let pts = [(0.0, 0.5), (0.5, 0.5), (0.5, 2.0), (0.8, 0.5), (f64::NAN, 0.1), (0.9, 0.1), (1.0, 0.2)];
        let runs = clip_polyline(&pts, (0.0, 1.0), (0.0, 1.0));
        assert_eq!(runs.len(), 3);
        assert_eq!(runs[0], vec![(0.0, 0.5), (0.5, 0.5), (0.5, 1.0)]);
        assert_eq!(runs[1][1], (0.8, 0.5));
        assert!((runs[1][0].0 - (0.5 + 0.3 * (1.0 / 1.5))).abs() < 1e-12);
        assert_eq!(runs[2], vec![(0.9, 0.1), (1.0, 0.2)]);
        assert!(clip_polyline(&[(2.0, 2.0), (3.0, 3.0)], (0.0, 1.0), (0.0, 1.0)).is_empty());
    }
}
