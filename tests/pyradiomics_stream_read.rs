//! The streamed gzip NRRD box read (`StreamedVolume`) must give exactly the values of the
//! materialising read (`StoredVolume`, i.e. `read_image`) on PyRadiomics' five sample cases
//! (16-bit and 32-bit label maps), and a truncated file must still be an error of `extract`.

mod common;

use radstudy::features::pyrad::parse_params_yaml;
use radstudy::features::pyrad_batch::{extract_one, CaseInput};
use radstudy::image::io::{StoredVolume, StreamedVolume};

fn same_bits(a: &radstudy::image::Volume<f32>, b: &radstudy::image::Volume<f32>) -> bool {
    a.shape() == b.shape()
        && a.origin == b.origin
        && a.spacing == b.spacing
        && a.direction == b.direction
        && a.data.iter().zip(b.data.iter()).all(|(x, y)| x.to_bits() == y.to_bits())
}

#[test]
fn streamed_box_equals_stored_box() {
    let data = common::reference_dir().join("pyradiomics/data");
    for case in ["brain1", "brain2", "breast1", "lung1", "lung2"] {
        let (ip, mp) = (data.join(format!("{case}_image.nrrd")), data.join(format!("{case}_label.nrrd")));
        let (si, sm) = (StoredVolume::open(&ip).unwrap(), StoredVolume::open(&mp).unwrap());
        let (ti, tm) = (StreamedVolume::open(&ip).unwrap().unwrap(), StreamedVolume::open(&mp).unwrap().unwrap());
        assert_eq!(ti.geometry().shape(), si.geometry().shape());
        assert_eq!(ti.geometry().origin, si.geometry().origin);
        let labels = tm.scan_labels(|v| v == 1.0).unwrap().unwrap();
        assert_eq!(labels.nonfinite, 0);
        let want = sm.select_box(|v| v == 1.0);
        assert_eq!(labels.selection, want, "{case}: bounding box of label 1");
        let ((lo, hi), _) = want.unwrap();
        let shape = si.geometry().shape();
        // The ROI box padded by 5 (clamped), and a box reaching the last slice.
        let lo5 = lo.map(|x| x.saturating_sub(5));
        let hi5: [usize; 3] = std::array::from_fn(|a| (hi[a] + 6).min(shape[a]));
        for (l, h) in [(lo5, hi5), ([0, 0, lo[2]], [shape[0], 3, shape[2] + 4])] {
            assert!(same_bits(&ti.crop_f32(l, h).unwrap().unwrap(), &si.crop_f32(l, h)), "{case}: image {l:?}..{h:?}");
            assert!(same_bits(&labels.crop_f32(l, h), &sm.crop_f32(l, h)), "{case}: label map {l:?}..{h:?}");
        }
    }
}

#[test]
fn truncated_image_is_still_an_error() {
    let data = common::reference_dir().join("pyradiomics/data");
    let tmp = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(data.join("breast1_image.nrrd")).unwrap();
    let image = tmp.path().join("cut.nrrd");
    // Only the gzip trailer and the last compressed bytes are missing; the ROI box lies
    // well before them.
    std::fs::write(&image, &bytes[..bytes.len() - 64]).unwrap();
    let case = CaseInput { image: image.clone(), mask: data.join("breast1_label.nrrd"), label: None };
    let yaml = "setting:\n  binWidth: 25\n  label: 1\n  preCrop: true\nimageType:\n  Original: {}\nfeatureClass:\n  firstorder:\n";
    let mut params = parse_params_yaml(yaml).unwrap();
    params.settings.additionalInfo = false;
    let err = extract_one(&case, &params).unwrap_err();
    assert!(err.contains("cut.nrrd") && err.contains("truncated"), "{err}");
    let streamed = StreamedVolume::open(&image).unwrap().unwrap();
    assert!(streamed.crop_f32([0, 0, 0], [2, 2, 2]).is_err(), "a cut gzip stream is read to its end");
}

/// A gzip checksum that does not match the data is an error on the streamed path too (the
/// stream is read to its end), naming the file.
#[test]
fn corrupt_gzip_checksum_is_an_error() {
    let data = common::reference_dir().join("pyradiomics/data");
    let tmp = tempfile::tempdir().unwrap();
    let mut bytes = std::fs::read(data.join("breast1_image.nrrd")).unwrap();
    let n = bytes.len();
    bytes[n - 8] ^= 0x5a; // first byte of the CRC-32 in the gzip trailer
    let image = tmp.path().join("crc.nrrd");
    std::fs::write(&image, &bytes).unwrap();
    let streamed = StreamedVolume::open(&image).unwrap().unwrap();
    let err = streamed.crop_f32([0, 0, 0], [2, 2, 2]).unwrap_err().to_string();
    assert!(err.contains("crc.nrrd") && err.contains("corrupt"), "{err}");
    let case = CaseInput { image: image.clone(), mask: data.join("breast1_label.nrrd"), label: None };
    let yaml = "setting:\n  binWidth: 25\n  label: 1\n  preCrop: true\nimageType:\n  Original: {}\nfeatureClass:\n  firstorder:\n";
    let mut params = parse_params_yaml(yaml).unwrap();
    params.settings.additionalInfo = false;
    let err = extract_one(&case, &params).unwrap_err();
    assert!(err.contains("crc.nrrd"), "{err}");
}
