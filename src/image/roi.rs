//! ROI geometry on 0/1 masks (voxel > 0 is in the ROI): distance-based dilation, erosion and
//! peritumoral rings in mm, bounding boxes and cropping. Must not read files or touch
//! intensities; perturbations for stability studies live in `perturb.rs`.

use ndarray::{s, Array3};

use super::edt::distance_to;
use super::volume::{GeometryTolerance, Volume};

pub use super::edt::distance_mm;
use super::edt::distance_mm_in_box;
pub use super::perturb::{perturb, Perturbation};

/// Distances within this many mm of a radius count as on it (absorbs rounding of √).
const RADIUS_EPS_MM: f64 = 1e-9;

/// Why a ring cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum RoiError {
    #[error("ring radii inner = {inner} mm, outer = {outer} mm are invalid; need 0 <= inner < outer, both finite")]
    InvalidRadius { inner: f64, outer: f64 },
    #[error("the clip mask does not share the tumour mask's grid ({0}); resample it first")]
    ClipGeometry(String),
}

/// Voxels whose centre lies within `radius_mm` of an ROI voxel centre (d ≤ r). A negative or
/// non-finite radius returns the mask unchanged (as 0/1).
pub fn dilate_mm(mask: &Volume<u8>, radius_mm: f64) -> Volume<u8> {
    let r = if radius_mm.is_finite() { radius_mm.max(0.0) } else { 0.0 };
    let mut out = Array3::<u8>::zeros(mask.data.raw_dim());
    if let Some((lo, hi)) = bounding_box_padded(mask, reach_voxels(mask, r)) {
        let d = distance_mm_in_box(mask, lo, hi);
        out.slice_mut(s![lo[0]..hi[0], lo[1]..hi[1], lo[2]..hi[2]])
            .assign(&d.mapv(|x| u8::from(x <= r + RADIUS_EPS_MM)));
    }
    mask.with_data(out)
}

/// Voxels per axis beyond which every voxel is farther than `radius_mm` (+ the tolerance)
/// from the ROI along that axis alone, hence overall.
fn reach_voxels(mask: &Volume<u8>, radius_mm: f64) -> [usize; 3] {
    mask.spacing.map(|s| ((radius_mm + RADIUS_EPS_MM) / s).ceil().min(1e9) as usize + 1)
}

/// ROI voxels farther than `radius_mm` from every background voxel centre of the grid
/// (the dual of `dilate_mm`: voxels outside the image do not erode). A negative or
/// non-finite radius returns the mask unchanged (as 0/1).
pub fn erode_mm(mask: &Volume<u8>, radius_mm: f64) -> Volume<u8> {
    let r = if radius_mm.is_finite() { radius_mm.max(0.0) } else { 0.0 };
    let d_bg = distance_to(&mask.data.mapv(|v| v == 0), mask.spacing);
    mask.with_data(
        ndarray::Zip::from(&mask.data).and(&d_bg).map_collect(|&m, &d| u8::from(m > 0 && d > r + RADIUS_EPS_MM)),
    )
}

/// Peritumoral ring: voxels outside the ROI with inner < d ≤ outer (d = `distance_mm`);
/// inner = 0 makes the ring touch the tumour. `clip` (e.g. a liver mask on the same grid)
/// keeps only voxels where clip > 0.
pub fn ring(
    mask: &Volume<u8>,
    inner_mm: f64,
    outer_mm: f64,
    clip: Option<&Volume<u8>>,
) -> Result<Volume<u8>, RoiError> {
    if !(inner_mm.is_finite() && outer_mm.is_finite() && inner_mm >= 0.0 && outer_mm > inner_mm) {
        return Err(RoiError::InvalidRadius { inner: inner_mm, outer: outer_mm });
    }
    if let Some(c) = clip {
        if let Some(why) = mask.geometry_mismatch(c, GeometryTolerance::default()) {
            return Err(RoiError::ClipGeometry(why));
        }
    }
    // Only the ROI's box grown by the outer radius can hold ring voxels.
    let mut out = Array3::<u8>::zeros(mask.data.raw_dim());
    if let Some((lo, hi)) = bounding_box_padded(mask, reach_voxels(mask, outer_mm)) {
        let d = distance_mm_in_box(mask, lo, hi);
        let mut part = out.slice_mut(s![lo[0]..hi[0], lo[1]..hi[1], lo[2]..hi[2]]);
        let inside = mask.data.slice(s![lo[0]..hi[0], lo[1]..hi[1], lo[2]..hi[2]]);
        ndarray::Zip::from(&mut part).and(&inside).and(&d).for_each(|o, &m, &x| {
            *o = u8::from(m == 0 && x > inner_mm + RADIUS_EPS_MM && x <= outer_mm + RADIUS_EPS_MM);
        });
    }
    if let Some(c) = clip {
        ndarray::Zip::from(&mut out).and(&c.data).for_each(|o, &cv| *o &= u8::from(cv > 0));
    }
    Ok(mask.with_data(out))
}

/// Half-open index box `(start, end)` of the ROI voxels, grown by `pad_voxels` on every side
/// and clamped to the grid; `None` for an empty mask.
pub fn bounding_box(mask: &Volume<u8>, pad_voxels: usize) -> Option<([usize; 3], [usize; 3])> {
    bounding_box_padded(mask, [pad_voxels; 3])
}

/// `bounding_box` with a separate padding per axis.
pub(crate) fn bounding_box_padded(mask: &Volume<u8>, pad: [usize; 3]) -> Option<([usize; 3], [usize; 3])> {
    let mut lo = [usize::MAX; 3];
    let mut hi = [0usize; 3];
    let mut any = false;
    // Row by row along the last axis: only each row's first and last ROI voxel matter.
    for (i, plane) in mask.data.outer_iter().enumerate() {
        for (j, row) in plane.rows().into_iter().enumerate() {
            let Some(first) = row.iter().position(|&v| v > 0) else { continue };
            let last = row.iter().rposition(|&v| v > 0).unwrap_or(first);
            any = true;
            lo = [lo[0].min(i), lo[1].min(j), lo[2].min(first)];
            hi = [hi[0].max(i), hi[1].max(j), hi[2].max(last)];
        }
    }
    if !any {
        return None;
    }
    let shape = mask.shape();
    let start = std::array::from_fn(|a| lo[a].saturating_sub(pad[a]));
    let end = std::array::from_fn(|a| (hi[a] + 1).saturating_add(pad[a]).min(shape[a]));
    Some((start, end))
}

/// The sub-volume `start..end` (clamped to the grid); the origin moves to the physical
/// position of voxel `start` (through spacing and direction), spacing and direction stay.
pub fn crop<T: Clone>(vol: &Volume<T>, bbox: ([usize; 3], [usize; 3])) -> Volume<T> {
    crop_map(vol, bbox, T::clone)
}

/// `crop`, each voxel mapped through `f` in the same pass (no intermediate copy).
pub fn crop_map<T, U>(vol: &Volume<T>, bbox: ([usize; 3], [usize; 3]), f: impl FnMut(&T) -> U) -> Volume<U> {
    let shape = vol.shape();
    let end: [usize; 3] = std::array::from_fn(|a| bbox.1[a].min(shape[a]));
    let start: [usize; 3] = std::array::from_fn(|a| bbox.0[a].min(end[a]));
    let data = vol.data.slice(s![start[0]..end[0], start[1]..end[1], start[2]..end[2]]).map(f);
    let origin = vol.physical_point(start.map(|x| x as f64));
    Volume { data, spacing: vol.spacing, origin, direction: vol.direction }
}
