//! PyRadiomics' voxel-wise intensity transforms (getSquareImage, getSquareRootImage,
//! getLogarithmImage, getExponentialImage): computed in f64 from the image values, scaled by
//! the image's maximum absolute value M as PyRadiomics does, stored as f32.
//! Must not look at the mask (PyRadiomics uses the whole image for M).

use super::FilterError;
use crate::image::volume::Volume;

/// Maximum absolute voxel value of the image, in f64.
fn max_abs(image: &Volume<f32>) -> f64 {
    image.data.iter().fold(0.0f64, |m, &v| m.max(f64::from(v).abs()))
}

/// `square`: f(x) = (x / sqrt(M))², M = max|x| (PyRadiomics getSquareImage).
pub fn square(image: &Volume<f32>) -> Result<Volume<f32>, FilterError> {
    let m = max_abs(image);
    if m == 0.0 {
        return Err(FilterError::AllZero("square"));
    }
    let coeff = 1.0 / m.sqrt();
    Ok(image.with_data(image.data.mapv(|v| {
        let y = coeff * f64::from(v);
        (y * y) as f32
    })))
}

/// `squareroot`: f(x) = sign(x) sqrt(|x| M), M = max|x| (PyRadiomics getSquareRootImage).
pub fn square_root(image: &Volume<f32>) -> Volume<f32> {
    let m = max_abs(image);
    image.with_data(image.data.mapv(|v| {
        let x = f64::from(v);
        let y = if x > 0.0 {
            (x * m).sqrt()
        } else if x < 0.0 {
            -(-x * m).sqrt()
        } else {
            x
        };
        y as f32
    }))
}

/// `logarithm`: g(x) = sign(x) ln(|x| + 1), then f = g · M / max|g| (PyRadiomics
/// getLogarithmImage).
pub fn logarithm(image: &Volume<f32>) -> Result<Volume<f32>, FilterError> {
    let m = max_abs(image);
    if m == 0.0 {
        return Err(FilterError::AllZero("logarithm"));
    }
    let g = image.data.mapv(|v| {
        let x = f64::from(v);
        if x > 0.0 {
            (x + 1.0).ln()
        } else if x < 0.0 {
            -(-(x - 1.0)).ln()
        } else {
            x
        }
    });
    let gmax = g.iter().fold(0.0f64, |a, &v| a.max(v.abs()));
    let scale = m / gmax;
    Ok(image.with_data(g.mapv(|v| (v * scale) as f32)))
}

/// `exponential`: f(x) = exp(x ln(M) / M), M = max|x| (PyRadiomics getExponentialImage).
pub fn exponential(image: &Volume<f32>) -> Result<Volume<f32>, FilterError> {
    let m = max_abs(image);
    if m == 0.0 {
        return Err(FilterError::AllZero("exponential"));
    }
    let coeff = m.ln() / m;
    Ok(image.with_data(image.data.mapv(|v| (coeff * f64::from(v)).exp() as f32)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array3;

    #[test]
    fn all_zero_image_is_an_error_not_nan() {
        let v = Volume::new(Array3::<f32>::zeros((2, 2, 2)), [1.0; 3]);
        assert_eq!(square(&v).unwrap_err(), FilterError::AllZero("square"));
        assert!(square_root(&v).data.iter().all(|&x| x == 0.0));
    }
}
