//! Figure legends: a boxed list of (glyph, label) entries placed in the corner of the frame
//! that hides the fewest plotted points. Must not decide colours or labels itself.
use plotters::prelude::{DrawingBackend, RGBColor};

use super::axes::{Frame, Rect};
use super::canvas::{Align, Canvas, Marker, Px, VAlign};
use super::style::{BAND_ALPHA, BLACK, GAP, LEGEND_SIZE, WHITE};
use super::PlotError;

/// How an entry's sample is drawn.
#[derive(Clone, Debug, PartialEq)]
pub enum Glyph {
    /// A line, optionally dashed, optionally over a translucent band swatch.
    Line { color: RGBColor, width: u32, dashed: bool, band: bool },
    /// A line with a marker in its middle.
    LineMarker { color: RGBColor, width: u32, marker: Marker },
}

/// One legend row.
#[derive(Clone, Debug, PartialEq)]
pub struct LegendEntry {
    pub label: String,
    pub glyph: Glyph,
}

/// Legend corners inside the frame, in order of preference when equally good.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Corner {
    UpperLeft,
    UpperRight,
    LowerLeft,
    LowerRight,
}

/// Samples a pixel polyline every ~`step` pixels (obstacle points for legend placement).
pub fn sample_path(pts: &[Px], step: f64) -> Vec<Px> {
    let mut out = Vec::new();
    for seg in pts.windows(2) {
        let (a, b) = (seg[0], seg[1]);
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        let n = (len / step).ceil().clamp(1.0, 10_000.0) as usize;
        for i in 0..n {
            let t = i as f64 / n as f64;
            out.push((a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t));
        }
    }
    if let Some(last) = pts.last() {
        out.push(*last);
    }
    out
}

const GLYPH_WIDTH: f64 = 120.0;
const PAD: f64 = 28.0;
const INSET: f64 = 30.0;

/// Draws the legend in the corner (from `corners`) that covers the fewest `obstacles`.
pub fn draw_legend<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    frame: &Frame,
    entries: &[LegendEntry],
    obstacles: &[Px],
    corners: &[Corner],
) -> Result<(), PlotError> {
    if entries.is_empty() {
        return Ok(());
    }
    let mut size = LEGEND_SIZE;
    let mut widest = 0.0f64;
    for e in entries {
        widest = widest.max(canvas.text_width(&e.label, size)?);
    }
    let room = frame.rect.width() - 2.0 * INSET - 2.0 * PAD - GLYPH_WIDTH - GAP;
    if widest > room && widest > 0.0 {
        // Shrink the font (not below 70 %) so long labels still fit inside the frame.
        let factor = (room / widest).max(0.7);
        size *= factor;
        widest *= factor;
    }
    let row = size * 1.4;
    let w = 2.0 * PAD + GLYPH_WIDTH + GAP + widest;
    let h = 2.0 * PAD + row * entries.len() as f64 - (row - size);
    let r = frame.rect;
    let place = |c: Corner| -> Rect {
        let (x0, y0) = match c {
            Corner::UpperLeft => (r.x0 + INSET, r.y0 + INSET),
            Corner::UpperRight => (r.x1 - INSET - w, r.y0 + INSET),
            Corner::LowerLeft => (r.x0 + INSET, r.y1 - INSET - h),
            Corner::LowerRight => (r.x1 - INSET - w, r.y1 - INSET - h),
        };
        Rect { x0, y0, x1: x0 + w, y1: y0 + h }
    };
    let all = [Corner::UpperLeft, Corner::UpperRight, Corner::LowerLeft, Corner::LowerRight];
    let order: Vec<Corner> =
        corners.iter().copied().chain(all.iter().copied().filter(|c| !corners.contains(c))).collect();
    let mut best = place(order[0]);
    let mut best_hits = usize::MAX;
    for c in order {
        let b = place(c);
        let hits = obstacles.iter().filter(|p| b.contains(**p)).count();
        if hits < best_hits {
            best_hits = hits;
            best = b;
        }
    }

    canvas.rect((best.x0, best.y0), (best.x1, best.y1), WHITE, 0.88)?;
    canvas.rect_outline((best.x0, best.y0), (best.x1, best.y1), RGBColor(0xB0, 0xB0, 0xB0), 3)?;
    for (i, e) in entries.iter().enumerate() {
        let cy = best.y0 + PAD + size / 2.0 + row * i as f64;
        let gx0 = best.x0 + PAD;
        let gx1 = gx0 + GLYPH_WIDTH;
        draw_glyph(canvas, &e.glyph, gx0, gx1, cy, size)?;
        canvas.text(&e.label, (gx1 + GAP, cy), size, BLACK, Align::Left, VAlign::Middle)?;
    }
    Ok(())
}

/// Draws the legend as centred rows of entries between x0 and x1 starting at `y_top`
/// (outside the plot, so it can never hide data); returns the height used.
pub fn draw_legend_rows<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    entries: &[LegendEntry],
    y_top: f64,
    x0: f64,
    x1: f64,
) -> Result<f64, PlotError> {
    if entries.is_empty() {
        return Ok(0.0);
    }
    let size = LEGEND_SIZE;
    let spacing = 2.5 * GAP;
    let mut widths = Vec::with_capacity(entries.len());
    for e in entries {
        widths.push(GLYPH_WIDTH + GAP + canvas.text_width(&e.label, size)?);
    }
    // Greedy line filling.
    let mut lines: Vec<Vec<usize>> = vec![Vec::new()];
    let mut used = 0.0;
    for (i, w) in widths.iter().enumerate() {
        let line = lines.last_mut().expect("non-empty");
        if !line.is_empty() && used + spacing + w > x1 - x0 {
            lines.push(vec![i]);
            used = *w;
        } else {
            used += if line.is_empty() { *w } else { spacing + w };
            line.push(i);
        }
    }
    let row = size * 1.4;
    for (k, line) in lines.iter().enumerate() {
        let total: f64 = line.iter().map(|&i| widths[i]).sum::<f64>() + spacing * (line.len() - 1) as f64;
        let mut x = (x0 + x1) / 2.0 - total / 2.0;
        let cy = y_top + size / 2.0 + row * k as f64;
        for &i in line {
            draw_glyph(canvas, &entries[i].glyph, x, x + GLYPH_WIDTH, cy, size)?;
            canvas.text(&entries[i].label, (x + GLYPH_WIDTH + GAP, cy), size, BLACK, Align::Left, VAlign::Middle)?;
            x += widths[i] + spacing;
        }
    }
    Ok(row * lines.len() as f64)
}

fn draw_glyph<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    glyph: &Glyph,
    x0: f64,
    x1: f64,
    cy: f64,
    size: f64,
) -> Result<(), PlotError> {
    match glyph {
        Glyph::Line { color, width, dashed, band } => {
            if *band {
                let hh = size * 0.32;
                canvas.rect((x0, cy - hh), (x1, cy + hh), *color, BAND_ALPHA)?;
            }
            if *dashed {
                canvas.dashed(&[(x0, cy), (x1, cy)], *color, *width, 28.0, 18.0)
            } else {
                canvas.path(&[(x0, cy), (x1, cy)], *color, *width)
            }
        }
        Glyph::LineMarker { color, width, marker } => {
            canvas.path(&[(x0, cy), (x1, cy)], *color, *width)?;
            canvas.marker(*marker, ((x0 + x1) / 2.0, cy), size * 0.22, *color)
        }
    }
}
