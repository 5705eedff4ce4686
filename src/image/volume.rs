//! The one image type every stage shares: a 3D voxel array with its physical geometry.
//!
//! Index convention: `data[[i, j, k]]` is the voxel at NIfTI/ITK index (i, j, k), i.e.
//! i runs along the first image axis ("x"), k along the slice axis ("z").
//! `spacing[a]` is the voxel size in mm along index axis a, `origin` the physical
//! position (mm) of voxel (0,0,0)'s centre, `direction[r][c]` the direction cosine matrix
//! (column c = physical direction of index axis c), as ITK/SimpleITK define them (LPS).
//! This module must not read files or know about features; it only holds and compares geometry.

use ndarray::Array3;

/// A 3D image or mask with physical geometry.
#[derive(Debug, Clone, PartialEq)]
pub struct Volume<T> {
    pub data: Array3<T>,
    /// Voxel size in mm along index axes (i, j, k).
    pub spacing: [f64; 3],
    /// Physical position in mm of the centre of voxel (0, 0, 0).
    pub origin: [f64; 3],
    /// Direction cosines: `direction[row][col]`, column = index axis.
    pub direction: [[f64; 3]; 3],
}

/// Identity direction matrix.
pub const IDENTITY: [[f64; 3]; 3] = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];

/// Tolerances used when checking that an image and a mask share a grid.
#[derive(Debug, Clone, Copy)]
pub struct GeometryTolerance {
    /// Relative tolerance on spacing.
    pub spacing_rel: f64,
    /// Absolute tolerance on origin, mm.
    pub origin_mm: f64,
    /// Absolute tolerance on direction cosines.
    pub direction: f64,
}

impl Default for GeometryTolerance {
    fn default() -> Self {
        GeometryTolerance { spacing_rel: 1e-4, origin_mm: 1e-3, direction: 1e-4 }
    }
}

impl<T> Volume<T> {
    /// Wrap an array with identity direction and zero origin.
    pub fn new(data: Array3<T>, spacing: [f64; 3]) -> Self {
        Volume { data, spacing, origin: [0.0; 3], direction: IDENTITY }
    }

    /// Shape (ni, nj, nk).
    pub fn shape(&self) -> [usize; 3] {
        let s = self.data.shape();
        [s[0], s[1], s[2]]
    }

    /// Physical position (mm) of the centre of voxel (i, j, k).
    pub fn physical_point(&self, idx: [f64; 3]) -> [f64; 3] {
        let mut p = self.origin;
        for (r, pr) in p.iter_mut().enumerate() {
            *pr += (0..3).map(|c| self.direction[r][c] * self.spacing[c] * idx[c]).sum::<f64>();
        }
        p
    }

    /// Copy the geometry of `self` onto new data of the same shape.
    pub fn with_data<U>(&self, data: Array3<U>) -> Volume<U> {
        Volume { data, spacing: self.spacing, origin: self.origin, direction: self.direction }
    }

    /// Describe how the geometry of `other` differs from `self`, or `None` when the two
    /// share a grid within `tol`. The message names the field that differs and both values.
    pub fn geometry_mismatch<U>(&self, other: &Volume<U>, tol: GeometryTolerance) -> Option<String> {
        if self.shape() != other.shape() {
            return Some(format!("shape {:?} vs {:?}", self.shape(), other.shape()));
        }
        for a in 0..3 {
            let (x, y) = (self.spacing[a], other.spacing[a]);
            if (x - y).abs() > tol.spacing_rel * x.abs().max(y.abs()) {
                return Some(format!("spacing {:?} vs {:?} mm", self.spacing, other.spacing));
            }
        }
        for a in 0..3 {
            if (self.origin[a] - other.origin[a]).abs() > tol.origin_mm {
                return Some(format!("origin {:?} vs {:?} mm", self.origin, other.origin));
            }
        }
        for r in 0..3 {
            for c in 0..3 {
                if (self.direction[r][c] - other.direction[r][c]).abs() > tol.direction {
                    return Some(format!("direction {:?} vs {:?}", self.direction, other.direction));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mismatch_names_the_field() {
        let a = Volume::new(Array3::<f32>::zeros((2, 2, 2)), [1.0, 1.0, 1.0]);
        let mut b = Volume::new(Array3::<u8>::zeros((2, 2, 2)), [1.0, 1.0, 1.0]);
        assert!(a.geometry_mismatch(&b, GeometryTolerance::default()).is_none());
        b.spacing[2] = 1.5;
        assert!(a.geometry_mismatch(&b, GeometryTolerance::default()).unwrap().starts_with("spacing"));
        b.spacing[2] = 1.0;
        b.origin[0] = 0.5;
        assert!(a.geometry_mismatch(&b, GeometryTolerance::default()).unwrap().starts_with("origin"));
    }

    #[test]
    fn physical_point_uses_spacing_and_direction() {
        let mut v = Volume::new(Array3::<f32>::zeros((2, 2, 2)), [2.0, 3.0, 4.0]);
        v.origin = [10.0, 0.0, 0.0];
        v.direction = [[-1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
        assert_eq!(v.physical_point([1.0, 1.0, 1.0]), [8.0, 3.0, 4.0]);
    }
}
