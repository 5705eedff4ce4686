//! PyRadiomics 2D shape features (`shape2D.py` with `force2D`): the ROI must be one pixel
//! thick along `force2Ddimension`. Marching squares on the zero-padded 2D mask (vertices halfway
//! along pixel edges) gives the signed mesh surface, the perimeter and the maximum diameter
//! (largest distance between mesh vertices); pixel surface and the PCA axis lengths
//! (4·√λ of the population covariance of pixel centres) come from the pixels. PyRadiomics'
//! visiting order is kept so that sums round the same way. This module must not read image
//! intensities and must not apply the 3D shape definitions.

use ndarray::{Array2, Array3, Axis};

use super::PyradError;

/// Marching-squares segments per 4-bit square index (corner bits: 0 = (y, x), 1 = (y, x+1),
/// 2 = (y+1, x+1), 3 = (y+1, x)). Each pair is an oriented segment between edge midpoints
/// (edge 0 = top, 1 = right, 2 = bottom, 3 = left) with the ROI on the same side throughout,
/// so that the signed cross products sum to the enclosed area.
const SEGMENTS: [&[(usize, usize)]; 16] = [
    &[],
    &[(3, 0)],
    &[(0, 1)],
    &[(3, 1)],
    &[(1, 2)],
    &[(1, 2), (3, 0)],
    &[(0, 2)],
    &[(3, 2)],
    &[(2, 3)],
    &[(2, 0)],
    &[(0, 1), (2, 3)],
    &[(2, 1)],
    &[(1, 3)],
    &[(1, 0)],
    &[(0, 3)],
    &[],
];

/// Edge midpoints relative to the square's corner 0, as (dy, dx).
const EDGE_MID: [[f64; 2]; 4] = [[0.0, 0.5], [0.5, 1.0], [1.0, 0.5], [0.5, 0.0]];

/// Perimeter, signed-area surface and maximum vertex distance of a padded 2D mask.
struct Mesh2d {
    perimeter: f64,
    surface: f64,
    diameter: f64,
}

fn marching_squares(mask: &Array2<bool>, spacing: [f64; 2]) -> Mesh2d {
    let (ny, nx) = mask.dim();
    let (mut perimeter, mut surface) = (0.0, 0.0);
    let mut vertices: Vec<[f64; 2]> = Vec::new();
    for iy in 0..ny.saturating_sub(1) {
        for ix in 0..nx.saturating_sub(1) {
            let corners = [mask[[iy, ix]], mask[[iy, ix + 1]], mask[[iy + 1, ix + 1]], mask[[iy + 1, ix]]];
            let idx = corners.iter().enumerate().fold(0usize, |acc, (b, &c)| acc | (usize::from(c) << b));
            if idx == 0 || idx == 0xF {
                continue;
            }
            for &(ea, eb) in SEGMENTS[idx] {
                let point = |e: usize| -> [f64; 2] {
                    [(iy as f64 + EDGE_MID[e][0]) * spacing[0], (ix as f64 + EDGE_MID[e][1]) * spacing[1]]
                };
                let (a, b) = (point(ea), point(eb));
                surface += a[0] * b[1] - b[0] * a[1];
                let (d0, d1) = (a[0] - b[0], a[1] - b[1]);
                perimeter += (d0 * d0 + d1 * d1).sqrt();
            }
            // Each edge vertex is stored once, by the square whose left (edge 3) or bottom
            // (edge 2) edge carries it: with the index complemented so that corner 3 is outside,
            // edge 3 has a vertex iff corner 0 is inside, edge 2 iff corner 2 is.
            let flipped = if idx > 7 { idx ^ 0xF } else { idx };
            for (corner, edge) in [(0usize, 3usize), (2, 2)] {
                if flipped & (1 << corner) != 0 {
                    vertices.push([
                        (iy as f64 + EDGE_MID[edge][0]) * spacing[0],
                        (ix as f64 + EDGE_MID[edge][1]) * spacing[1],
                    ]);
                }
            }
        }
    }
    let mut best = 0.0f64;
    for (i, a) in vertices.iter().enumerate() {
        for b in &vertices[..i] {
            let (d0, d1) = (a[0] - b[0], a[1] - b[1]);
            best = best.max(d0 * d0 + d1 * d1);
        }
    }
    Mesh2d { perimeter, surface: surface / 2.0, diameter: best.sqrt() }
}

/// Eigenvalues (ascending) of a symmetric 2×2 matrix [[a, b], [b, c]].
fn symmetric2_eigenvalues(a: f64, b: f64, c: f64) -> [f64; 2] {
    let mean = 0.5 * (a + c);
    let half = 0.5 * (a - c);
    let r = half.hypot(b);
    [mean - r, mean + r]
}

/// What PyRadiomics does with shape2D for a (z, y, x) mask cropped to the ROI's bounding box.
pub enum Shape2dOutcome {
    /// PyRadiomics logs a warning and computes nothing.
    Skipped,
    /// The features, PyRadiomics names.
    Features(Vec<(&'static str, f64)>),
}

/// Shape2D features of the (z, y, x) ROI mask cropped to its bounding box (PyRadiomics crops
/// without padding for shape), `spacing` in (z, y, x) mm and `force2d_dimension` the numpy axis
/// that is out of plane. PyRadiomics 3.1.4 decides whether to compute by the bounding box size
/// along `force2d_dimension` counted in (x, y, z) order — a quirk kept here: it skips when that
/// size is 1, and otherwise raises unless the mask is one pixel thick along the numpy axis.
pub fn compute(mask: &Array3<bool>, spacing: [f64; 3], force2d_dimension: usize) -> Result<Shape2dOutcome, PyradError> {
    if force2d_dimension > 2 {
        return Err(PyradError::Settings(format!("force2Ddimension must be 0, 1 or 2, got {force2d_dimension}")));
    }
    let zyx = mask.dim();
    let zyx = [zyx.0, zyx.1, zyx.2];
    let xyz = [zyx[2], zyx[1], zyx[0]];
    if xyz[force2d_dimension] == 1 {
        return Ok(Shape2dOutcome::Skipped);
    }
    if zyx[force2d_dimension] > 1 {
        return Err(PyradError::Mask(format!(
            "shape2D needs an ROI one pixel thick along force2Ddimension {force2d_dimension}, but it spans {} pixels \
             there (PyRadiomics raises the same error); use a single-slice mask or leave shape2D out",
            zyx[force2d_dimension]
        )));
    }
    let plane = mask.index_axis(Axis(force2d_dimension), 0);
    let axes: Vec<usize> = (0..3).filter(|&a| a != force2d_dimension).collect();
    let sp = [spacing[axes[0]], spacing[axes[1]]];
    let (ny, nx) = plane.dim();
    let mut padded = Array2::from_elem((ny + 2, nx + 2), false);
    padded.slice_mut(ndarray::s![1..=ny, 1..=nx]).assign(&plane);

    let pts: Vec<[f64; 2]> =
        padded.indexed_iter().filter(|(_, &m)| m).map(|((y, x), _)| [y as f64 * sp[0], x as f64 * sp[1]]).collect();
    if pts.is_empty() {
        return Err(PyradError::Mask("empty ROI".into()));
    }
    let np = pts.len() as f64;
    let mean: [f64; 2] = std::array::from_fn(|k| pts.iter().map(|p| p[k]).sum::<f64>() / np);
    let mut cov = [0.0f64; 3];
    for p in &pts {
        let c: [f64; 2] = std::array::from_fn(|k| (p[k] - mean[k]) / np.sqrt());
        cov[0] += c[0] * c[0];
        cov[1] += c[0] * c[1];
        cov[2] += c[1] * c[1];
    }
    let mut ev = symmetric2_eigenvalues(cov[0], cov[1], cov[2]);
    for e in ev.iter_mut() {
        if *e < 0.0 && *e > -1e-10 {
            *e = 0.0;
        }
    }
    let axis = |e: f64| if e < 0.0 { f64::NAN } else { e.sqrt() * 4.0 };
    let elongation = if ev[0] < 0.0 || ev[1] < 0.0 { f64::NAN } else { (ev[0] / ev[1]).sqrt() };
    let m = marching_squares(&padded, sp);
    let sphericity = 2.0 * (std::f64::consts::PI * m.surface).sqrt() / m.perimeter;
    Ok(Shape2dOutcome::Features(vec![
        ("Elongation", elongation),
        ("MajorAxisLength", axis(ev[1])),
        ("MaximumDiameter", m.diameter),
        ("MeshSurface", m.surface),
        ("MinorAxisLength", axis(ev[0])),
        ("Perimeter", m.perimeter),
        ("PerimeterSurfaceRatio", m.perimeter / m.surface),
        ("PixelSurface", np * sp[0] * sp[1]),
        ("SphericalDisproportion", 1.0 / sphericity),
        ("Sphericity", sphericity),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(n: usize) -> Array3<bool> {
        Array3::from_elem((1, n, n), true)
    }

    /// An n×n square of unit pixels: the mesh cuts the four corners by half-pixel triangles.
    #[test]
    fn square_mesh_matches_geometry() {
        let Shape2dOutcome::Features(f) = compute(&square(4), [1.0, 1.0, 1.0], 0).unwrap() else { panic!() };
        let get = |n: &str| f.iter().find(|(k, _)| *k == n).unwrap().1;
        // Vertices at the pixel-edge midpoints: a 4×4 square with corners cut by 1/8 each.
        assert!((get("MeshSurface") - (16.0 - 4.0 * 0.125)).abs() < 1e-12);
        assert!((get("Perimeter") - (4.0 * 3.0 + 4.0 * 0.5f64.sqrt())).abs() < 1e-12);
        assert_eq!(get("PixelSurface"), 16.0);
        assert!((get("Elongation") - 1.0).abs() < 1e-12);
        // Farthest vertices: (0.5, 1) to (4.5, 4) over the padded grid → √(16 + 9).
        assert!((get("MaximumDiameter") - 5.0).abs() < 1e-12);
    }

    #[test]
    fn thick_roi_is_an_error_and_thin_bbox_is_skipped() {
        let thick = Array3::from_elem((2, 3, 3), true);
        assert!(compute(&thick, [1.0; 3], 0).is_err());
        // x extent 1 with force2Ddimension 0: PyRadiomics' (x, y, z)-indexed check skips.
        let column = Array3::from_elem((1, 3, 1), true);
        assert!(matches!(compute(&column, [1.0; 3], 0).unwrap(), Shape2dOutcome::Skipped));
        assert!(compute(&square(3), [1.0; 3], 3).is_err());
    }
}
