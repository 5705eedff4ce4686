//! Gradient magnitude as PyRadiomics' getGradientImage computes it: SimpleITK
//! `GradientMagnitudeImageFilter` (central differences (x[+1] - x[-1]) / 2, divided by the
//! spacing when `use_spacing`, zero-flux Neumann edges, f64 inside, f32 output).
//! Must not smooth (that is GradientMagnitudeRecursiveGaussian, a different filter).

use ndarray::Array3;

use crate::image::volume::Volume;

/// |∇x| with ITK's derivative operator: g_a = c_a (x[a+1] - x[a-1]), c_a = 0.5 (1/spacing_a)
/// (or 0.5), edge voxels repeated outside the image.
pub fn gradient_magnitude(image: &Volume<f32>, use_spacing: bool) -> Volume<f32> {
    let sh = image.shape();
    let c: [f64; 3] = std::array::from_fn(|a| if use_spacing { 0.5 * (1.0 / image.spacing[a]) } else { 0.5 });
    let d = &image.data;
    let out = Array3::from_shape_fn((sh[0], sh[1], sh[2]), |(i, j, k)| {
        let idx = [i, j, k];
        let mut sum = 0.0f64;
        for a in 0..3 {
            let (mut lo, mut hi) = (idx, idx);
            lo[a] = idx[a].saturating_sub(1);
            hi[a] = (idx[a] + 1).min(sh[a] - 1);
            let g = -c[a] * f64::from(d[lo]) + c[a] * f64::from(d[hi]);
            sum += g * g;
        }
        sum.sqrt() as f32
    });
    image.with_data(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_ramp_has_constant_interior_gradient() {
        // x = 3 i on spacing 2 mm: gradient 1.5 per mm inside, half that at the two edges.
        let v = Volume::new(Array3::from_shape_fn((5, 3, 3), |(i, _, _)| 3.0 * i as f32), [2.0, 1.0, 1.0]);
        let g = gradient_magnitude(&v, true);
        assert!((g.data[[2, 1, 1]] - 1.5).abs() < 1e-6);
        assert!((g.data[[0, 1, 1]] - 0.75).abs() < 1e-6);
    }
}
