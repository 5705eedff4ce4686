//! Kaplan–Meier figure: survival step functions with CI bands, censoring ticks and a
//! numbers-at-risk table under the time axis. Must not estimate survival, CIs or risk sets —
//! every number drawn is an input.
use plotters::prelude::DrawingBackend;

use super::axes::{
    draw_grid, draw_x_axis, draw_y_axis, finite_range, format_compact, nice_ticks, ticks_with_step, x_axis_height,
    y_axis_width, Frame, Rect, Tick,
};
use super::canvas::{render_figure, Align, Canvas, VAlign};
use super::legend::{draw_legend_rows, Glyph, LegendEntry};
use super::style::{series_color, BAND_ALPHA, BLACK, CURVE_WIDTH, GAP, TICK_LABEL_SIZE};
use super::{check_same_len, Figure, PlotError};

/// One group's Kaplan–Meier estimate. `time` (ascending, usually starting at 0 with
/// survival 1) and `survival` give the step function: `survival[i]` holds from `time[i]` to
/// `time[i+1]`. `band` is an optional (lower, upper) CI per step; non-finite bounds are drawn
/// as zero-width. `at_risk[j]` is the number at risk at `times_at_risk[j]`.
#[derive(Clone, Debug, PartialEq)]
pub struct KmSeries {
    pub label: String,
    pub time: Vec<f64>,
    pub survival: Vec<f64>,
    pub band: Option<(Vec<f64>, Vec<f64>)>,
    pub censor_times: Vec<f64>,
    pub at_risk: Vec<usize>,
}

const WIDTH: u32 = 1600;
const MAIN_HEIGHT: u32 = 1050;
const MARGIN: f64 = 50.0;
const TABLE_ROW: f64 = 100.0;
const TABLE_HEAD: f64 = 130.0;
const CENSOR_HALF: f64 = 20.0;

/// Draws Kaplan–Meier curves with a numbers-at-risk table (x ticks at `times_at_risk`).
pub fn kaplan_meier(
    groups: &[KmSeries],
    times_at_risk: &[f64],
    x_label: &str,
    y_label: &str,
    title: &str,
) -> Result<Figure, PlotError> {
    if groups.is_empty() {
        return Err(PlotError::InvalidInput("kaplan_meier: no groups given".into()));
    }
    for g in groups {
        check_same_len(&format!("kaplan_meier '{}' time/survival", g.label), g.time.len(), g.survival.len())?;
        if g.time.is_empty() {
            return Err(PlotError::InvalidInput(format!("kaplan_meier '{}': empty curve", g.label)));
        }
        if g.time.iter().any(|t| !t.is_finite()) || g.time.windows(2).any(|w| w[1] < w[0]) {
            return Err(PlotError::InvalidInput(format!(
                "kaplan_meier '{}': times must be finite and ascending",
                g.label
            )));
        }
        if let Some((lo, hi)) = &g.band {
            check_same_len(&format!("kaplan_meier '{}' band lower", g.label), g.time.len(), lo.len())?;
            check_same_len(&format!("kaplan_meier '{}' band upper", g.label), g.time.len(), hi.len())?;
        }
        check_same_len(&format!("kaplan_meier '{}' at_risk", g.label), times_at_risk.len(), g.at_risk.len())?;
    }
    let table_h = if times_at_risk.is_empty() { 0.0 } else { TABLE_HEAD + TABLE_ROW * groups.len() as f64 };
    let height = MAIN_HEIGHT + (table_h / 2.0).ceil() as u32;
    render_figure(
        (WIDTH, height),
        |c| draw(c, groups, times_at_risk, x_label, y_label, title, table_h),
        |c| draw(c, groups, times_at_risk, x_label, y_label, title, table_h),
    )
}

/// Step-function vertices: (t0,v0), (t1,v0), (t1,v1), …, (end, v_last).
fn steps(time: &[f64], values: &[f64], end: f64) -> Vec<(f64, f64)> {
    let mut pts = Vec::with_capacity(2 * time.len() + 1);
    for (i, (&t, &v)) in time.iter().zip(values).enumerate() {
        if i > 0 {
            pts.push((t, values[i - 1]));
        }
        pts.push((t, v));
    }
    if let (Some(&last_t), Some(&last_v)) = (time.last(), values.last()) {
        if end > last_t {
            pts.push((end, last_v));
        }
    }
    pts
}

/// Survival at time `t`: value of the last step starting at or before `t`.
fn survival_at(time: &[f64], survival: &[f64], t: f64) -> f64 {
    let k = time.partition_point(|&x| x <= t);
    survival[k.saturating_sub(1)]
}

#[allow(clippy::too_many_arguments)]
fn draw<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    groups: &[KmSeries],
    times_at_risk: &[f64],
    x_label: &str,
    y_label: &str,
    title: &str,
    table_h: f64,
) -> Result<(), PlotError> {
    let (w, h) = canvas.size();
    let entries: Vec<LegendEntry> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| LegendEntry {
            label: g.label.clone(),
            glyph: Glyph::Line { color: series_color(i), width: CURVE_WIDTH, dashed: false, band: g.band.is_some() },
        })
        .collect();
    let top = canvas.title(title)?;
    let top = top + draw_legend_rows(canvas, &entries, top, MARGIN, w - MARGIN)? + 40.0;
    let all_t = groups
        .iter()
        .flat_map(|g| g.time.iter().chain(g.censor_times.iter()).copied())
        .chain(times_at_risk.iter().copied());
    let (t_min, t_max) = finite_range(all_t).unwrap_or((0.0, 1.0));
    let t_min = t_min.min(0.0);
    let span = (t_max - t_min).max(1e-9);
    let xr = (t_min - 0.01 * span, t_max + 0.03 * span);
    let x_ticks: Vec<Tick> = if times_at_risk.is_empty() {
        nice_ticks(t_min, t_max, 6)
    } else {
        times_at_risk.iter().map(|&t| Tick { value: t, label: format_compact(t, 2) }).collect()
    };
    let y_ticks = ticks_with_step(0.0, 1.0, 0.2);

    let mut label_w = 0.0f64;
    for g in groups {
        label_w = label_w.max(canvas.text_width(&g.label, TICK_LABEL_SIZE)?);
    }
    let label_w = label_w.min(w * 0.3);
    // Half the widest first-column count: numbers are centred on the first tick.
    let mut first_half = 0.0f64;
    for g in groups {
        if let Some(n) = g.at_risk.first() {
            first_half = first_half.max(canvas.text_width(&n.to_string(), TICK_LABEL_SIZE)? / 2.0);
        }
    }
    let label_gap = first_half + 2.0 * GAP;
    let left = MARGIN + y_axis_width(canvas, &y_ticks, true)?.max(label_w + label_gap);
    let bottom = h - MARGIN - table_h - x_axis_height(true);
    let frame = Frame::new(Rect { x0: left, y0: top, x1: w - MARGIN - 60.0, y1: bottom }, xr, (-0.02, 1.02));
    draw_grid(canvas, &frame, &x_ticks, &y_ticks)?;

    for (i, g) in groups.iter().enumerate() {
        let end = g.censor_times.iter().copied().filter(|t| t.is_finite()).fold(f64::NEG_INFINITY, f64::max);
        if let Some((lo, hi)) = &g.band {
            let fix = |b: &[f64]| -> Vec<f64> {
                b.iter().zip(&g.survival).map(|(&v, &s)| if v.is_finite() { v.clamp(0.0, 1.0) } else { s }).collect()
            };
            let upper = steps(&g.time, &fix(hi), end);
            let lower = steps(&g.time, &fix(lo), end);
            let mut poly: Vec<_> = upper.iter().map(|&p| frame.px(p)).collect();
            poly.extend(lower.iter().rev().map(|&p| frame.px(p)));
            canvas.polygon(&poly, series_color(i), BAND_ALPHA)?;
        }
    }
    for (i, g) in groups.iter().enumerate() {
        let color = series_color(i);
        let end = g.censor_times.iter().copied().filter(|t| t.is_finite()).fold(f64::NEG_INFINITY, f64::max);
        for run in frame.clipped_px(&steps(&g.time, &g.survival, end)) {
            canvas.path(&run, color, CURVE_WIDTH)?;
        }
        for &c in g.censor_times.iter().filter(|c| c.is_finite()) {
            let (x, y) = frame.px((c, survival_at(&g.time, &g.survival, c)));
            canvas.path(&[(x, y - CENSOR_HALF), (x, y + CENSOR_HALF)], color, 5)?;
        }
    }
    draw_x_axis(canvas, &frame, &x_ticks, x_label)?;
    draw_y_axis(canvas, &frame, &y_ticks, y_label)?;

    if !times_at_risk.is_empty() {
        let y0 = bottom + x_axis_height(true) + 20.0;
        canvas.text("Number at risk", (MARGIN, y0), TICK_LABEL_SIZE, BLACK, Align::Left, VAlign::Top)?;
        for (i, g) in groups.iter().enumerate() {
            let y = y0 + TABLE_HEAD + TABLE_ROW * i as f64;
            canvas.text(
                &g.label,
                (frame.rect.x0 - label_gap, y),
                TICK_LABEL_SIZE,
                series_color(i),
                Align::Right,
                VAlign::Middle,
            )?;
            for (&t, n) in times_at_risk.iter().zip(&g.at_risk) {
                let x = frame.x.map(t);
                canvas.text(&n.to_string(), (x, y), TICK_LABEL_SIZE, BLACK, Align::Center, VAlign::Middle)?;
            }
        }
    }

    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_and_lookup() {
        let t = [0.0, 2.0, 5.0];
        let s = [1.0, 0.8, 0.5];
        assert_eq!(steps(&t, &s, 7.0), vec![(0.0, 1.0), (2.0, 1.0), (2.0, 0.8), (5.0, 0.8), (5.0, 0.5), (7.0, 0.5)]);
        assert_eq!(survival_at(&t, &s, 1.9), 1.0);
        assert_eq!(survival_at(&t, &s, 2.0), 0.8);
        assert_eq!(survival_at(&t, &s, 9.0), 0.5);
    }
}
