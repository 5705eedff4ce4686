//! Decode the stored pixel values of image frames (native or compressed transfer syntaxes
//! through dicom-pixeldata) into numbers, honouring BitsStored and PixelRepresentation.
//! Must not apply rescale or any display transform (the caller applies RescaleSlope/Intercept).

use super::error::DicomError;
use dicom_object::DefaultDicomObject;
use dicom_pixeldata::{PixelDecoder, PixelRepresentation};
use std::path::Path;

/// Transfer syntaxes this build decodes (all via pure-Rust codecs).
pub const SUPPORTED_TRANSFER_SYNTAXES: &[(&str, &str)] = &[
    ("1.2.840.10008.1.2", "Implicit VR Little Endian"),
    ("1.2.840.10008.1.2.1", "Explicit VR Little Endian"),
    ("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian"),
    ("1.2.840.10008.1.2.2", "Explicit VR Big Endian (retired)"),
    ("1.2.840.10008.1.2.5", "RLE Lossless"),
    ("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)"),
    ("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4), 8-bit only: 12-bit lossy is refused"),
    ("1.2.840.10008.1.2.4.57", "JPEG Lossless (Process 14)"),
    ("1.2.840.10008.1.2.4.70", "JPEG Lossless SV1 (Process 14, Selection Value 1)"),
    ("1.2.840.10008.1.2.4.90", "JPEG 2000 Lossless Only"),
    ("1.2.840.10008.1.2.4.91", "JPEG 2000"),
];

/// Stored values of the given 0-based `frames` of a grey-scale image object, row-major
/// (row r, column c at r·cols + c), as integers sign-extended or masked to BitsStored.
pub(crate) fn stored_frames(
    obj: &DefaultDicomObject,
    path: &Path,
    frames: &[u32],
) -> Result<Vec<Vec<f64>>, DicomError> {
    // The third-party decoders can panic on corrupt compressed data (found by fuzzing: an RLE
    // segment that decodes short indexes out of bounds in dicom-transfer-syntax-registry
    // 0.10.1); report that as undecodable pixel data instead of aborting the run.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| decode_frames(obj, path, frames))).unwrap_or_else(|_| {
        let ts = obj.meta().transfer_syntax().trim_end_matches('\0').to_string();
        Err(DicomError::Undecodable {
            path: path.to_path_buf(),
            transfer_syntax: ts_name(&ts),
            detail: "the decoder failed on corrupt pixel data".into(),
        })
    })
}

fn decode_frames(obj: &DefaultDicomObject, path: &Path, frames: &[u32]) -> Result<Vec<Vec<f64>>, DicomError> {
    let ts = obj.meta().transfer_syntax().trim_end_matches('\0').to_string();
    let undecodable =
        |detail: String| DicomError::Undecodable { path: path.to_path_buf(), transfer_syntax: ts_name(&ts), detail };
    let decoded = obj.decode_pixel_data().map_err(|e| undecodable(e.to_string()))?;
    if decoded.samples_per_pixel() != 1 {
        return Err(super::error::inconsistent(
            path,
            format!(
                "SamplesPerPixel (0028,0002) is {}; only grey-scale images are supported",
                decoded.samples_per_pixel()
            ),
        ));
    }
    let bits = decoded.bits_allocated();
    let stored = decoded.bits_stored().clamp(1, bits.max(1));
    let signed = decoded.pixel_representation() == PixelRepresentation::Signed;
    let mut out = Vec::with_capacity(frames.len());
    for &f in frames {
        let bytes = decoded.frame_data(f).map_err(|e| undecodable(format!("frame {}: {e}", f + 1)))?;
        let raw: Vec<u64> = match bits {
            8 => bytes.iter().map(|b| *b as u64).collect(),
            16 => bytes.chunks_exact(2).map(|b| u16::from_ne_bytes([b[0], b[1]]) as u64).collect(),
            32 => bytes.chunks_exact(4).map(|b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]) as u64).collect(),
            other => return Err(undecodable(format!("BitsAllocated (0028,0100) {other} is not supported"))),
        };
        let expected = decoded.rows() as usize * decoded.columns() as usize;
        if raw.len() < expected {
            return Err(undecodable(format!("frame {} holds {} of {expected} pixels", f + 1, raw.len())));
        }
        let mask = if stored >= 64 { u64::MAX } else { (1u64 << stored) - 1 };
        let sign_bit = 1u64 << (stored - 1);
        out.push(
            raw[..expected]
                .iter()
                .map(|v| {
                    let m = v & mask;
                    if signed && m & sign_bit != 0 {
                        m as f64 - (1u64 << stored) as f64
                    } else {
                        m as f64
                    }
                })
                .collect(),
        );
    }
    Ok(out)
}

/// "1.2.840.10008.1.2.4.80 (JPEG-LS Lossless)" for error messages.
pub(crate) fn ts_name(uid: &str) -> String {
    use dicom_transfer_syntax_registry::TransferSyntaxIndex;
    match dicom_transfer_syntax_registry::TransferSyntaxRegistry.get(uid) {
        Some(ts) => format!("{uid} ({})", ts.name()),
        None => uid.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// Stored values of multi-frame (native, RLE, JPEG 2000) and 12-bit JPEG files versus pydicom
    /// (tests/data/dicom/reference.json, made by make_reference.py).
    #[test]
    fn frames_match_pydicom() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/dicom");
        let refs: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("reference.json")).unwrap()).unwrap();
        for (name, r) in refs["pixels"].as_object().unwrap() {
            let path = dir.join(name);
            let obj = super::super::attrs::open(&path, false).unwrap().unwrap();
            let n = r["frames"].as_u64().unwrap() as u32;
            let frames: Vec<u32> = (0..n).collect();
            let v = stored_frames(&obj, &path, &frames).unwrap();
            let cols = r["cols"].as_u64().unwrap() as usize;
            let rows = r["rows"].as_u64().unwrap() as usize;
            let tol = 0.0; // all lossless
            for (f, frame) in v.iter().enumerate() {
                let want = r["per_frame_sum"][f].as_f64().unwrap();
                let sum: f64 = frame.iter().sum();
                assert!((sum - want).abs() <= tol * (rows * cols) as f64, "{name} frame {f}: sum {sum} vs {want}");
            }
            for (c, want) in r["first_row_frame0"].as_array().unwrap().iter().enumerate() {
                assert!((v[0][c] - want.as_f64().unwrap()).abs() <= tol, "{name} frame 0 column {c}");
            }
            let last = &v[v.len() - 1];
            for (c, want) in r["middle_row_last_frame"].as_array().unwrap().iter().enumerate() {
                assert!(
                    (last[(rows / 2) * cols + c] - want.as_f64().unwrap()).abs() <= tol,
                    "{name} last frame column {c}"
                );
            }
        }
        // 12-bit lossy JPEG Extended is not decoded by the pure-Rust JPEG decoder: clear error
        let path = dir.join("pydicom/JPGExtended.dcm");
        let obj = super::super::attrs::open(&path, false).unwrap().unwrap();
        let msg = stored_frames(&obj, &path, &[0]).unwrap_err().to_string();
        assert!(msg.contains("1.2.840.10008.1.2.4.51") && msg.contains("JPGExtended.dcm"), "{msg}");
    }
}
