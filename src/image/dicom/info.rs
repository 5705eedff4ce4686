//! `dicom_info`: a plain-text summary of a DICOM folder — image series (UID, description,
//! modality, frames, size, spacing, transfer syntax), SEG segments and RTSTRUCT ROIs — the
//! first thing a user runs. Must not decode pixels.

use super::error::DicomError;
use super::frames::frame_headers;
use super::geometry::assemble;
use super::pixels::ts_name;
use super::rtstruct::rois;
use super::scan::{image_series, scan, FileKind};
use super::seg::segments;
use std::fmt::Write;
use std::path::Path;

fn fmt3(v: [f64; 3]) -> String {
    format!("{:.4} × {:.4} × {:.4}", v[0], v[1], v[2])
}

/// Summarise the DICOM files under `dir` (recursively); series are listed by UID.
pub fn dicom_info(dir: &Path) -> Result<String, DicomError> {
    let scan = scan(dir)?;
    let mut out = String::new();
    let series = image_series(&scan);
    let _ = writeln!(out, "{}: {} DICOM file(s), {} image series", dir.display(), scan.files.len(), series.len());
    for (uid, files) in &series {
        let f0 = files[0];
        let _ = writeln!(out, "series {uid}");
        let _ = writeln!(out, "  description: {:?}", f0.description);
        let _ = writeln!(out, "  modality: {}", f0.modality);
        let syntaxes: std::collections::BTreeSet<&str> = files.iter().map(|f| f.transfer_syntax.as_str()).collect();
        let names: Vec<String> = syntaxes.into_iter().map(ts_name).collect();
        let _ = writeln!(out, "  transfer syntax: {}", names.join("; "));
        let mut frames = Vec::new();
        let mut problem = None;
        for f in files {
            match frame_headers(&f.header, &f.path) {
                Ok(h) => frames.extend(h),
                Err(e) => {
                    problem.get_or_insert(e.to_string());
                }
            }
        }
        let _ = writeln!(out, "  files: {}, frames: {}", files.len(), frames.len());
        match problem.map(Err).unwrap_or_else(|| assemble(&mut frames).map_err(|e| e.to_string())) {
            Ok(g) => {
                let _ = writeln!(out, "  size: {} × {} × {} voxels", g.size[0], g.size[1], g.size[2]);
                let _ = writeln!(out, "  spacing: {} mm", fmt3(g.spacing));
                let _ = writeln!(out, "  origin: {} mm", fmt3(g.origin));
            }
            Err(e) => {
                let _ = writeln!(out, "  not readable as one volume: {e}");
            }
        }
    }
    for f in &scan.files {
        match f.kind {
            FileKind::Seg => {
                let _ = writeln!(out, "SEG {} (references series of {})", f.path.display(), f.description);
                for (n, label) in segments(&f.header, &f.path)? {
                    let _ = writeln!(out, "  segment {n}: {label:?}");
                }
            }
            FileKind::RtStruct => {
                let _ = writeln!(out, "RTSTRUCT {}", f.path.display());
                for (n, name) in rois(&f.header, &f.path)? {
                    let _ = writeln!(out, "  ROI {n}: {name:?}");
                }
            }
            _ => {}
        }
    }
    for (p, why) in &scan.unreadable {
        let _ = writeln!(out, "unreadable {}: {why}", p.display());
    }
    Ok(out)
}
