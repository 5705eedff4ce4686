//! Drawing surface shared by all figure kinds: renders one drawing to both an SVG string and a
//! supersampled PNG, and offers primitives (paths, dashes, polygons, markers, text) that look
//! the same on both backends. Must not know about any particular figure or statistic.
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, FontTransform};

use ab_glyph::{point, Font, PxScale, ScaleFont};

use super::font::{ensure_font, font, text_advance, FONT_FAMILY};
use super::png::{downsample_2x, encode_rgb};
use super::style::{BLACK, TITLE_SIZE, WHITE};
use super::{Figure, PlotError};

/// A point in design-pixel coordinates (origin top-left, y downwards).
pub type Px = (f64, f64);

/// Supersampling factor: drawings are made at this multiple of the PNG size, then averaged.
pub const SUPERSAMPLE: u32 = 2;

/// DejaVu Sans: units-per-em / (hhea ascent − descent) = 2048 / 2384; ab_glyph scales glyphs
/// so that ascent − descent equals the requested size.
const EM_PER_SIZE: f64 = 2048.0 / 2384.0;
/// DejaVu Sans cap height (OS/2 sCapHeight 1493) per em.
const CAP_PER_EM: f64 = 1493.0 / 2048.0;

/// Horizontal text alignment relative to the anchor point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// Vertical text alignment: `Top` = cap line, `Middle` = half cap height, `Baseline`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VAlign {
    Top,
    Middle,
    Baseline,
}

/// Point-marker shapes, cycled per series so groups differ by more than colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    Circle,
    Square,
    Triangle,
    Diamond,
}

impl Marker {
    /// Marker used for series number `i`.
    pub fn for_series(i: usize) -> Marker {
        [Marker::Circle, Marker::Square, Marker::Triangle, Marker::Diamond][i % 4]
    }
}

/// Converts any backend error into a `PlotError::Render`.
pub fn render_err<E: std::fmt::Display>(e: E) -> PlotError {
    PlotError::Render(e.to_string())
}

/// A drawing area plus the knowledge of which backend it targets (for text metrics).
pub struct Canvas<'a, DB: DrawingBackend> {
    pub area: &'a DrawingArea<DB, Shift>,
    is_svg: bool,
}

/// Renders the same drawing to SVG and PNG. `png_size` is the PNG size in pixels; drawing
/// happens in design pixels (`SUPERSAMPLE` × larger); the SVG keeps that viewBox.
pub fn render_figure(
    png_size: (u32, u32),
    draw_svg: impl FnOnce(&Canvas<SVGBackend>) -> Result<(), PlotError> + Send,
    draw_png: impl FnOnce(&Canvas<BitMapBackend>) -> Result<(), PlotError> + Send,
) -> Result<Figure, PlotError> {
    ensure_font().map_err(PlotError::Render)?;
    let design = (png_size.0 * SUPERSAMPLE, png_size.1 * SUPERSAMPLE);
    // The two renderings share nothing: draw them on two threads when there are two.
    let (svg, png) = rayon::join(
        || -> Result<String, PlotError> {
            let mut svg = String::new();
            {
                let area = SVGBackend::with_string(&mut svg, design).into_drawing_area();
                area.fill(&WHITE).map_err(render_err)?;
                draw_svg(&Canvas { area: &area, is_svg: true })?;
                area.present().map_err(render_err)?;
            }
            Ok(svg.replacen(
                &format!("width=\"{}\" height=\"{}\"", design.0, design.1),
                &format!("width=\"{}\" height=\"{}\"", png_size.0, png_size.1),
                1,
            ))
        },
        || -> Result<Vec<u8>, PlotError> {
            let mut buf = vec![0u8; design.0 as usize * design.1 as usize * 3];
            {
                let area = BitMapBackend::with_buffer(&mut buf, design).into_drawing_area();
                area.fill(&WHITE).map_err(render_err)?;
                draw_png(&Canvas { area: &area, is_svg: false })?;
                area.present().map_err(render_err)?;
            }
            let small = downsample_2x(design.0, design.1, &buf);
            encode_rgb(png_size.0, png_size.1, &small).map_err(PlotError::Render)
        },
    );
    Ok(Figure { svg: svg?, png: png? })
}

fn ipt(p: Px) -> (i32, i32) {
    (p.0.round() as i32, p.1.round() as i32)
}

fn stroke(color: RGBAColor, width: u32) -> ShapeStyle {
    ShapeStyle { color, filled: false, stroke_width: width }
}

fn fill(color: RGBAColor) -> ShapeStyle {
    ShapeStyle { color, filled: true, stroke_width: 0 }
}

impl<DB: DrawingBackend> Canvas<'_, DB> {
    /// Size of the drawing in design pixels.
    pub fn size(&self) -> (f64, f64) {
        let (w, h) = self.area.dim_in_pixel();
        (f64::from(w), f64::from(h))
    }

    /// Polyline through `pts` (consecutive duplicates removed; fewer than 2 points draws nothing).
    pub fn path(&self, pts: &[Px], color: RGBColor, width: u32) -> Result<(), PlotError> {
        self.path_rgba(pts, color.to_rgba(), width)
    }

    /// Polyline with an RGBA colour.
    pub fn path_rgba(&self, pts: &[Px], color: RGBAColor, width: u32) -> Result<(), PlotError> {
        if width == 0 {
            return Ok(());
        }
        let mut v: Vec<(i32, i32)> = Vec::with_capacity(pts.len());
        for p in pts.iter().filter(|p| p.0.is_finite() && p.1.is_finite()) {
            let q = ipt(*p);
            if v.last() != Some(&q) {
                v.push(q);
            }
        }
        if v.len() < 2 {
            return Ok(());
        }
        self.area.draw(&PathElement::new(v, stroke(color, width))).map_err(render_err)
    }

    /// Dashed polyline: `dash` drawn, `gap` skipped, measured along the path in design pixels.
    pub fn dashed(&self, pts: &[Px], color: RGBColor, width: u32, dash: f64, gap: f64) -> Result<(), PlotError> {
        let period = dash + gap;
        let mut along = 0.0f64; // distance travelled along the whole path
        for seg in pts.windows(2) {
            let (a, b) = (seg[0], seg[1]);
            let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
            if len.is_nan() || len <= 0.0 {
                continue;
            }
            let mut t = 0.0;
            while t < len {
                let phase = (along + t) % period;
                let (on, run) = if phase < dash { (true, dash - phase) } else { (false, period - phase) };
                let t1 = (t + run).min(len);
                if on {
                    let p = |s: f64| (a.0 + (b.0 - a.0) * s / len, a.1 + (b.1 - a.1) * s / len);
                    self.path(&[p(t), p(t1)], color, width)?;
                }
                t = t1;
            }
            along += len;
        }
        Ok(())
    }

    /// Filled polygon with opacity `alpha` (0–1).
    pub fn polygon(&self, pts: &[Px], color: RGBColor, alpha: f64) -> Result<(), PlotError> {
        let v: Vec<(i32, i32)> = pts.iter().filter(|p| p.0.is_finite() && p.1.is_finite()).map(|p| ipt(*p)).collect();
        if v.len() < 3 {
            return Ok(());
        }
        self.area.draw(&Polygon::new(v, fill(color.mix(alpha)))).map_err(render_err)
    }

    /// Axis-aligned rectangle filled with `color` at opacity `alpha`.
    pub fn rect(&self, a: Px, b: Px, color: RGBColor, alpha: f64) -> Result<(), PlotError> {
        self.area.draw(&Rectangle::new([ipt(a), ipt(b)], fill(color.mix(alpha)))).map_err(render_err)
    }

    /// Rectangle outline.
    pub fn rect_outline(&self, a: Px, b: Px, color: RGBColor, width: u32) -> Result<(), PlotError> {
        let pts = [a, (b.0, a.1), b, (a.0, b.1), a];
        self.path(&pts, color, width)
    }

    /// Filled marker of "radius" `r` centred at `c`.
    pub fn marker(&self, kind: Marker, c: Px, r: f64, color: RGBColor) -> Result<(), PlotError> {
        match kind {
            Marker::Circle => {
                self.area.draw(&Circle::new(ipt(c), r.round() as i32, fill(color.to_rgba()))).map_err(render_err)
            }
            Marker::Square => {
                let s = r * 0.9;
                self.rect((c.0 - s, c.1 - s), (c.0 + s, c.1 + s), color, 1.0)
            }
            Marker::Triangle => {
                let s = r * 1.2;
                let pts = [(c.0, c.1 - s), (c.0 + s * 0.866, c.1 + s * 0.5), (c.0 - s * 0.866, c.1 + s * 0.5)];
                self.polygon(&pts, color, 1.0)
            }
            Marker::Diamond => {
                let s = r * 1.25;
                let pts = [(c.0, c.1 - s), (c.0 + s, c.1), (c.0, c.1 + s), (c.0 - s, c.1)];
                self.polygon(&pts, color, 1.0)
            }
        }
    }

    /// Draws a centred figure title at the top (shrunk to fit the width) and returns the y
    /// coordinate where the content below it may start.
    pub fn title(&self, title: &str) -> Result<f64, PlotError> {
        let (w, _) = self.size();
        let top = 40.0;
        if title.trim().is_empty() {
            return Ok(top);
        }
        let mut size = TITLE_SIZE;
        let width = self.text_width(title, size)?;
        if width > w * 0.94 {
            size *= (w * 0.94 / width).max(0.5);
        }
        self.text(title, (w / 2.0, top + 10.0), size, BLACK, Align::Center, VAlign::Top)?;
        Ok(top + 10.0 + size * 1.15)
    }

    /// Width of `text` at font `size`, in design pixels (identical on both backends).
    pub fn text_width(&self, text: &str, size: f64) -> Result<f64, PlotError> {
        text_advance(text, size).map_err(PlotError::Render)
    }

    /// Draws horizontal `text` anchored at `at`.
    pub fn text(
        &self,
        text: &str,
        at: Px,
        size: f64,
        color: RGBColor,
        align: Align,
        valign: VAlign,
    ) -> Result<(), PlotError> {
        self.draw_text(text, at, size, color, align, valign, false)
    }

    /// Draws `text` rotated to read bottom-to-top (y-axis titles); `at` is its centre-line point.
    pub fn text_vertical(
        &self,
        text: &str,
        at: Px,
        size: f64,
        color: RGBColor,
        valign: VAlign,
    ) -> Result<(), PlotError> {
        self.draw_text(text, at, size, color, Align::Center, valign, true)
    }

    #[allow(clippy::too_many_arguments)]
    fn draw_text(
        &self,
        text: &str,
        at: Px,
        size: f64,
        color: RGBColor,
        align: Align,
        valign: VAlign,
        rotated: bool,
    ) -> Result<(), PlotError> {
        if text.is_empty() {
            return Ok(());
        }
        let em = size * EM_PER_SIZE;
        // Offset from the anchor to the baseline, along the glyphs' "down" direction.
        let to_baseline = match valign {
            VAlign::Top => em * CAP_PER_EM,
            VAlign::Middle => em * CAP_PER_EM / 2.0,
            VAlign::Baseline => 0.0,
        };
        if self.is_svg {
            // SVG: font-size = em; a VPos::Top anchor puts the baseline 0.76 em lower (dy).
            let shift = to_baseline - 0.76 * em;
            let pos = if rotated { (at.0 + shift, at.1) } else { (at.0, at.1 + shift) };
            let h = match align {
                Align::Left => HPos::Left,
                Align::Center => HPos::Center,
                Align::Right => HPos::Right,
            };
            let mut style = TextStyle::from(FontDesc::new(FontFamily::Name(FONT_FAMILY), em * 1.24, FontStyle::Normal))
                .color(&color)
                .pos(Pos::new(h, VPos::Top));
            if rotated {
                style = style.transform(FontTransform::Rotate270);
            }
            return self.area.draw_text(text, &style, ipt(pos)).map_err(render_err);
        }
        let width = self.text_width(text, size)?;
        let start = match align {
            Align::Left => 0.0,
            Align::Center => -width / 2.0,
            Align::Right => -width,
        };
        self.raster_text(text, at, start, to_baseline, size, color, rotated)
    }

    /// Rasterises text glyph by glyph with the bundled font (side bearings and kerning kept).
    /// `start` is the pen offset along the text direction, `drop` the baseline offset.
    #[allow(clippy::too_many_arguments)]
    fn raster_text(
        &self,
        text: &str,
        at: Px,
        start: f64,
        drop: f64,
        size: f64,
        color: RGBColor,
        rotated: bool,
    ) -> Result<(), PlotError> {
        let font = font().map_err(PlotError::Render)?;
        let scale = PxScale::from(size as f32);
        let scaled = font.as_scaled(scale);
        let mut pen = start as f32;
        let mut prev = None;
        let mut coverage: Vec<((i32, i32), f32)> = Vec::new();
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(p) = prev {
                pen += scaled.kern(p, id);
            }
            let glyph = id.with_scale_and_position(scale, point(pen, drop as f32));
            if let Some(outline) = font.outline_glyph(glyph) {
                let b = outline.px_bounds();
                outline.draw(|x, y, cov| {
                    if cov > 0.004 {
                        let (u, v) = (b.min.x + x as f32, b.min.y + y as f32);
                        let (dx, dy) = if rotated { (v, -u) } else { (u, v) };
                        coverage.push((ipt((at.0 + f64::from(dx), at.1 + f64::from(dy))), cov.min(1.0)));
                    }
                });
            }
            pen += scaled.h_advance(id);
            prev = Some(id);
        }
        for (p, cov) in coverage {
            self.area.draw_pixel(p, &color.mix(f64::from(cov))).map_err(render_err)?;
        }
        Ok(())
    }
}
