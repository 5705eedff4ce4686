//! `read_seg`: read one segment of a DICOM-SEG (BINARY or FRACTIONAL) onto a reference image
//! grid, placing each frame by its PlanePositionSequence and ReferencedSegmentNumber.
//! Must not resample: the SEG frames must lie on the reference grid's slices.

use super::attrs::{first_item, get_f64, get_str, get_u32, items, open, req_str, Obj};
use super::error::{inconsistent, DicomError};
use super::frames::frame_headers;
use super::geometry::{axes, dot};
use super::pixels::{stored_frames, ts_name};
use crate::image::Volume;
use dicom_dictionary_std::{tags, uids};
use ndarray::Array3;
use std::path::Path;

/// Which segment of a SEG to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegSelect {
    /// SegmentNumber (0062,0004).
    Number(u32),
    /// SegmentLabel (0062,0005), exact, else case-insensitive.
    Label(String),
}

/// (SegmentNumber, SegmentLabel) of every segment, in file order.
pub(crate) fn segments(obj: &Obj, path: &Path) -> Result<Vec<(u32, String)>, DicomError> {
    items(obj, tags::SEGMENT_SEQUENCE)
        .iter()
        .map(|s| {
            let n = get_u32(s, tags::SEGMENT_NUMBER, path)?
                .ok_or_else(|| super::attrs::missing(path, tags::SEGMENT_NUMBER, "SegmentSequence item"))?;
            Ok((n, get_str(s, tags::SEGMENT_LABEL).unwrap_or_default()))
        })
        .collect()
}

fn choose(list: &[(u32, String)], select: &SegSelect, path: &Path) -> Result<u32, DicomError> {
    let found = match select {
        SegSelect::Number(n) => list.iter().find(|(m, _)| m == n),
        SegSelect::Label(l) => list
            .iter()
            .find(|(_, s)| s == l.trim())
            .or_else(|| list.iter().find(|(_, s)| s.eq_ignore_ascii_case(l.trim()))),
    };
    found.map(|(n, _)| *n).ok_or_else(|| DicomError::SegmentNotFound {
        path: path.to_path_buf(),
        wanted: format!("{select:?}"),
        available: list.iter().map(|(n, l)| format!("{n}: {l:?}")).collect::<Vec<_>>().join(", "),
    })
}

/// Read segment `segment` of the SEG at `path` as a 0/1 mask on `reference`'s grid. FRACTIONAL
/// frames are thresholded at half of MaximumFractionalValue (value / max ≥ 0.5).
pub fn read_seg<T>(path: &Path, reference: &Volume<T>, segment: SegSelect) -> Result<Volume<u8>, DicomError> {
    let file = open(path, false)?
        .ok_or_else(|| DicomError::NotDicom { path: path.to_path_buf(), detail: "no DICOM header".into() })?;
    let obj: &Obj = &file;
    if get_str(obj, tags::SOP_CLASS_UID).as_deref() != Some(uids::SEGMENTATION_STORAGE) {
        return Err(inconsistent(path, "not a DICOM-SEG: SOPClassUID (0008,0016) is not Segmentation Storage"));
    }
    let wanted = choose(&segments(obj, path)?, &segment, path)?;
    let seg_type = req_str(obj, tags::SEGMENTATION_TYPE, path, "DICOM-SEG")?;
    let max_frac = match seg_type.as_str() {
        "BINARY" => None,
        "FRACTIONAL" => Some(get_f64(obj, tags::MAXIMUM_FRACTIONAL_VALUE, path)?.filter(|m| *m > 0.0).unwrap_or(255.0)),
        other => {
            return Err(super::attrs::invalid(
                path,
                tags::SEGMENTATION_TYPE,
                format!("{other:?} (expected BINARY or FRACTIONAL)"),
            ))
        }
    };
    let frames = frame_headers(obj, path)?;
    let shared = first_item(obj, tags::SHARED_FUNCTIONAL_GROUPS_SEQUENCE);
    let per_frame = items(obj, tags::PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE);
    let [ni, nj, nk] = reference.shape();
    let col = |c: usize| [reference.direction[0][c], reference.direction[1][c], reference.direction[2][c]];
    let (rr, rc, rn) = (col(0), col(1), col(2));
    let mut chosen = Vec::new();
    for (f, fh) in frames.iter().enumerate() {
        let ident = per_frame
            .get(f)
            .and_then(|p| first_item(p, tags::SEGMENT_IDENTIFICATION_SEQUENCE))
            .or_else(|| shared.and_then(|s| first_item(s, tags::SEGMENT_IDENTIFICATION_SEQUENCE)))
            .ok_or_else(|| {
                super::attrs::missing(path, tags::SEGMENT_IDENTIFICATION_SEQUENCE, &format!("frame {}", f + 1))
            })?;
        let seg_no = get_u32(ident, tags::REFERENCED_SEGMENT_NUMBER, path)?
            .ok_or_else(|| super::attrs::missing(path, tags::REFERENCED_SEGMENT_NUMBER, &format!("frame {}", f + 1)))?;
        if seg_no != wanted {
            continue;
        }
        let [r, c, _] = axes(fh)?;
        if (0..3).any(|a| (r[a] - rr[a]).abs() > 1e-3 || (c[a] - rc[a]).abs() > 1e-3) {
            return Err(inconsistent(
                path,
                format!(
                    "frame {}: orientation {:?} differs from the reference image's direction {:?}; resample first",
                    f + 1,
                    fh.orientation,
                    reference.direction
                ),
            ));
        }
        let same = |a: f64, b: f64| (a - b).abs() <= 1e-3 * a.abs().max(b.abs());
        if fh.cols as usize != ni
            || fh.rows as usize != nj
            || !same(fh.pixel_spacing[1], reference.spacing[0])
            || !same(fh.pixel_spacing[0], reference.spacing[1])
        {
            return Err(inconsistent(
                path,
                format!(
                    "frame {}: in-plane grid {}×{} at PixelSpacing {:?} differs from the reference {}×{} at {:?} mm",
                    f + 1,
                    fh.cols,
                    fh.rows,
                    fh.pixel_spacing,
                    ni,
                    nj,
                    [reference.spacing[1], reference.spacing[0]]
                ),
            ));
        }
        let d: Vec<f64> = (0..3).map(|a| fh.position[a] - reference.origin[a]).collect();
        let d = [d[0], d[1], d[2]];
        let (fi, fj, fk) =
            (dot(d, rr) / reference.spacing[0], dot(d, rc) / reference.spacing[1], dot(d, rn) / reference.spacing[2]);
        let k = fk.round();
        if fi.abs() > 0.05 || fj.abs() > 0.05 || (fk - k).abs() > 0.05 || k < 0.0 || k >= nk as f64 {
            return Err(inconsistent(
                path,
                format!(
                    "frame {}: ImagePositionPatient {:?} is not on a slice of the reference grid (index {fi:.3}, {fj:.3}, {fk:.3}); \
                     is this SEG for another series?",
                    f + 1,
                    fh.position
                ),
            ));
        }
        chosen.push((f as u32, k as usize));
    }
    let mut data = Array3::<u8>::zeros((ni, nj, nk));
    let frame_px = ni * nj;
    let pixel_el =
        obj.get(tags::PIXEL_DATA).ok_or_else(|| super::attrs::missing(path, tags::PIXEL_DATA, "DICOM-SEG"))?;
    let native = pixel_el.fragments().is_none();
    if max_frac.is_none() && native {
        let bytes = pixel_el.to_bytes().map_err(|e| super::attrs::invalid(path, tags::PIXEL_DATA, e.to_string()))?;
        for (f, k) in &chosen {
            for p in 0..frame_px {
                let bit = *f as usize * frame_px + p;
                let byte = *bytes
                    .get(bit / 8)
                    .ok_or_else(|| inconsistent(path, format!("PixelData too short for frame {}", f + 1)))?;
                if (byte >> (bit % 8)) & 1 == 1 {
                    data[[p % ni, p / ni, *k]] = 1;
                }
            }
        }
    } else if max_frac.is_none() {
        let ts = file.meta().transfer_syntax().trim_end_matches('\0').to_string();
        return Err(DicomError::Undecodable {
            path: path.to_path_buf(),
            transfer_syntax: ts_name(&ts),
            detail: "compressed 1-bit BINARY segmentations are not supported".into(),
        });
    } else {
        let max = max_frac.unwrap_or(255.0);
        let numbers: Vec<u32> = chosen.iter().map(|(f, _)| *f).collect();
        for ((_, k), v) in chosen.iter().zip(stored_frames(&file, path, &numbers)?) {
            for (p, x) in v.iter().enumerate() {
                if *x / max >= 0.5 {
                    data[[p % ni, p / ni, *k]] = 1;
                }
            }
        }
    }
    Ok(Volume { data, spacing: reference.spacing, origin: reference.origin, direction: reference.direction })
}
