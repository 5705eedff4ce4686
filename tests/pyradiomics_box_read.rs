//! `radstudy extract` reads only the ROI's padded box when that is exact (preCrop, or the
//! Original image type alone; no diagnostics): its features must be bit-identical to the
//! whole-image path (`read_image` + `extract_case`) on PyRadiomics' sample cases, and the
//! box read must be skipped when diagnostics (which describe the whole images) are asked for.

mod common;

use radstudy::features::pyrad::{extract_case, parse_params_yaml};
use radstudy::features::pyrad_batch::{extract_one, read_box, CaseInput};
use radstudy::image::io::read_image;

fn yaml(pre_crop: bool, filters: bool) -> String {
    let mut t = String::from("  Original: {}\n");
    if filters {
        t.push_str("  LoG:\n    sigma: [2.0]\n  Wavelet: {}\n");
    }
    format!(
        "setting:\n  binWidth: 25\n  label: 1\n  preCrop: {pre_crop}\nimageType:\n{t}featureClass:\n  shape:\n  \
         firstorder:\n  glcm:\n  glrlm:\n  glszm:\n  gldm:\n  ngtdm:\n"
    )
}

#[test]
fn box_read_equals_whole_image_read() {
    let data = common::reference_dir().join("pyradiomics/data");
    for case in ["breast1", "brain1"] {
        let ci = CaseInput {
            image: data.join(format!("{case}_image.nrrd")),
            mask: data.join(format!("{case}_label.nrrd")),
            label: None,
        };
        let img = read_image(&ci.image).unwrap();
        let lab = read_image(&ci.mask).unwrap();
        for (pre_crop, filters) in [(true, true), (true, false), (false, false)] {
            let mut params = parse_params_yaml(&yaml(pre_crop, filters)).unwrap();
            params.settings.additionalInfo = false;
            let (bi, bl) = read_box(&ci, &params).unwrap().expect("the box read applies");
            assert!(bi.data.len() < img.data.len(), "{case}: the box is smaller than the image");
            assert_eq!(bi.shape(), bl.shape());
            let fast = extract_one(&ci, &params).unwrap();
            let full = extract_case(&img, &lab, &params).unwrap();
            assert_eq!(fast.features.len(), full.features.len());
            for ((n1, v1), (n2, v2)) in fast.features.iter().zip(&full.features) {
                assert_eq!(n1, n2);
                assert!(v1.to_bits() == v2.to_bits() || (v1.is_nan() && v2.is_nan()), "{case} {n1}: {v1} vs {v2}");
            }
            params.settings.additionalInfo = true;
            assert!(read_box(&ci, &params).unwrap().is_none(), "diagnostics need the whole images");
        }
        // With filters and no preCrop the filters see the whole image: no box read.
        let mut params = parse_params_yaml(&yaml(false, true)).unwrap();
        params.settings.additionalInfo = false;
        assert!(read_box(&ci, &params).unwrap().is_none());
    }
}

#[test]
fn roi_box_preparation_equals_whole_image_preparation() {
    // Without preCrop the filters take the whole input image, but the prepared (f64) image is
    // needed only inside the ROI's box: `extract_case` widens only that box, unless diagnostics
    // (which describe the whole image) are asked for. Both ways: the same features, bit for bit.
    use radstudy::features::pyrad::prepare::{prepare, prepare_with};
    let data = common::reference_dir().join("pyradiomics/data");
    for case in ["breast1", "brain1"] {
        let img = read_image(&data.join(format!("{case}_image.nrrd"))).unwrap();
        let lab = read_image(&data.join(format!("{case}_label.nrrd"))).unwrap();
        let mut params = parse_params_yaml(&yaml(false, true)).unwrap();
        params.settings.additionalInfo = false;
        let boxed = prepare_with(&img, &lab, &params.settings, true).unwrap();
        let whole = prepare(&img, &lab, &params.settings).unwrap();
        assert!(boxed.image.data.len() < whole.image.data.len(), "{case}: only the box is prepared");
        assert_eq!(boxed.filter_bbox, whole.bbox, "{case}: the filters' box is in the input's indices");
        let fast = extract_case(&img, &lab, &params).unwrap();
        params.settings.additionalInfo = true;
        let full = extract_case(&img, &lab, &params).unwrap();
        assert!(!full.diagnostics.is_empty() && fast.diagnostics.is_empty());
        assert_eq!(fast.features.len(), full.features.len());
        for ((n1, v1), (n2, v2)) in fast.features.iter().zip(&full.features) {
            assert_eq!(n1, n2);
            assert!(v1.to_bits() == v2.to_bits() || (v1.is_nan() && v2.is_nan()), "{case} {n1}: {v1} vs {v2}");
        }
    }
}
