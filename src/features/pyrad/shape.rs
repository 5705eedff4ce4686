//! PyRadiomics 3D shape features (`shape.py`): voxel volume, PCA axis lengths (4·√λ of the
//! population covariance of voxel centres), elongation and flatness, and the mesh-based ones
//! (MeshVolume, SurfaceArea, SurfaceVolumeRatio, Sphericity, Maximum*Diameter*, and the
//! deprecated Compactness1/2 and SphericalDisproportion) from `mesh.rs`. The mask is in
//! (z, y, x) order. This module must not use IBSI's sample covariance.

use ndarray::Array3;

use super::eigen::symmetric3_eigenvalues;
use super::mesh;
use super::PyradError;

/// All shape features (PyRadiomics names) of a (z, y, x) mask.
pub fn compute(mask: &Array3<bool>, spacing: [f64; 3]) -> Result<Vec<(&'static str, f64)>, PyradError> {
    // Exact capacity, and freed before the mesh is built (less memory held at once).
    let mut pts: Vec<[f64; 3]> = Vec::with_capacity(mask.iter().filter(|&&m| m).count());
    pts.extend(
        mask.indexed_iter()
            .filter(|(_, &m)| m)
            .map(|((z, y, x), _)| [z as f64 * spacing[0], y as f64 * spacing[1], x as f64 * spacing[2]]),
    );
    if pts.is_empty() {
        return Err(PyradError::Mask("empty ROI".into()));
    }
    let np = pts.len() as f64;
    let mean: [f64; 3] = std::array::from_fn(|k| pts.iter().map(|p| p[k]).sum::<f64>() / np);
    let mut cov = [[0.0; 3]; 3];
    for p in &pts {
        let c: [f64; 3] = std::array::from_fn(|k| (p[k] - mean[k]) / np.sqrt());
        for r in 0..3 {
            for s in 0..3 {
                cov[r][s] += c[r] * c[s];
            }
        }
    }
    drop(pts);
    let mut ev = symmetric3_eigenvalues(cov);
    for e in ev.iter_mut() {
        if *e < 0.0 && *e > -1e-10 {
            *e = 0.0;
        }
    }
    let axis = |e: f64| if e < 0.0 { f64::NAN } else { e.sqrt() * 4.0 };
    let ratio = |a: f64, b: f64| if a < 0.0 || b < 0.0 { f64::NAN } else { (a / b).sqrt() };
    let m = mesh::coefficients(mask, spacing);
    let (v, a) = (m.volume, m.surface_area);
    let pi = std::f64::consts::PI;
    let sphere = (36.0 * pi * v * v).powf(1.0 / 3.0);
    Ok(vec![
        ("Compactness1", v / (a.powf(1.5) * pi.sqrt())),
        ("Compactness2", 36.0 * pi * v * v / a.powi(3)),
        ("Elongation", ratio(ev[1], ev[2])),
        ("Flatness", ratio(ev[0], ev[2])),
        ("LeastAxisLength", axis(ev[0])),
        ("MajorAxisLength", axis(ev[2])),
        ("Maximum2DDiameterColumn", m.diameter_column),
        ("Maximum2DDiameterRow", m.diameter_row),
        ("Maximum2DDiameterSlice", m.diameter_slice),
        ("Maximum3DDiameter", m.diameter_3d),
        ("MeshVolume", v),
        ("MinorAxisLength", axis(ev[1])),
        ("SphericalDisproportion", a / sphere),
        ("Sphericity", sphere / a),
        ("SurfaceArea", a),
        ("SurfaceVolumeRatio", a / v),
        ("VoxelVolume", np * spacing.iter().product::<f64>()),
    ])
}
