//! Shared visual constants: the Okabe–Ito colour-blind-safe palette, font sizes, line widths.
//! All lengths are in design pixels (twice the PNG output resolution; see `canvas`).
//! Must not contain drawing logic.
use plotters::style::RGBColor;

/// Okabe & Ito (2008) "Color Universal Design" palette, ordered for series use
/// (yellow last: lowest contrast on white).
pub const SERIES_COLORS: [RGBColor; 7] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0xF0, 0xE4, 0x42), // yellow
];
pub const BLACK: RGBColor = RGBColor(0, 0, 0);
pub const WHITE: RGBColor = RGBColor(255, 255, 255);
/// Reference lines (chance diagonal, ideal calibration, "treat all").
pub const REFERENCE_GREY: RGBColor = RGBColor(0x70, 0x70, 0x70);
pub const GRID_GREY: RGBColor = RGBColor(0xE3, 0xE3, 0xE3);
pub const TEXT_GREY: RGBColor = RGBColor(0x33, 0x33, 0x33);

/// Colour of series `i` (cycles through the palette).
pub fn series_color(i: usize) -> RGBColor {
    SERIES_COLORS[i % SERIES_COLORS.len()]
}

// Font sizes (plotters units: ~1.2 × em height) in design pixels.
pub const TITLE_SIZE: f64 = 104.0;
pub const AXIS_TITLE_SIZE: f64 = 92.0;
pub const TICK_LABEL_SIZE: f64 = 80.0;
pub const LEGEND_SIZE: f64 = 76.0;

// Stroke widths in design pixels.
pub const CURVE_WIDTH: u32 = 10;
pub const REFERENCE_WIDTH: u32 = 6;
pub const AXIS_WIDTH: u32 = 5;
pub const GRID_WIDTH: u32 = 3;
pub const TICK_LENGTH: f64 = 24.0;
/// Generic padding between text and lines.
pub const GAP: f64 = 20.0;
/// Opacity of confidence bands.
pub const BAND_ALPHA: f64 = 0.18;
