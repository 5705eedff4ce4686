//! Minimal deterministic PNG encoder (8-bit RGB, 300 dpi pHYs chunk, adaptive row filters,
//! zlib via flate2) and the 2×2 box-filter downsampler used for anti-aliasing.
//! Must not depend on wall-clock time or write any metadata that varies between runs.
use std::io::Write;

use flate2::write::ZlibEncoder;
use flate2::Compression;

const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
/// 300 dots per inch expressed in pixels per metre (300 / 0.0254, rounded).
const PIXELS_PER_METRE_300_DPI: u32 = 11_811;

/// CRC-32 (ISO-HDLC polynomial 0xEDB88320) as required for PNG chunks (PNG spec, Annex D).
pub fn crc32(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes)
}

fn push_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = ((p - i16::from(a)).abs(), (p - i16::from(b)).abs(), (p - i16::from(c)).abs());
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// Filters one scanline with PNG filter `kind` (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth).
fn filter_row(kind: u8, row: &[u8], prev: &[u8], bpp: usize, out: &mut Vec<u8>) {
    let n = row.len();
    out.clear();
    out.resize(n, 0);
    let b = bpp.min(n);
    // The first `bpp` bytes have no left neighbour (a = c = 0).
    for i in 0..b {
        out[i] = row[i].wrapping_sub(match kind {
            0 | 1 => 0,
            2 | 4 => prev[i],
            _ => prev[i] / 2,
        });
    }
    let (row_l, prev_l) = (&row[..n - b], &prev[..n - b]);
    let (row_r, prev_r, out_r) = (&row[b..], &prev[b..], &mut out[b..]);
    match kind {
        0 => out_r.copy_from_slice(row_r),
        1 => out_r.iter_mut().zip(row_r.iter().zip(row_l)).for_each(|(o, (&x, &a))| *o = x.wrapping_sub(a)),
        2 => out_r.iter_mut().zip(row_r.iter().zip(prev_r)).for_each(|(o, (&x, &up))| *o = x.wrapping_sub(up)),
        3 => out_r
            .iter_mut()
            .zip(row_r.iter().zip(row_l.iter().zip(prev_r)))
            .for_each(|(o, (&x, (&a, &up)))| *o = x.wrapping_sub(((u16::from(a) + u16::from(up)) / 2) as u8)),
        _ => {
            for i in 0..n - b {
                out_r[i] = row_r[i].wrapping_sub(paeth(row_l[i], prev_r[i], prev_l[i]));
            }
        }
    }
}

/// Encodes tightly packed 8-bit RGB pixels (`width*height*3` bytes) as a PNG file in memory.
pub fn encode_rgb(width: u32, height: u32, rgb: &[u8]) -> Result<Vec<u8>, String> {
    let stride = width as usize * 3;
    if width == 0 || height == 0 || rgb.len() != stride * height as usize {
        return Err(format!("PNG encoder: {} bytes do not form a {width}x{height} RGB image", rgb.len()));
    }
    let mut raw = Vec::with_capacity((stride + 1) * height as usize);
    let zeros = vec![0u8; stride];
    let mut best = Vec::with_capacity(stride);
    let mut trial = Vec::with_capacity(stride);
    for y in 0..height as usize {
        let row = &rgb[y * stride..(y + 1) * stride];
        let prev = if y == 0 { &zeros[..] } else { &rgb[(y - 1) * stride..y * stride] };
        // Standard heuristic: pick the filter minimising the sum of absolute signed residuals.
        let mut best_kind = 0u8;
        let mut best_cost = u64::MAX;
        for kind in 0..5u8 {
            filter_row(kind, row, prev, 3, &mut trial);
            let cost: u64 = trial.iter().map(|&v| u64::from((v as i8).unsigned_abs())).sum();
            if cost < best_cost {
                best_cost = cost;
                best_kind = kind;
                std::mem::swap(&mut best, &mut trial);
            }
        }
        raw.push(best_kind);
        raw.extend_from_slice(&best);
    }
    let mut z = ZlibEncoder::new(Vec::new(), Compression::new(6));
    z.write_all(&raw).map_err(|e| e.to_string())?;
    let idat = z.finish().map_err(|e| e.to_string())?;

    let mut out = Vec::with_capacity(idat.len() + 128);
    out.extend_from_slice(&SIGNATURE);
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // bit depth 8, RGB, deflate, adaptive, no interlace
    push_chunk(&mut out, b"IHDR", &ihdr);
    let mut phys = Vec::with_capacity(9);
    phys.extend_from_slice(&PIXELS_PER_METRE_300_DPI.to_be_bytes());
    phys.extend_from_slice(&PIXELS_PER_METRE_300_DPI.to_be_bytes());
    phys.push(1); // unit: metre
    push_chunk(&mut out, b"pHYs", &phys);
    push_chunk(&mut out, b"IDAT", &idat);
    push_chunk(&mut out, b"IEND", &[]);
    Ok(out)
}

/// Halves an RGB image in both directions by averaging each 2×2 block (rounded half up).
pub fn downsample_2x(width: u32, height: u32, rgb: &[u8]) -> Vec<u8> {
    let (w, h) = (width as usize / 2, height as usize / 2);
    let stride = width as usize * 3;
    let mut out = Vec::with_capacity(w * h * 3);
    for y in 0..h {
        for x in 0..w {
            for c in 0..3 {
                let at = |dy: usize, dx: usize| u16::from(rgb[(2 * y + dy) * stride + (2 * x + dx) * 3 + c]);
                let sum = at(0, 0) + at(0, 1) + at(1, 0) + at(1, 1);
                out.push(((sum + 2) / 4) as u8);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::ZlibDecoder;
    use std::io::Read;

    #[test]
    fn crc32_matches_standard_check_value() {
        // The CRC-32/ISO-HDLC catalogue check value for ASCII "123456789".
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        // IEND chunk CRC as printed in every PNG file: AE 42 60 82.
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
    }

    fn unfilter(data: &[u8], width: usize, height: usize) -> Vec<u8> {
        let stride = width * 3;
        let mut out = vec![0u8; stride * height];
        for y in 0..height {
            let kind = data[y * (stride + 1)];
            for i in 0..stride {
                let v = data[y * (stride + 1) + 1 + i];
                let a = if i >= 3 { out[y * stride + i - 3] } else { 0 };
                let b = if y > 0 { out[(y - 1) * stride + i] } else { 0 };
                let c = if y > 0 && i >= 3 { out[(y - 1) * stride + i - 3] } else { 0 };
                let p = match kind {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                    4 => paeth(a, b, c),
                    _ => panic!("bad filter"),
                };
                out[y * stride + i] = v.wrapping_add(p);
            }
        }
        out
    }

    #[test]
    fn encoded_png_round_trips_pixels() {
        let (w, h) = (7usize, 5usize);
        let rgb: Vec<u8> = (0..w * h * 3).map(|i| ((i * 37) % 251) as u8).collect();
        let png = encode_rgb(w as u32, h as u32, &rgb).unwrap();
        assert_eq!(&png[..8], &SIGNATURE);
        assert_eq!(&png[12..16], b"IHDR");
        // Chunk layout: IHDR (13) then pHYs (9) then IDAT.
        let idat_len_at = 8 + 25 + 21;
        let len = u32::from_be_bytes(png[idat_len_at..idat_len_at + 4].try_into().unwrap());
        assert_eq!(&png[idat_len_at + 4..idat_len_at + 8], b"IDAT");
        let idat = &png[idat_len_at + 8..idat_len_at + 8 + len as usize];
        let mut raw = Vec::new();
        ZlibDecoder::new(idat).read_to_end(&mut raw).unwrap();
        assert_eq!(unfilter(&raw, w, h), rgb);
        assert!(png.ends_with(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82]));
    }

    #[test]
    fn rejects_wrong_buffer_size() {
        assert!(encode_rgb(2, 2, &[0; 11]).is_err());
        assert!(encode_rgb(0, 2, &[]).is_err());
    }

    #[test]
    fn downsample_averages_blocks() {
        let rgb = [
            0, 0, 0, 255, 255, 255, //
            255, 255, 255, 2, 3, 4,
        ];
        assert_eq!(downsample_2x(2, 2, &rgb), vec![128, 128, 129]);
    }
}
