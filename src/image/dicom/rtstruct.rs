//! `read_rtstruct`: rasterise the closed planar contours of one ROI of an RT Structure Set
//! onto a reference image grid, slice by slice, with the even-odd rule at voxel centres.
//! Must not resample: contours must lie in planes of the reference slices.

use super::attrs::{get_f64s, get_str, get_u32, items, open, Obj};
use super::error::{inconsistent, DicomError};
use super::geometry::dot;
use super::raster::fill_even_odd;
use crate::image::Volume;
use dicom_dictionary_std::{tags, uids};
use ndarray::Array3;
use std::collections::BTreeMap;
use std::path::Path;

/// (ROINumber, ROIName) of every ROI of a structure set.
pub(crate) fn rois(obj: &Obj, path: &Path) -> Result<Vec<(u32, String)>, DicomError> {
    items(obj, tags::STRUCTURE_SET_ROI_SEQUENCE)
        .iter()
        .map(|r| {
            let n = get_u32(r, tags::ROI_NUMBER, path)?
                .ok_or_else(|| super::attrs::missing(path, tags::ROI_NUMBER, "StructureSetROISequence item"))?;
            Ok((n, get_str(r, tags::ROI_NAME).unwrap_or_default()))
        })
        .collect()
}

/// Read ROI `roi_name` (exact, else case-insensitive) of the RTSTRUCT at `path` as a 0/1 mask on
/// `reference`'s grid: voxel centres inside the slice's contours (even-odd) are 1.
pub fn read_rtstruct<T>(path: &Path, reference: &Volume<T>, roi_name: &str) -> Result<Volume<u8>, DicomError> {
    let file = open(path, false)?
        .ok_or_else(|| DicomError::NotDicom { path: path.to_path_buf(), detail: "no DICOM header".into() })?;
    let obj: &Obj = &file;
    if get_str(obj, tags::SOP_CLASS_UID).as_deref() != Some(uids::RT_STRUCTURE_SET_STORAGE) {
        return Err(inconsistent(path, "not an RTSTRUCT: SOPClassUID (0008,0016) is not RT Structure Set Storage"));
    }
    let list = rois(obj, path)?;
    let want = roi_name.trim();
    let number = list
        .iter()
        .find(|(_, n)| n == want)
        .or_else(|| list.iter().find(|(_, n)| n.eq_ignore_ascii_case(want)))
        .map(|(n, _)| *n)
        .ok_or_else(|| DicomError::RoiNotFound {
            path: path.to_path_buf(),
            wanted: roi_name.to_string(),
            available: list.iter().map(|(_, n)| format!("{n:?}")).collect::<Vec<_>>().join(", "),
        })?;
    let mut contours = Vec::new();
    for rc in items(obj, tags::ROI_CONTOUR_SEQUENCE) {
        if get_u32(rc, tags::REFERENCED_ROI_NUMBER, path)? != Some(number) {
            continue;
        }
        for c in items(rc, tags::CONTOUR_SEQUENCE) {
            if get_str(c, tags::CONTOUR_GEOMETRIC_TYPE).as_deref() == Some("CLOSED_PLANAR") {
                let pts = get_f64s(c, tags::CONTOUR_DATA, path)?
                    .ok_or_else(|| super::attrs::missing(path, tags::CONTOUR_DATA, "CLOSED_PLANAR contour"))?;
                if pts.len() % 3 != 0 || pts.len() < 9 {
                    return Err(super::attrs::invalid(
                        path,
                        tags::CONTOUR_DATA,
                        format!("{} numbers is not ≥ 3 (x,y,z) points", pts.len()),
                    ));
                }
                contours.push(pts);
            }
        }
    }
    if contours.is_empty() {
        return Err(inconsistent(
            path,
            format!("ROI {roi_name:?} has no CLOSED_PLANAR contour in ContourSequence (3006,0040)"),
        ));
    }
    let [ni, nj, nk] = reference.shape();
    let col = |c: usize| [reference.direction[0][c], reference.direction[1][c], reference.direction[2][c]];
    let axes = [col(0), col(1), col(2)];
    let to_index = |p: &[f64]| -> [f64; 3] {
        let d = [p[0] - reference.origin[0], p[1] - reference.origin[1], p[2] - reference.origin[2]];
        [0, 1, 2].map(|a| dot(d, axes[a]) / reference.spacing[a])
    };
    let mut per_slice: BTreeMap<usize, Vec<Vec<[f64; 2]>>> = BTreeMap::new();
    for pts in &contours {
        let idx: Vec<[f64; 3]> = pts.chunks_exact(3).map(to_index).collect();
        let (lo, hi) = idx.iter().fold((f64::MAX, f64::MIN), |(l, h), p| (l.min(p[2]), h.max(p[2])));
        if hi - lo > 0.1 {
            return Err(inconsistent(
                path,
                format!(
                    "a contour of ROI {roi_name:?} is not parallel to the reference slices (spans {:.3} slices)",
                    hi - lo
                ),
            ));
        }
        let k = 0.5 * (lo + hi);
        let kr = k.round();
        if kr < 0.0 || kr >= nk as f64 {
            continue;
        }
        if (k - kr).abs() > 0.25 {
            return Err(inconsistent(
                path,
                format!("a contour of ROI {roi_name:?} lies between reference slices (slice index {k:.3}); is this RTSTRUCT for another series?"),
            ));
        }
        per_slice.entry(kr as usize).or_default().push(idx.iter().map(|p| [p[0], p[1]]).collect());
    }
    if per_slice.is_empty() {
        return Err(inconsistent(path, format!("no contour of ROI {roi_name:?} lies within the reference image")));
    }
    let mut data = Array3::<u8>::zeros((ni, nj, nk));
    for (k, polys) in per_slice {
        for (p, inside) in fill_even_odd(&polys, ni, nj).into_iter().enumerate() {
            if inside {
                data[[p % ni, p / ni, k]] = 1;
            }
        }
    }
    Ok(Volume { data, spacing: reference.spacing, origin: reference.origin, direction: reference.direction })
}
