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
}

impl RoiArrays {
    /// Cut `image` and `mask` (same grid) to `bbox` and reorder the axes to (z, y, x).
    pub fn crop(image: &Volume<f64>, mask: &Volume<bool>, bbox: BBox) -> Self {
        let (lo, hi) = bbox;
        let sl = s![lo[0]..=hi[0], lo[1]..=hi[1], lo[2]..=hi[2]];
        let img = image.data.slice(sl).reversed_axes().as_standard_layout().to_owned();
        let msk = mask.data.slice(sl).reversed_axes().as_standard_layout().to_owned();
        RoiArrays { image: img, mask: msk, spacing: [image.spacing[2], image.spacing[1], image.spacing[0]] }
    }

    /// Number of ROI voxels.
    pub fn count(&self) -> usize {
        self.mask.iter().filter(|&&m| m).count()
    }

    /// ROI intensities in C (z, y, x) order, as numpy's `image[mask]`.
    pub fn values(&self) -> Vec<f64> {
        self.image.iter().zip(self.mask.iter()).filter(|(_, &m)| m).map(|(&v, _)| v).collect()
    }
}

/// Inclusive bounding box of the `true` voxels (x, y, z), `None` when empty.
pub fn bounding_box(mask: &Volume<bool>) -> Option<BBox> {
    let mut lo = [usize::MAX; 3];
    let mut hi = [0usize; 3];
    let mut any = false;
    for ((i, j, k), &m) in mask.data.indexed_iter() {
        if m {
            any = true;
            for (a, x) in [i, j, k].into_iter().enumerate() {
                lo[a] = lo[a].min(x);
                hi[a] = hi[a].max(x);
            }
        }
    }
    any.then_some((lo, hi))
}
