//! Degenerate inputs and settings of the derived-image filters give errors (or PyRadiomics'
//! documented skips), never panics or NaN images.
use ndarray::Array3;
use radstudy::image::filters::{apply, log::laplacian_of_gaussian, FilterError, FilterSpec, LbpMethod};
use radstudy::image::Volume;

fn vol(shape: (usize, usize, usize)) -> (Volume<f32>, Volume<u8>) {
    let img = Volume::new(Array3::from_shape_fn(shape, |(i, j, k)| (i + 2 * j + 3 * k) as f32), [1.0, 1.0, 2.0]);
    let mask = img.with_data(Array3::<u8>::ones(shape));
    (img, mask)
}

#[test]
fn invalid_settings_are_errors() {
    let (img, mask) = vol((6, 6, 6));
    let bad_wavelet = FilterSpec::Wavelet { wavelet: "db99".into(), start_level: 0, level: 1 };
    assert_eq!(apply(&img, &mask, &bad_wavelet).unwrap_err(), FilterError::UnknownWavelet("db99".into()));
    let zero_level = FilterSpec::Wavelet { wavelet: "haar".into(), start_level: 0, level: 0 };
    assert!(matches!(apply(&img, &mask, &zero_level), Err(FilterError::InvalidSetting(_))));
    for sigma in [vec![], vec![0.0], vec![-1.0], vec![f64::NAN]] {
        assert!(matches!(
            apply(&img, &mask, &FilterSpec::Log { sigma_mm: sigma }),
            Err(FilterError::InvalidSetting(_))
        ));
    }
    let lbp = FilterSpec::Lbp2d { radius: 1.0, samples: 8, method: LbpMethod::Uniform, force_2d_dimension: 3 };
    assert!(matches!(apply(&img, &mask, &lbp), Err(FilterError::InvalidSetting(_))));
    let lbp = FilterSpec::Lbp2d { radius: 1.0, samples: 40, method: LbpMethod::Uniform, force_2d_dimension: 0 };
    assert!(matches!(apply(&img, &mask, &lbp), Err(FilterError::InvalidSetting(_))));
}

#[test]
fn mask_on_another_grid_is_an_error() {
    let (img, _) = vol((6, 6, 6));
    let (_, mask) = vol((6, 6, 5));
    assert!(matches!(apply(&img, &mask, &FilterSpec::Square), Err(FilterError::MaskShape { .. })));
}

#[test]
fn log_skips_like_pyradiomics() {
    // < 4 voxels along an axis: PyRadiomics yields no LoG image at all.
    let (img, mask) = vol((6, 6, 3));
    assert!(apply(&img, &mask, &FilterSpec::Log { sigma_mm: vec![1.0] }).unwrap().is_empty());
    assert!(matches!(laplacian_of_gaussian(&img, 1.0), Err(FilterError::TooSmall(_))));
    // size 6 along k with 2 mm spacing: sigma 10 needs ceil(10/2)+1 = 6 (kept), sigma 12 needs 7 (skipped).
    let (img, mask) = vol((12, 12, 6));
    let got = apply(&img, &mask, &FilterSpec::Log { sigma_mm: vec![10.0, 12.0] }).unwrap();
    let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["log-sigma-10-0-mm-3D"]);
}

#[test]
fn tiny_images_do_not_panic() {
    let (img, mask) = vol((1, 1, 1));
    for spec in [
        FilterSpec::default_wavelet(),
        FilterSpec::default_lbp2d(),
        FilterSpec::Gradient { use_spacing: true },
        FilterSpec::SquareRoot,
    ] {
        let out = apply(&img, &mask, &spec).unwrap();
        assert!(out.iter().all(|(_, v)| v.shape() == [1, 1, 1] && v.data.iter().all(|x| x.is_finite())));
    }
    let zero = img.with_data(Array3::<f32>::zeros((1, 1, 1)));
    assert!(matches!(apply(&zero, &mask, &FilterSpec::Logarithm), Err(FilterError::AllZero(_))));
    assert!(matches!(apply(&zero, &mask, &FilterSpec::Exponential), Err(FilterError::AllZero(_))));
}
