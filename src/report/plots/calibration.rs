//! Calibration figure: binned observed-vs-predicted points with 95 % CI whiskers, a smoothed
//! calibration curve, the ideal diagonal and a histogram strip of the predictions below.
//! Must not bin predictions into calibration groups or fit the smoother — inputs only.
use plotters::prelude::DrawingBackend;

use super::axes::{
    draw_grid, draw_x_axis, draw_y_axis_aligned, nice_ticks, ticks_with_step, widest_label, x_axis_height,
    y_axis_width, Frame, Rect, Tick,
};
use super::canvas::{render_figure, Canvas, Marker};
use super::legend::{draw_legend, sample_path, Corner, Glyph, LegendEntry};
use super::style::{series_color, CURVE_WIDTH, REFERENCE_GREY, REFERENCE_WIDTH};
use super::{Figure, PlotError};

/// One calibration group: mean predicted probability, observed proportion and its 95 % CI.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CalibrationBin {
    pub predicted: f64,
    pub observed: f64,
    pub lo: f64,
    pub hi: f64,
}

/// One model's calibration data. `smooth` is a curve of (predicted, observed) points (may be
/// empty); `predictions` are the raw predicted probabilities for the histogram strip.
#[derive(Clone, Debug, PartialEq)]
pub struct CalibrationSeries {
    pub label: String,
    pub bins: Vec<CalibrationBin>,
    pub smooth: Vec<(f64, f64)>,
    pub predictions: Vec<f64>,
}

const SIZE: (u32, u32) = (1500, 1800);
const MARGIN: f64 = 50.0;
const STRIP_HEIGHT: f64 = 420.0;
const STRIP_BINS: usize = 50;
const WHISKER_WIDTH: u32 = 5;

/// Draws calibration plots for one or more models on [0, 1] × [0, 1].
pub fn calibration(series: &[CalibrationSeries], title: &str) -> Result<Figure, PlotError> {
    if series.is_empty() {
        return Err(PlotError::InvalidInput("calibration: no series given".into()));
    }
    render_figure(SIZE, |c| draw(c, series, title), |c| draw(c, series, title))
}

/// Counts of finite predictions in `STRIP_BINS` equal bins on [0, 1] (values outside ignored).
fn strip_counts(pred: &[f64]) -> Vec<usize> {
    let mut counts = vec![0usize; STRIP_BINS];
    for &p in pred.iter().filter(|p| p.is_finite() && (0.0..=1.0).contains(*p)) {
        let k = ((p * STRIP_BINS as f64) as usize).min(STRIP_BINS - 1);
        counts[k] += 1;
    }
    counts
}

fn draw<DB: DrawingBackend>(canvas: &Canvas<DB>, series: &[CalibrationSeries], title: &str) -> Result<(), PlotError> {
    let (w, h) = canvas.size();
    let top = canvas.title(title)? + 30.0;
    let ticks = ticks_with_step(0.0, 1.0, 0.2);
    let counts: Vec<Vec<usize>> = series.iter().map(|s| strip_counts(&s.predictions)).collect();
    let max_count = counts.iter().flatten().copied().max().unwrap_or(0);
    let has_strip = max_count > 0;
    let strip_ticks: Vec<Tick> = if has_strip {
        let t = nice_ticks(0.0, max_count as f64, 2);
        if t.len() > 1 && t[1].value < 1.0 {
            ticks_with_step(0.0, max_count as f64, 1.0)
        } else {
            t
        }
    } else {
        Vec::new()
    };

    let left = MARGIN + y_axis_width(canvas, &ticks, true)?.max(y_axis_width(canvas, &strip_ticks, true)?);
    let right = w - MARGIN - 40.0;
    let bottom = h - MARGIN - x_axis_height(true);
    let main_bottom = if has_strip { bottom - STRIP_HEIGHT - 70.0 } else { bottom };
    let side = (right - left).min(main_bottom - top);
    let x0 = left + ((right - left) - side) / 2.0;
    let main =
        Frame::new(Rect { x0, y0: main_bottom - side, x1: x0 + side, y1: main_bottom }, (-0.02, 1.02), (-0.02, 1.02));

    draw_grid(canvas, &main, &ticks, &ticks)?;
    let diagonal = [main.px((0.0, 0.0)), main.px((1.0, 1.0))];
    canvas.dashed(&diagonal, REFERENCE_GREY, REFERENCE_WIDTH, 30.0, 20.0)?;
    let mut obstacles = sample_path(&diagonal, 12.0);
    for (i, s) in series.iter().enumerate() {
        let color = series_color(i);
        for run in main.clipped_px(&s.smooth) {
            canvas.path(&run, color, CURVE_WIDTH)?;
            obstacles.extend(sample_path(&run, 12.0));
        }
        for b in s.bins.iter().filter(|b| b.predicted.is_finite() && b.observed.is_finite()) {
            if b.lo.is_finite() && b.hi.is_finite() {
                let (lo, hi) = (b.lo.clamp(0.0, 1.0), b.hi.clamp(0.0, 1.0));
                let (x, y_lo) = main.px((b.predicted, lo));
                let (_, y_hi) = main.px((b.predicted, hi));
                canvas.path(&[(x, y_lo), (x, y_hi)], color, WHISKER_WIDTH)?;
                for y in [y_lo, y_hi] {
                    canvas.path(&[(x - 14.0, y), (x + 14.0, y)], color, WHISKER_WIDTH)?;
                }
                obstacles.extend(sample_path(&[(x, y_lo), (x, y_hi)], 12.0));
            }
            let p = main.px((b.predicted.clamp(0.0, 1.0), b.observed.clamp(0.0, 1.0)));
            canvas.marker(Marker::for_series(i), p, 20.0, color)?;
            obstacles.push(p);
        }
    }
    let blank: Vec<Tick> = ticks.iter().map(|t| Tick { value: t.value, label: String::new() }).collect();
    draw_x_axis(
        canvas,
        &main,
        if has_strip { &blank } else { &ticks },
        if has_strip { "" } else { "Predicted probability" },
    )?;
    let label_w = widest_label(canvas, &ticks)?.max(widest_label(canvas, &strip_ticks)?);
    draw_y_axis_aligned(canvas, &main, &ticks, "Observed proportion", label_w)?;

    if has_strip {
        let y_top = strip_ticks.last().map(|t| t.value).unwrap_or(1.0).max(max_count as f64);
        let strip = Frame::new(
            Rect { x0: main.rect.x0, y0: bottom - STRIP_HEIGHT, x1: main.rect.x1, y1: bottom },
            (-0.02, 1.02),
            (0.0, y_top * 1.05),
        );
        draw_grid(canvas, &strip, &ticks, &[])?;
        // Translucent fill plus a step outline per model, so overlapping histograms stay legible.
        let alpha = if series.len() > 1 { 0.22 } else { 0.6 };
        for (i, c) in counts.iter().enumerate() {
            let mut outline = vec![strip.px((0.0, 0.0))];
            for (k, &n) in c.iter().enumerate() {
                let a = strip.px((k as f64 / STRIP_BINS as f64, 0.0));
                let b = strip.px(((k + 1) as f64 / STRIP_BINS as f64, n as f64));
                if n > 0 {
                    canvas.rect(a, b, series_color(i), alpha)?;
                }
                outline.push((a.0, b.1));
                outline.push(b);
            }
            outline.push(strip.px((1.0, 0.0)));
            canvas.path(&outline, series_color(i), WHISKER_WIDTH)?;
        }
        draw_x_axis(canvas, &strip, &ticks, "Predicted probability")?;
        draw_y_axis_aligned(canvas, &strip, &strip_ticks, "Count", label_w)?;
    }

    let mut entries: Vec<LegendEntry> = series
        .iter()
        .enumerate()
        .map(|(i, s)| LegendEntry {
            label: s.label.clone(),
            glyph: Glyph::LineMarker {
                color: series_color(i),
                width: if s.smooth.is_empty() { 0 } else { CURVE_WIDTH },
                marker: Marker::for_series(i),
            },
        })
        .collect();
    entries.push(LegendEntry {
        label: "Ideal".into(),
        glyph: Glyph::Line { color: REFERENCE_GREY, width: REFERENCE_WIDTH, dashed: true, band: false },
    });
    draw_legend(canvas, &main, &entries, &obstacles, &[Corner::UpperLeft, Corner::LowerRight])
}
