//! The cropped ROI as PyRadiomics' feature classes see it: numpy (z, y, x) axis order,
//! image and boolean mask cut to the mask's bounding box (no padding), spacing (z, y, x).
//! This module must not preprocess intensities.

use ndarray::{s, Array3};

use crate::image::Volume;

/// Inclusive index box `(lower, upper)` along the volume axes (x, y, z).
pub type BBox = ([usize; 3], [usize; 3]);

/// Image and mask of the ROI bounding box in (z, y, x) order.
#[derive(Debug, Clone)]
pub struct RoiArrays {
    pub image: Array3<f64>,
    pub mask: Array3<bool>,
    /// Voxel size (z, y, x) in mm.
    pub spacing: [f64; 3],
    /// The discretised ROI of the last binning settings asked for (`binning::discretised`
    /// fills it; every feature class of one image type bins the same way).
    pub binned: std::cell::OnceCell<(BinKey, super::binning::Discretised)>,
}

/// The settings a discretisation depends on: binWidth (bits) and binCount.
pub type BinKey = (u64, Option<u32>);

impl RoiArrays {
    /// Cut `image` and `mask` (same grid) to `bbox` and reorder the axes to (z, y, x).
    pub fn crop(image: &Volume<f64>, mask: &Volume<bool>, bbox: BBox) -> Self {
        let (lo, hi) = bbox;
        let sl = s![lo[0]..=hi[0], lo[1]..=hi[1], lo[2]..=hi[2]];
        let img = image.data.slice(sl).reversed_axes().as_standard_layout().to_owned();
        let msk = mask.data.slice(sl).reversed_axes().as_standard_layout().to_owned();
        RoiArrays {
            image: img,
            mask: msk,
            spacing: [image.spacing[2], image.spacing[1], image.spacing[0]],
            binned: Default::default(),
        }
    }

    /// The ROI of an image already cut to the bounding box (x, y, z order, e.g. a filter's
    /// box output), with the (z, y, x) mask and spacing of an earlier `crop` of the same box.
    pub fn from_box(image_box: &Array3<f64>, like: &RoiArrays) -> Self {
        let img = image_box.view().reversed_axes().as_standard_layout().to_owned();
        RoiArrays { image: img, mask: like.mask.clone(), spacing: like.spacing, binned: Default::default() }
    }

    /// Number of ROI voxels.
    pub fn count(&self) -> usize {
        self.mask.iter().filter(|&&m| m).count()
    }

    /// ROI intensities in C (z, y, x) order, as numpy's `image[mask]`.
    pub fn values(&self) -> Vec<f64> {
        match (self.image.as_slice(), self.mask.as_slice()) {
            // Both arrays are built in standard layout: flat slices, an exact-size buffer.
            (Some(img), Some(msk)) => {
                let mut out = Vec::with_capacity(msk.iter().map(|&m| usize::from(m)).sum());
                out.extend(img.iter().zip(msk).filter(|(_, &m)| m).map(|(&v, _)| v));
                out
            }
            _ => self.image.iter().zip(self.mask.iter()).filter(|(_, &m)| m).map(|(&v, _)| v).collect(),
        }
    }
}

/// Inclusive bounding box of the `true` voxels (x, y, z), `None` when empty.
pub fn bounding_box(mask: &Volume<bool>) -> Option<BBox> {
    let mut lo = [usize::MAX; 3];
    let mut hi = [0usize; 3];
    let mut any = false;
    let [ni, nj, _] = mask.shape();
    // Scan lines along the last axis: first and last true voxel of each line.
    for i in 0..ni {
        for j in 0..nj {
            let line = mask.data.slice(s![i, j, ..]);
            let (first, last) = match line.as_slice() {
                // Most lines are empty: an OR over the line (vectorised) rules them out first.
                Some(sl) if sl.iter().fold(0u8, |a, &m| a | u8::from(m)) == 0 => (None, None),
                Some(sl) => (sl.iter().position(|&m| m), sl.iter().rposition(|&m| m)),
                None => (line.iter().position(|&m| m), line.iter().rposition(|&m| m)),
            };
            if let (Some(first), Some(last)) = (first, last) {
                any = true;
                lo = [lo[0].min(i), lo[1].min(j), lo[2].min(first)];
                hi = [hi[0].max(i), hi[1].max(j), hi[2].max(last)];
            }
        }
    }
    any.then_some((lo, hi))
}

/// Number of `true` voxels.
pub fn count_true(mask: &Volume<bool>) -> usize {
    match mask.data.as_slice_memory_order() {
        Some(sl) => sl.iter().map(|&m| usize::from(m)).sum(),
        None => mask.data.iter().filter(|&&m| m).count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array3;

    #[test]
    fn bounding_box_of_scattered_voxels() {
        let mut m = Array3::from_elem((4, 5, 6), false);
        m[[1, 3, 2]] = true;
        m[[2, 0, 5]] = true;
        m[[2, 4, 1]] = true;
        let v = Volume::new(m, [1.0; 3]);
        assert_eq!(bounding_box(&v), Some(([1, 0, 1], [2, 4, 5])));
        assert_eq!(count_true(&v), 3);
        let empty = Volume::new(Array3::from_elem((2, 2, 2), false), [1.0; 3]);
        assert_eq!(bounding_box(&empty), None);
    }
}
