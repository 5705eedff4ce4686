//! IBSI phantoms for the tests, read with the crate's own NIfTI reader.
#![allow(dead_code)]
use ndarray::Array3;
use radstudy::image::io::read_image;
use radstudy::image::Volume;
use std::path::Path;

/// Voxels of a NIfTI file as f64 (geometry dropped).
pub fn read_nifti(path: &Path) -> Array3<f64> {
    read_image(path).unwrap_or_else(|e| panic!("{e}")).data.mapv(|v| v as f64)
}

/// A NIfTI file as a `Volume<f32>` with its geometry.
pub fn read_nifti_gz(path: &Path) -> Volume<f32> {
    read_image(path).unwrap_or_else(|e| panic!("{e}"))
}

/// The IBSI digital phantom as grey levels (intensity inside the mask, 0 outside) and mask.
pub fn digital_phantom() -> (Array3<u32>, Array3<bool>) {
    let dir = crate::common::reference_dir().join("ibsi/digital_phantom/nifti");
    let image = read_nifti(&dir.join("image/phantom.nii.gz"));
    let roi = read_nifti(&dir.join("mask/mask.nii.gz")).mapv(|m| m != 0.0);
    let levels = ndarray::Zip::from(&image).and(&roi).map_collect(|&v, &m| if m { v as u32 } else { 0 });
    (levels, roi)
}

/// N_g of the phantom: grey levels taken as they are (largest level inside the ROI is 6).
pub const PHANTOM_LEVELS: u32 = 6;
