//! The bundled DejaVu Sans font, registered once with plotters' ab_glyph text engine so PNG
//! text needs no system fonts. Must not look up or load any font from the host system.
use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use plotters::style::{register_font, FontStyle};

/// Font family written into SVG `font-family` (with fallbacks) and used as the ab_glyph key.
pub const FONT_FAMILY: &str = "DejaVu Sans, Arial, Helvetica, sans-serif";

static FONT_BYTES: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/fonts/DejaVuSans.ttf"));

static PARSED: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();

/// Registers the bundled font exactly once per process; later calls return the first outcome.
pub fn ensure_font() -> Result<(), String> {
    REGISTERED
        .get_or_init(|| {
            register_font(FONT_FAMILY, FontStyle::Normal, FONT_BYTES)
                .map_err(|_| "bundled DejaVuSans.ttf could not be parsed".to_string())
        })
        .clone()
}

/// The parsed bundled font (for exact glyph placement and text measurement).
pub fn font() -> Result<&'static FontRef<'static>, String> {
    PARSED
        .get_or_init(|| FontRef::try_from_slice(FONT_BYTES).ok())
        .as_ref()
        .ok_or_else(|| "bundled DejaVuSans.ttf could not be parsed".to_string())
}

/// Advance width of `text` at pixel scale `size` (sum of advances plus kerning).
pub fn text_advance(text: &str, size: f64) -> Result<f64, String> {
    let scaled = font()?.as_scaled(PxScale::from(size as f32));
    let mut pen = 0.0f32;
    let mut prev = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = prev {
            pen += scaled.kern(p, id);
        }
        pen += scaled.h_advance(id);
        prev = Some(id);
    }
    Ok(f64::from(pen))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn font_parses_and_measures() {
        ensure_font().unwrap();
        let f = font().unwrap();
        // DejaVu Sans design metrics (from its hhea/head tables): 2048 units per em.
        assert_eq!(f.units_per_em(), Some(2048.0));
        assert!(text_advance("", 80.0).unwrap() == 0.0);
        let w1 = text_advance("0.5", 80.0).unwrap();
        let w2 = text_advance("0.5", 160.0).unwrap();
        assert!((w2 - 2.0 * w1).abs() < 1e-3);
    }
}
