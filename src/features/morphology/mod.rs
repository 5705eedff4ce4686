//! IBSI 1 morphological feature family (29 features, IBSI section "Morphological features").
//!
//! Geometry is evaluated in the voxel-grid frame scaled to mm (`index * spacing`); all
//! features except the axis-aligned bounding box are invariant to the direction cosines and
//! origin, and the AABB is taken along the grid axes (as MIRP does). The mesh comes from
//! marching cubes of the zero-padded morphological mask at level 0.5; the convex hull is an
//! exact-integer quickhull of the mesh vertices (own implementation, `hull.rs`). Intensity
//! features (centre of mass shift, integrated intensity, Moran's I, Geary's C) use the
//! intensity mask. This module must not resample, re-segment or discretise anything.

pub mod bbox;
pub mod ellipsoid;
pub mod hull;
pub mod linalg;
mod mc_table;
pub mod mesh;
pub mod shape;
pub mod spatial;

use crate::features::Feature;
use crate::image::volume::Volume;
use ndarray::Array3;

/// (name, IBSI code) of the 29 features, in output order.
pub const FEATURES: [(&str, &str); 29] = [
    ("volume", "RNU0"),
    ("volume_voxel_counting", "YEKZ"),
    ("surface_area", "C0JK"),
    ("surface_to_volume_ratio", "2PR5"),
    ("compactness_1", "SKGS"),
    ("compactness_2", "BQWJ"),
    ("spherical_disproportion", "KRCK"),
    ("sphericity", "QCFX"),
    ("asphericity", "25C7"),
    ("centre_of_mass_shift", "KLMA"),
    ("maximum_3d_diameter", "L0JK"),
    ("major_axis_length", "TDIC"),
    ("minor_axis_length", "P9VJ"),
    ("least_axis_length", "7J51"),
    ("elongation", "Q3CK"),
    ("flatness", "N17B"),
    ("volume_density_aabb", "PBX1"),
    ("area_density_aabb", "R59B"),
    ("volume_density_ombb", "ZH1A"),
    ("area_density_ombb", "IQYR"),
    ("volume_density_aee", "6BDE"),
    ("area_density_aee", "RDD2"),
    ("volume_density_mvee", "SWZ1"),
    ("area_density_mvee", "BRI8"),
    ("volume_density_convex_hull", "R3ER"),
    ("area_density_convex_hull", "7T7F"),
    ("integrated_intensity", "99N0"),
    ("morans_i", "N365"),
    ("gearys_c", "NPT7"),
];

/// All morphological features. `morph_mask`: morphological mask (geometry in Volume);
/// `image` + `intensity_mask`: intensities and the (re-segmented) intensity mask on the same grid.
/// Undefined values (empty masks, single voxels, flat ROIs for PCA-based ratios, grids of
/// different shapes for the intensity features) are NaN; never panics.
pub fn compute(morph_mask: &Volume<bool>, image: &Volume<f32>, intensity_mask: &Array3<bool>) -> Vec<Feature> {
    let values = shape::morphology_values(morph_mask, image, intensity_mask);
    FEATURES
        .iter()
        .zip(values)
        .map(|(&(name, code), value)| Feature { family: "morph", aggregation: "", name, ibsi_code: code, value })
        .collect()
}
