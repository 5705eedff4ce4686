//! Time-dependent AUC figure: AUC(t) against the evaluation time t, one line with markers per
//! series (model · cohort), with the chance line at 0.5. Must not compute the AUC — every
//! point is an input.
use plotters::prelude::DrawingBackend;

use super::axes::{draw_x_axis, draw_y_axis, grid_frame, padded};
use super::canvas::{render_figure, Canvas, Marker};
use super::legend::{draw_legend, sample_path, Corner, Glyph, LegendEntry};
use super::style::{series_color, CURVE_WIDTH, REFERENCE_GREY, REFERENCE_WIDTH};
use super::{Figure, PlotError};

const SIZE: (u32, u32) = (1600, 1200);
const MARGIN: f64 = 50.0;

/// One line of the figure: a label and its (time, AUC) points (non-finite points are skipped).
#[derive(Debug, Clone, PartialEq)]
pub struct TimeAucSeries {
    pub label: String,
    pub points: Vec<(f64, f64)>,
}

/// Draws AUC(t) vs t for every series; the y axis spans at least [0.5, 1].
pub fn time_auc(series: &[TimeAucSeries], x_label: &str, title: &str) -> Result<Figure, PlotError> {
    let finite = |p: &&(f64, f64)| p.0.is_finite() && p.1.is_finite();
    if !series.iter().any(|s| s.points.iter().any(|p| finite(&p))) {
        return Err(PlotError::InvalidInput("time-dependent AUC: no finite point".into()));
    }
    render_figure(SIZE, |c| draw(c, series, x_label, title), |c| draw(c, series, x_label, title))
}

fn draw<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    series: &[TimeAucSeries],
    x_label: &str,
    title: &str,
) -> Result<(), PlotError> {
    let (w, h) = canvas.size();
    let top = canvas.title(title)? + 30.0;
    let pts: Vec<(f64, f64)> =
        series.iter().flat_map(|s| s.points.iter().copied()).filter(|p| p.0.is_finite() && p.1.is_finite()).collect();
    let t_lo = pts.iter().map(|p| p.0).fold(f64::INFINITY, f64::min).min(0.0);
    let t_hi = pts.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
    let a_lo = pts.iter().map(|p| p.1).fold(0.5f64, f64::min);
    let xr = padded(t_lo, t_hi.max(t_lo + 1.0), 0.04);
    let yr = padded(a_lo, 1.0, 0.04);
    let (frame, x_ticks, y_ticks) = grid_frame(canvas, (w, h), MARGIN, (top, 50.0), xr, yr)?;
    let chance = [frame.px((xr.0, 0.5)), frame.px((xr.1, 0.5))];
    canvas.dashed(&chance, REFERENCE_GREY, REFERENCE_WIDTH, 30.0, 20.0)?;
    let mut obstacles = Vec::new();
    let mut entries = Vec::new();
    for (i, s) in series.iter().enumerate() {
        let color = series_color(i);
        let line: Vec<(f64, f64)> = s.points.iter().copied().filter(|p| p.0.is_finite() && p.1.is_finite()).collect();
        for run in frame.clipped_px(&line) {
            canvas.path(&run, color, CURVE_WIDTH)?;
            obstacles.extend(sample_path(&run, 12.0));
        }
        let marker = Marker::for_series(i);
        for &p in &line {
            let c = frame.px(p);
            canvas.marker(marker, c, 22.0, color)?;
            obstacles.push(c);
        }
        entries.push(LegendEntry {
            label: s.label.clone(),
            glyph: Glyph::LineMarker { color, width: CURVE_WIDTH, marker },
        });
    }
    draw_x_axis(canvas, &frame, &x_ticks, x_label)?;
    draw_y_axis(canvas, &frame, &y_ticks, "Time-dependent AUC")?;
    draw_legend(canvas, &frame, &entries, &obstacles, &[Corner::LowerRight, Corner::LowerLeft, Corner::UpperRight])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_series_and_rejects_empty() {
        let s = TimeAucSeries { label: "cox · internal CV".into(), points: vec![(365.0, 0.8), (730.0, f64::NAN)] };
        let f = time_auc(std::slice::from_ref(&s), "time (days)", "AUC(t)").unwrap();
        assert!(f.svg.contains("cox · internal CV") && !f.png.is_empty());
        let empty = TimeAucSeries { label: "x".into(), points: vec![(1.0, f64::NAN)] };
        assert!(time_auc(&[empty], "t", "t").is_err());
    }
}
