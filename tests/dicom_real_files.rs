//! Real DICOM files nobody here wrote (shipped by pydicom, pydicom-data and nibabel; see
//! tests/data/dicom/LICENSES.md) read by radstudy and compared with tests/data/dicom/reference.json,
//! computed by tests/data/dicom/make_reference.py with pydicom + numpy.
use ndarray::Array3;
use radstudy::image::dicom::{dicom_info, read_rtstruct, read_seg, read_series, DicomError, SegSelect, SeriesSelect};
use radstudy::image::Volume;
use serde_json::Value;
use std::path::PathBuf;

fn data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/dicom")
}

fn reference() -> Value {
    serde_json::from_str(&std::fs::read_to_string(data().join("reference.json")).unwrap()).unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

fn vec3(v: &Value) -> [f64; 3] {
    [f(&v[0]), f(&v[1]), f(&v[2])]
}

fn check_geometry<T>(name: &str, vol: &Volume<T>, r: &Value) {
    let shape: Vec<usize> = r["shape"].as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as usize).collect();
    assert_eq!(vol.shape().to_vec(), shape, "{name} shape");
    for a in 0..3 {
        assert!(
            (vol.spacing[a] - f(&r["spacing"][a])).abs() < 1e-6,
            "{name} spacing {:?} vs {}",
            vol.spacing,
            r["spacing"]
        );
        assert!((vol.origin[a] - f(&r["origin"][a])).abs() < 1e-4, "{name} origin {:?} vs {}", vol.origin, r["origin"]);
        let row = vec3(&r["direction"][a]);
        for (got, want) in vol.direction[a].iter().zip(row) {
            assert!((got - want).abs() < 1e-6, "{name} direction {:?} vs {}", vol.direction, r["direction"]);
        }
    }
}

fn reference_grid(r: &Value) -> Volume<f32> {
    let s: Vec<usize> = r["shape"].as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as usize).collect();
    let d = [vec3(&r["direction"][0]), vec3(&r["direction"][1]), vec3(&r["direction"][2])];
    Volume {
        data: Array3::zeros((s[0], s[1], s[2])),
        spacing: vec3(&r["spacing"]),
        origin: vec3(&r["origin"]),
        direction: d,
    }
}

fn check_mask(name: &str, m: &Volume<u8>, r: &Value) {
    let [ni, nj, nk] = m.shape();
    for k in 0..nk {
        let (mut count, mut checksum) = (0u64, 0u64);
        for j in 0..nj {
            for i in 0..ni {
                if m.data[[i, j, k]] != 0 {
                    count += 1;
                    checksum += (i + ni * j) as u64;
                }
            }
        }
        assert_eq!(count, r["per_slice_count"][k].as_u64().unwrap(), "{name} slice {k} count");
        assert_eq!(checksum, r["per_slice_checksum"][k].as_u64().unwrap(), "{name} slice {k} checksum");
    }
}

#[test]
fn images_match_pydicom() {
    let refs = reference();
    let tmp = tempfile::tempdir().unwrap();
    for (name, r) in refs["images"].as_object().unwrap() {
        let path = if name.ends_with(".gz") {
            // the Philips enhanced MR ships gzipped (23 MB → 41 kB); unpack it to a folder
            let mut gz = flate2::read::GzDecoder::new(std::fs::File::open(data().join(name)).unwrap());
            let out = tmp.path().join("philips");
            std::fs::create_dir_all(&out).unwrap();
            std::io::copy(&mut gz, &mut std::fs::File::create(out.join("philips_mprage.dcm")).unwrap()).unwrap();
            out
        } else {
            data().join(name)
        };
        let vol = read_series(&path, SeriesSelect::Only).unwrap_or_else(|e| panic!("{name}: {e}"));
        check_geometry(name, &vol, r);
        let sum: f64 = vol.data.iter().map(|v| *v as f64).sum();
        assert!((sum - f(&r["sum"])).abs() <= 1e-6 * f(&r["sum"]).abs() + 1e-3, "{name} sum {sum} vs {}", r["sum"]);
        let (lo, hi) = vol.data.iter().fold((f32::MAX, f32::MIN), |(l, h), v| (l.min(*v), h.max(*v)));
        assert_eq!((lo as f64, hi as f64), (f(&r["min"]), f(&r["max"])), "{name} min/max");
        for s in r["samples"].as_array().unwrap() {
            let idx = [0, 1, 2].map(|a| s[a].as_u64().unwrap() as usize);
            assert!(
                (vol.data[idx] as f64 - f(&s[3])).abs() < 1e-3,
                "{name} voxel {idx:?}: {} vs {}",
                vol.data[idx],
                s[3]
            );
        }
        println!("{name}: matches pydicom (shape {:?}, spacing {:?})", vol.shape(), vol.spacing);
    }
}

#[test]
fn seg_and_rtstruct_match_pydicom() {
    let refs = reference();
    let r = &refs["seg"]["pydicom_data/liver.dcm"];
    let grid = reference_grid(r);
    let path = data().join("pydicom_data/liver.dcm");
    let m = read_seg(&path, &grid, SegSelect::Number(1)).unwrap();
    check_mask("liver SEG", &m, r);
    let by_label = read_seg(&path, &grid, SegSelect::Label("liver".into())).unwrap();
    assert_eq!(by_label.data, m.data);
    // a grid one slice off no longer holds the frames
    let mut shifted = grid.clone();
    shifted.origin[2] += 0.5;
    let msg = read_seg(&path, &shifted, SegSelect::Number(1)).unwrap_err().to_string();
    assert!(msg.contains("not on a slice of the reference grid"), "{msg}");

    let r = &refs["rtstruct"]["pydicom/rtstruct.dcm"];
    let grid = reference_grid(r);
    let m = read_rtstruct(&data().join("pydicom/rtstruct.dcm"), &grid, "patient").unwrap();
    check_mask("rtstruct patient", &m, r);
    let msg = read_rtstruct(&data().join("pydicom/rtstruct.dcm"), &grid, "Isocenter 1").unwrap_err().to_string();
    assert!(msg.contains("no CLOSED_PLANAR contour"), "{msg}");
}

#[test]
fn real_folder_errors_name_series_files_and_tags() {
    let mixed = data().join("pydicom/dicomdirtests/98892003");
    let err = read_series(&mixed, SeriesSelect::Only).unwrap_err();
    assert!(matches!(err, DicomError::SeveralSeries { .. }), "{err}");
    assert!(err.to_string().contains("\"FAST LOCALIZER\""), "{err}");
    // two series share the description "T/S/C RF FAST PILOT"
    let msg = read_series(&mixed, SeriesSelect::Description("T/S/C RF FAST PILOT".into())).unwrap_err().to_string();
    assert!(msg.contains("2 series are described"), "{msg}");
    // a tri-planar localizer series: three orientations in one series
    let uid = "1.3.6.1.4.1.5962.1.3.4648.18148.0.136";
    let uid = if msg.contains(uid) { uid.to_string() } else { find_uid(&msg, ".18148.0.136") };
    let msg = read_series(&mixed, SeriesSelect::Uid(uid)).unwrap_err().to_string();
    assert!(msg.contains("mixed orientations") && msg.contains("ImageOrientationPatient (0020,0037)"), "{msg}");
    // enhanced MR whose functional groups were stripped: no geometry to place its 10 frames
    let msg = read_series(&data().join("pydicom_data/emri_small.dcm"), SeriesSelect::Only).unwrap_err().to_string();
    assert!(msg.contains("PerFrameFunctionalGroupsSequence (5200,9230)") && msg.contains("10 frames"), "{msg}");
    // NM JPEG image without ImagePositionPatient
    let msg = read_series(&data().join("pydicom/JPGExtended.dcm"), SeriesSelect::Only).unwrap_err().to_string();
    assert!(msg.contains("ImagePositionPatient (0020,0032)"), "{msg}");
}

fn find_uid(listing: &str, suffix: &str) -> String {
    listing
        .split_whitespace()
        .find(|w| w.ends_with(suffix))
        .unwrap_or_else(|| panic!("no UID *{suffix} in {listing}"))
        .to_string()
}

#[test]
fn info_lists_series_segments_and_rois() {
    let text = dicom_info(&data()).unwrap();
    println!("{text}");
    assert!(text.contains("segment 1: \"Liver\""), "{text}");
    assert!(text.contains("ROI 1: \"patient\"") && text.contains("ROI 3: \"Isocenter 2\""), "{text}");
    assert!(text.contains("FAST LOCALIZER") && text.contains("mixed orientations"), "{text}");
    assert!(text.contains("size: 256 × 256 × 2 voxels"), "{text}");
    assert!(text.contains("RLE Lossless") && text.contains("JPEG 2000"), "{text}");
}
