//! Per-frame geometry and rescale of an image file: one `FrameHeader` per 2D frame, from the
//! classic top-level attributes or, for enhanced multi-frame objects, from the Shared and
//! Per-frame Functional Groups. Must not decode pixels or sort frames.

use super::attrs::{first_item, get_f64, get_f64s, get_u32, items, missing, req_f64s, req_u32, Obj};
use super::error::DicomError;
use dicom_dictionary_std::tags;
use std::path::{Path, PathBuf};

/// Geometry and value mapping of one 2D frame.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FrameHeader {
    pub path: PathBuf,
    /// 0-based frame number inside the file.
    pub frame: u32,
    /// ImagePositionPatient: centre of the first transmitted pixel, mm (LPS).
    pub position: [f64; 3],
    /// ImageOrientationPatient: row direction (along increasing column index) then column direction.
    pub orientation: [f64; 6],
    /// PixelSpacing as stored: [between rows (mm), between columns (mm)].
    pub pixel_spacing: [f64; 2],
    pub rows: u32,
    pub cols: u32,
    pub slope: f64,
    pub intercept: f64,
    /// SpacingBetweenSlices, else SliceThickness (used only for single-slice volumes).
    pub thickness: Option<f64>,
}

/// Look an attribute's sequence up in the frame's per-frame group, then in the shared group.
fn functional<'a>(per_frame: Option<&'a Obj>, shared: Option<&'a Obj>, seq: dicom_core::Tag) -> Option<&'a Obj> {
    per_frame.and_then(|p| first_item(p, seq)).or_else(|| shared.and_then(|s| first_item(s, seq)))
}

fn arr<const N: usize>(v: Vec<f64>) -> [f64; N] {
    let mut a = [0.0; N];
    a.copy_from_slice(&v[..N]);
    a
}

/// All frames of one image object (classic: one frame; enhanced: NumberOfFrames frames).
pub(crate) fn frame_headers(obj: &Obj, path: &Path) -> Result<Vec<FrameHeader>, DicomError> {
    let rows = req_u32(obj, tags::ROWS, path, "image size")?;
    let cols = req_u32(obj, tags::COLUMNS, path, "image size")?;
    let top_slope = get_f64(obj, tags::RESCALE_SLOPE, path)?;
    let top_intercept = get_f64(obj, tags::RESCALE_INTERCEPT, path)?;
    let per_frame = items(obj, tags::PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE);
    let shared = first_item(obj, tags::SHARED_FUNCTIONAL_GROUPS_SEQUENCE);
    let n_frames = get_u32(obj, tags::NUMBER_OF_FRAMES, path)?.unwrap_or(1);
    if per_frame.is_empty() && shared.is_none() {
        if n_frames > 1 {
            return Err(missing(
                path,
                tags::PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE,
                &format!("{n_frames} frames but no per-frame geometry; cannot place the frames in space"),
            ));
        }
        let ctx = "classic image geometry";
        let thickness = match get_f64(obj, tags::SPACING_BETWEEN_SLICES, path)? {
            Some(s) if s > 0.0 => Some(s),
            _ => get_f64(obj, tags::SLICE_THICKNESS, path)?.filter(|t| *t > 0.0),
        };
        return Ok(vec![FrameHeader {
            path: path.to_path_buf(),
            frame: 0,
            position: arr(req_f64s(obj, tags::IMAGE_POSITION_PATIENT, 3, path, ctx)?),
            orientation: arr(req_f64s(obj, tags::IMAGE_ORIENTATION_PATIENT, 6, path, ctx)?),
            pixel_spacing: arr(req_f64s(obj, tags::PIXEL_SPACING, 2, path, ctx)?),
            rows,
            cols,
            slope: top_slope.unwrap_or(1.0),
            intercept: top_intercept.unwrap_or(0.0),
            thickness,
        }]);
    }
    if per_frame.len() != n_frames as usize {
        return Err(super::error::inconsistent(
            path,
            format!(
                "NumberOfFrames is {n_frames} but PerFrameFunctionalGroupsSequence (5200,9230) has {} items",
                per_frame.len()
            ),
        ));
    }
    let mut out = Vec::with_capacity(per_frame.len());
    for (f, pf) in per_frame.iter().enumerate() {
        let ctx = format!("enhanced frame {} of {n_frames}", f + 1);
        let pos_item = functional(Some(pf), shared, tags::PLANE_POSITION_SEQUENCE)
            .ok_or_else(|| missing(path, tags::PLANE_POSITION_SEQUENCE, &ctx))?;
        let ori_item = functional(Some(pf), shared, tags::PLANE_ORIENTATION_SEQUENCE)
            .ok_or_else(|| missing(path, tags::PLANE_ORIENTATION_SEQUENCE, &ctx))?;
        let meas_item = functional(Some(pf), shared, tags::PIXEL_MEASURES_SEQUENCE)
            .ok_or_else(|| missing(path, tags::PIXEL_MEASURES_SEQUENCE, &ctx))?;
        let pvt = functional(Some(pf), shared, tags::PIXEL_VALUE_TRANSFORMATION_SEQUENCE);
        let (slope, intercept) = match pvt {
            Some(t) => (
                get_f64(t, tags::RESCALE_SLOPE, path)?.or(top_slope).unwrap_or(1.0),
                get_f64(t, tags::RESCALE_INTERCEPT, path)?.or(top_intercept).unwrap_or(0.0),
            ),
            None => (top_slope.unwrap_or(1.0), top_intercept.unwrap_or(0.0)),
        };
        let thickness = match get_f64(meas_item, tags::SPACING_BETWEEN_SLICES, path)? {
            Some(s) if s > 0.0 => Some(s),
            _ => {
                get_f64s(meas_item, tags::SLICE_THICKNESS, path)?.and_then(|v| v.first().copied()).filter(|t| *t > 0.0)
            }
        };
        out.push(FrameHeader {
            path: path.to_path_buf(),
            frame: f as u32,
            position: arr(req_f64s(pos_item, tags::IMAGE_POSITION_PATIENT, 3, path, &ctx)?),
            orientation: arr(req_f64s(ori_item, tags::IMAGE_ORIENTATION_PATIENT, 6, path, &ctx)?),
            pixel_spacing: arr(req_f64s(meas_item, tags::PIXEL_SPACING, 2, path, &ctx)?),
            rows,
            cols,
            slope,
            intercept,
            thickness,
        });
    }
    Ok(out)
}
