//! Nomogram: a 0–100 "Points" scale, one axis per predictor (tick positions given in points),
//! a "Total points" axis and the predicted-probability axis aligned to total points.
//! Must not derive points from coefficients or probabilities from the linear predictor —
//! every tick position is an input.
use plotters::prelude::DrawingBackend;

use super::axes::Scale;
use super::canvas::{render_figure, Align, Canvas, VAlign};
use super::style::{AXIS_WIDTH, BLACK, GAP, GRID_GREY, GRID_WIDTH, TEXT_GREY, TICK_LABEL_SIZE, TICK_LENGTH};
use super::{Figure, PlotError};

/// A labelled tick: `position` on its axis' scale (points, or total points), printed `label`.
#[derive(Clone, Debug, PartialEq)]
pub struct NomogramTick {
    pub position: f64,
    pub label: String,
}

/// One predictor axis; tick positions are in points on the 0–100 scale.
#[derive(Clone, Debug, PartialEq)]
pub struct NomogramVar {
    pub name: String,
    pub ticks: Vec<NomogramTick>,
}

const WIDTH: u32 = 1800;
const MARGIN: f64 = 50.0;
const ROW: f64 = 250.0;
const NAME_SIZE: f64 = 84.0;
const LABEL_SIZE: f64 = TICK_LABEL_SIZE * 0.92;

fn invalid(msg: String) -> PlotError {
    PlotError::InvalidInput(msg)
}

/// Draws a nomogram. `total_points` ticks define the total-points axis (its range is their
/// min..max); `probability` tick positions are in total points and must lie in that range.
pub fn nomogram(
    variables: &[NomogramVar],
    total_points: &[NomogramTick],
    probability: &[NomogramTick],
    outcome_label: &str,
    title: &str,
) -> Result<Figure, PlotError> {
    if variables.is_empty() {
        return Err(invalid("nomogram: no variables given".into()));
    }
    for v in variables {
        if v.ticks.is_empty() {
            return Err(invalid(format!("nomogram '{}': no ticks", v.name)));
        }
        if let Some(t) =
            v.ticks.iter().find(|t| !(t.position.is_finite() && (-1e-9..=100.0 + 1e-9).contains(&t.position)))
        {
            return Err(invalid(format!(
                "nomogram '{}': tick '{}' at {} points is outside 0–100",
                v.name, t.label, t.position
            )));
        }
    }
    let (lo, hi) = total_range(total_points)
        .ok_or_else(|| invalid("nomogram: total points needs at least two distinct finite ticks".into()))?;
    if let Some(t) =
        probability.iter().find(|t| !(t.position.is_finite() && t.position >= lo - 1e-9 && t.position <= hi + 1e-9))
    {
        return Err(invalid(format!(
            "nomogram: probability tick '{}' at {} total points is outside {lo}–{hi}",
            t.label, t.position
        )));
    }
    let rows = variables.len() + 3;
    let height = ((ROW * rows as f64 + 320.0) / 2.0).ceil() as u32;
    render_figure(
        (WIDTH, height),
        |c| draw(c, variables, total_points, probability, outcome_label, title),
        |c| draw(c, variables, total_points, probability, outcome_label, title),
    )
}

fn total_range(ticks: &[NomogramTick]) -> Option<(f64, f64)> {
    let (lo, hi) = super::axes::finite_range(ticks.iter().map(|t| t.position))?;
    (hi > lo).then_some((lo, hi))
}

/// One horizontal axis at baseline `y` with ticks and labels above (alternating below when
/// neighbouring labels would overlap). Minor ticks get no label.
fn draw_axis<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    scale: &Scale,
    y: f64,
    ticks: &[NomogramTick],
    minor: &[f64],
) -> Result<(), PlotError> {
    let mut sorted: Vec<&NomogramTick> = ticks.iter().collect();
    sorted.sort_by(|a, b| a.position.total_cmp(&b.position));
    let (Some(first), Some(last)) = (sorted.first(), sorted.last()) else {
        return Ok(());
    };
    canvas.path(&[(scale.map(first.position), y), (scale.map(last.position), y)], BLACK, AXIS_WIDTH)?;
    for &m in minor {
        let x = scale.map(m);
        canvas.path(&[(x, y), (x, y - TICK_LENGTH * 0.6)], BLACK, AXIS_WIDTH)?;
    }
    let mut last_above = f64::NEG_INFINITY;
    let mut last_below = f64::NEG_INFINITY;
    for t in sorted {
        let x = scale.map(t.position);
        let half = canvas.text_width(&t.label, LABEL_SIZE)? / 2.0;
        if x - half >= last_above + GAP || x - half < last_below + GAP {
            canvas.path(&[(x, y), (x, y - TICK_LENGTH)], BLACK, AXIS_WIDTH)?;
            canvas.text(
                &t.label,
                (x, y - TICK_LENGTH - GAP * 0.6),
                LABEL_SIZE,
                TEXT_GREY,
                Align::Center,
                VAlign::Baseline,
            )?;
            last_above = x + half;
        } else {
            canvas.path(&[(x, y), (x, y + TICK_LENGTH)], BLACK, AXIS_WIDTH)?;
            canvas.text(
                &t.label,
                (x, y + TICK_LENGTH + GAP * 0.6),
                LABEL_SIZE,
                TEXT_GREY,
                Align::Center,
                VAlign::Top,
            )?;
            last_below = x + half;
        }
    }
    Ok(())
}

fn draw<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    variables: &[NomogramVar],
    total_points: &[NomogramTick],
    probability: &[NomogramTick],
    outcome_label: &str,
    title: &str,
) -> Result<(), PlotError> {
    let (w, _) = canvas.size();
    let top = canvas.title(title)? + 40.0;
    let mut names: Vec<&str> = vec!["Points", "Total points", outcome_label];
    names.extend(variables.iter().map(|v| v.name.as_str()));
    let mut name_w = 0.0f64;
    for n in &names {
        name_w = name_w.max(canvas.text_width(n, NAME_SIZE)?);
    }
    let x0 = MARGIN + name_w.min(w * 0.35) + 3.0 * GAP + 40.0;
    let x1 = w - MARGIN - 90.0;
    let points = Scale { lo: 0.0, hi: 100.0, px_lo: x0, px_hi: x1 };
    let (t_lo, t_hi) = total_range(total_points).unwrap_or((0.0, 100.0));
    let totals = Scale { lo: t_lo, hi: t_hi, px_lo: x0, px_hi: x1 };
    let row_y = |i: usize| top + ROW * (i as f64 + 0.72);
    let n_vars = variables.len();

    // Faint guides every 10 points, from the Points axis down through the predictor axes.
    for k in 0..=10 {
        let x = points.map(k as f64 * 10.0);
        canvas.path(&[(x, row_y(0)), (x, row_y(n_vars) + 30.0)], GRID_GREY, GRID_WIDTH)?;
    }
    let name =
        |text: &str, y: f64| canvas.text(text, (x0 - 40.0 - GAP, y), NAME_SIZE, BLACK, Align::Right, VAlign::Middle);

    let point_ticks: Vec<NomogramTick> =
        (0..=10).map(|k| NomogramTick { position: k as f64 * 10.0, label: (k * 10).to_string() }).collect();
    let minor: Vec<f64> = (0..10).map(|k| k as f64 * 10.0 + 5.0).collect();
    name("Points", row_y(0))?;
    draw_axis(canvas, &points, row_y(0), &point_ticks, &minor)?;
    for (i, v) in variables.iter().enumerate() {
        name(&v.name, row_y(i + 1))?;
        draw_axis(canvas, &points, row_y(i + 1), &v.ticks, &[])?;
    }
    name("Total points", row_y(n_vars + 1))?;
    draw_axis(canvas, &totals, row_y(n_vars + 1), total_points, &[])?;
    name(outcome_label, row_y(n_vars + 2))?;
    draw_axis(canvas, &totals, row_y(n_vars + 2), probability, &[])?;
    Ok(())
}
