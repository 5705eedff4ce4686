//! Derived images ("image types") exactly as PyRadiomics 3.1 computes them
//! (`radiomics/imageoperations.py`: getOriginalImage, getLoGImage, getWaveletImage,
//! getSquareImage, getSquareRootImage, getLogarithmImage, getExponentialImage, getGradientImage,
//! getLBP2DImage, getLBP3DImage), with the SimpleITK / PyWavelets / scikit-image semantics they rely on.
//! Each filter runs on the whole image it is given (PyRadiomics filters the full, or pre-cropped,
//! image before cropping to the ROI). This module must not resample, discretise or compute
//! features; callers crop (e.g. `image::roi::bounding_box(mask, pad)` + `crop`) first.
//! `for_each_box` gives only a box of each derived image (as PyRadiomics' feature classes crop
//! to the ROI's bounding box), computing no more than that box needs where this is exact.

pub mod gradient;
pub mod intensity;
pub mod lbp2d;
pub mod lbp3d;
pub mod log;
mod settings;
pub mod wavelet;
mod wavelet_coeffs;

use super::volume::Volume;
pub use lbp2d::LbpMethod;
pub use settings::spec_from_pyradiomics;
pub use wavelet::wavelet_names;

/// One PyRadiomics image type with its settings (PyRadiomics setting names in brackets).
#[derive(Debug, Clone, PartialEq)]
pub enum FilterSpec {
    /// The image itself, named `original`.
    Original,
    /// Laplacian of Gaussian per sigma in mm [`sigma`], names `log-sigma-<sigma>-mm-3D`.
    Log { sigma_mm: Vec<f64> },
    /// Undecimated wavelet [`wavelet`, `start_level`, `level`], names `wavelet-LLH` … `wavelet-LLL`.
    Wavelet { wavelet: String, start_level: u32, level: u32 },
    /// `square`.
    Square,
    /// `squareroot`.
    SquareRoot,
    /// `logarithm`.
    Logarithm,
    /// `exponential`.
    Exponential,
    /// `gradient` [`gradientUseSpacing`].
    Gradient { use_spacing: bool },
    /// `lbp-2D` [`lbp2DRadius`, `lbp2DSamples`, `lbp2DMethod`, `force2Ddimension`].
    /// `force_2d_dimension` is PyRadiomics' numpy axis: 0 = slices of constant k (axial),
    /// 1 = constant j, 2 = constant i.
    Lbp2d { radius: f64, samples: u32, method: LbpMethod, force_2d_dimension: usize },
    /// `lbp-3D-m1` … `lbp-3D-m<levels>`, `lbp-3D-k` [`lbp3DLevels`, `lbp3DIcosphereRadius`,
    /// `lbp3DIcosphereSubdivision`]; computed on the ROI voxels only, so it needs the real mask
    /// (`apply`, or `lbp3d::lbp3d_box`; `for_each_box` refuses it).
    Lbp3d(lbp3d::Lbp3dParams),
}

impl FilterSpec {
    /// PyRadiomics' defaults for the wavelet image type: coif1, start_level 0, level 1.
    pub fn default_wavelet() -> Self {
        FilterSpec::Wavelet { wavelet: "coif1".to_string(), start_level: 0, level: 1 }
    }

    /// PyRadiomics' defaults for LBP2D: radius 1, 8 samples, 'uniform', force2Ddimension 0.
    pub fn default_lbp2d() -> Self {
        FilterSpec::Lbp2d { radius: 1.0, samples: 8, method: LbpMethod::Uniform, force_2d_dimension: 0 }
    }

    /// PyRadiomics' defaults for LBP3D: 2 levels, icosphere radius 1, 1 subdivision.
    pub fn default_lbp3d() -> Self {
        FilterSpec::Lbp3d(lbp3d::Lbp3dParams { levels: 2, radius: 1.0, subdivision: 1 })
    }
}

/// Why a derived image could not be computed.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FilterError {
    #[error("invalid filter setting: {0}")]
    InvalidSetting(String),
    #[error("unknown wavelet '{0}'; supported: haar, db1-db4, sym2-sym4, coif1-coif2")]
    UnknownWavelet(String),
    #[error("image {shape:?} and mask {mask_shape:?} differ in shape; image types need the mask on the image grid")]
    MaskShape { shape: [usize; 3], mask_shape: [usize; 3] },
    #[error("image is all zero: the {0} filter scales by max |x| and is undefined (PyRadiomics would give NaN)")]
    AllZero(&'static str),
    #[error("image too small: {0}")]
    TooSmall(String),
    #[error("empty image: every axis needs at least one voxel")]
    EmptyImage,
}

/// Compute the derived images of one image type, named as PyRadiomics names them, in
/// PyRadiomics' order. LoG sigmas PyRadiomics skips (image < 4 voxels along an axis, or
/// size < ceil(sigma/spacing)+1) are left out, as PyRadiomics leaves them out.
pub fn apply(
    image: &Volume<f32>,
    mask: &Volume<u8>,
    spec: &FilterSpec,
) -> Result<Vec<(String, Volume<f32>)>, FilterError> {
    if image.shape() != mask.shape() {
        return Err(FilterError::MaskShape { shape: image.shape(), mask_shape: mask.shape() });
    }
    if image.shape().contains(&0) {
        return Err(FilterError::EmptyImage);
    }
    match spec {
        FilterSpec::Original => Ok(vec![("original".to_string(), image.clone())]),
        FilterSpec::Log { sigma_mm } => log::log_images(image, sigma_mm),
        FilterSpec::Wavelet { wavelet, start_level, level } => {
            wavelet::wavelet_images(image, wavelet, *start_level, *level)
        }
        FilterSpec::Square => Ok(vec![("square".to_string(), intensity::square(image)?)]),
        FilterSpec::SquareRoot => Ok(vec![("squareroot".to_string(), intensity::square_root(image))]),
        FilterSpec::Logarithm => Ok(vec![("logarithm".to_string(), intensity::logarithm(image)?)]),
        FilterSpec::Exponential => Ok(vec![("exponential".to_string(), intensity::exponential(image)?)]),
        FilterSpec::Gradient { use_spacing } => {
            Ok(vec![("gradient".to_string(), gradient::gradient_magnitude(image, *use_spacing))])
        }
        FilterSpec::Lbp2d { radius, samples, method, force_2d_dimension } => {
            Ok(vec![("lbp-2D".to_string(), lbp2d::lbp2d(image, *radius, *samples, *method, *force_2d_dimension)?)])
        }
        // The ROI is the non-zero mask voxels; an f32 image samples as numpy float32.
        FilterSpec::Lbp3d(params) => {
            let img = image.with_data(image.data.mapv(f64::from));
            let roi = mask.with_data(mask.data.mapv(|m| m != 0));
            let out = lbp3d::lbp3d(&img, &roi, params, lbp3d::SampleType::Float32)?;
            Ok(out.into_iter().map(|(n, v)| (n, v.with_data(v.data.mapv(|x| x as f32)))).collect())
        }
    }
}

/// The derived images of `apply` restricted to the inclusive (x, y, z) box `bbox` of the image,
/// as bbox-shaped f64 arrays with the values `apply` computes there (wavelet bands in f64, as
/// PyWavelets returns them), given to `emit` one by one in `apply`'s order. LoG and level-1
/// wavelets compute only what the box needs, each image just before it is emitted (a caller
/// that uses and drops each image holds one at a time); the other filters run on the whole
/// image and are cropped. Stops at the first error, the filter's or `emit`'s.
pub fn for_each_box<E: From<FilterError>>(
    image: &Volume<f32>,
    spec: &FilterSpec,
    bbox: ([usize; 3], [usize; 3]),
    mut emit: impl FnMut(String, ndarray::Array3<f64>) -> Result<(), E>,
) -> Result<(), E> {
    if image.shape().contains(&0) {
        return Err(FilterError::EmptyImage.into());
    }
    if (0..3).any(|a| bbox.0[a] > bbox.1[a] || bbox.1[a] >= image.shape()[a]) {
        let msg = format!("box {bbox:?} outside the image {:?}", image.shape());
        return Err(FilterError::InvalidSetting(msg).into());
    }
    match spec {
        FilterSpec::Log { sigma_mm } => {
            log::log_images_box_each(image, sigma_mm, bbox, &mut |n, a| emit(n, a.mapv(f64::from)))
        }
        FilterSpec::Wavelet { wavelet, start_level, level } => {
            wavelet::wavelet_images_box_each(image, wavelet, *start_level, *level, bbox, &mut emit)
        }
        FilterSpec::Lbp3d(_) => Err(FilterError::InvalidSetting(
            "LBP3D is computed on the ROI voxels and needs the mask: use filters::lbp3d::lbp3d_box".into(),
        )
        .into()),
        _ => {
            let (lo, hi) = bbox;
            let sl = ndarray::s![lo[0]..=hi[0], lo[1]..=hi[1], lo[2]..=hi[2]];
            // `apply` only checks the mask's shape; no filter reads it.
            let mask = image.with_data(ndarray::Array3::<u8>::zeros(image.data.raw_dim()));
            for (n, v) in apply(image, &mask, spec)? {
                emit(n, v.data.slice(sl).mapv(f64::from))?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{s, Array3};

    fn volume(shape: (usize, usize, usize)) -> Volume<f32> {
        let data =
            Array3::from_shape_fn(shape, |(i, j, k)| ((i * 37 + j * 91 + k * 53 + i * j * 7) % 101) as f32 - 40.0);
        Volume::new(data, [0.8, 0.7, 2.5])
    }

    /// `for_each_box`'s images, collected in order.
    fn box_images(img: &Volume<f32>, spec: &FilterSpec, bbox: ([usize; 3], [usize; 3])) -> Vec<(String, Array3<f64>)> {
        let mut out = Vec::new();
        for_each_box(img, spec, bbox, |name, a| {
            out.push((name, a));
            Ok::<(), FilterError>(())
        })
        .unwrap();
        out
    }

    /// Box results must equal the whole-image results cropped, bit for bit.
    #[test]
    fn box_filters_equal_cropped_whole_images() {
        for shape in [(21, 18, 15), (12, 9, 7)] {
            let img = volume(shape);
            let boxes = [
                ([3, 2, 2], [9, 6, 5]),
                ([0, 0, 0], [shape.0 - 1, shape.1 - 1, shape.2 - 1]),
                ([0, 5, 4], [2, shape.1 - 1, 6]),
            ];
            let log_spec = FilterSpec::Log { sigma_mm: vec![1.0, 2.5] };
            let whole_log = apply(&img, &img.with_data(Array3::<u8>::zeros(img.data.raw_dim())), &log_spec).unwrap();
            let whole_wav = wavelet::wavelet_images_f64(&img, "coif1", 0, 1).unwrap();
            for bbox in boxes {
                let (lo, hi) = bbox;
                let sl = s![lo[0]..=hi[0], lo[1]..=hi[1], lo[2]..=hi[2]];
                let got = box_images(&img, &log_spec, bbox);
                assert_eq!(got.len(), whole_log.len());
                for ((n, a), (m, b)) in got.iter().zip(&whole_log) {
                    assert_eq!(n, m);
                    assert_eq!(a, &b.data.slice(sl).mapv(f64::from), "{n} {shape:?} {bbox:?}");
                }
                let got = box_images(&img, &FilterSpec::default_wavelet(), bbox);
                assert_eq!(got.len(), 8);
                for ((n, a), (m, b)) in got.iter().zip(&whole_wav) {
                    assert_eq!(n, m);
                    assert_eq!(a, &b.data.slice(sl).to_owned(), "{n} {shape:?} {bbox:?}");
                }
            }
        }
    }
}
