//! Writer/reader round trips (geometry included) and the readers' error paths on corrupt,
//! truncated, 2D and multi-label files.
mod common;

use std::io::Write;
use std::path::Path;

use flate2::{write::GzEncoder, Compression};
use ndarray::Array3;
use radstudy::image::io::{read_image, read_mask, write_nifti_f32, write_nifti_i16, write_nifti_u8};
use radstudy::image::{ImageError, Volume};

fn rotated_volume() -> Volume<f32> {
    let data = Array3::from_shape_fn((4, 3, 5), |(i, j, k)| (i as f32) * 1.5 - (j * k) as f32 + 0.25);
    let (s, c) = (0.4f64.sin(), 0.4f64.cos());
    Volume {
        data,
        spacing: [0.75, 1.25, 3.0],
        origin: [-120.5, 33.25, -7.0],
        // rotation about z, then the slice axis flipped (left-handed)
        direction: [[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, -1.0]],
    }
}

fn assert_geometry_close<T, U>(a: &Volume<T>, b: &Volume<U>, tol: f64) {
    for x in 0..3 {
        assert!((a.spacing[x] - b.spacing[x]).abs() <= tol * a.spacing[x], "spacing {:?} {:?}", a.spacing, b.spacing);
        assert!((a.origin[x] - b.origin[x]).abs() <= tol * 200.0, "origin {:?} {:?}", a.origin, b.origin);
        for y in 0..3 {
            assert!(
                (a.direction[x][y] - b.direction[x][y]).abs() <= tol,
                "direction {:?} {:?}",
                a.direction,
                b.direction
            );
        }
    }
}

#[test]
fn f32_round_trip_with_rotated_left_handed_direction() {
    let dir = tempfile::tempdir().unwrap();
    let v = rotated_volume();
    for name in ["a.nii", "a.nii.gz"] {
        let p = dir.path().join(name);
        write_nifti_f32(&p, &v).unwrap();
        let r = read_image(&p).unwrap();
        assert_eq!(r.data, v.data, "{name}");
        // The header stores float32: geometry round-trips to float precision.
        assert_geometry_close(&v, &r, 1e-6);
    }
}

#[test]
fn exact_round_trip_with_permuted_direction() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = rotated_volume();
    v.direction = [[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]];
    let p = dir.path().join("p.nii.gz");
    write_nifti_f32(&p, &v).unwrap();
    let r = read_image(&p).unwrap();
    assert_eq!((r.spacing, r.origin, r.direction), (v.spacing, v.origin, v.direction));
}

#[test]
fn qform_alone_gives_the_same_geometry() {
    // Zero sform_code: the reader must fall back to the quaternion.
    let dir = tempfile::tempdir().unwrap();
    let v = rotated_volume();
    let p = dir.path().join("q.nii");
    write_nifti_f32(&p, &v).unwrap();
    let mut bytes = std::fs::read(&p).unwrap();
    bytes[254] = 0;
    bytes[255] = 0;
    std::fs::write(&p, &bytes).unwrap();
    let r = read_image(&p).unwrap();
    assert_geometry_close(&v, &r, 1e-6);
}

#[test]
fn i16_and_u8_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = rotated_volume();
    v.data[[0, 0, 0]] = -2.5; // rounds half away from zero
    let p = dir.path().join("i.nii.gz");
    write_nifti_i16(&p, &v).unwrap();
    let r = read_image(&p).unwrap();
    assert_eq!(r.data, v.data.mapv(f32::round));
    assert_eq!(r.data[[0, 0, 0]], -3.0);

    let m = v.with_data(v.data.mapv(|x| u8::from(x > 0.0)));
    let p = dir.path().join("m.nii");
    write_nifti_u8(&p, &m).unwrap();
    let r = read_mask(&p, None).unwrap();
    assert_eq!(r.data, m.data);
    assert_geometry_close(&m, &r, 1e-6);
}

#[test]
fn output_bytes_are_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let v = rotated_volume();
    let (a, b) = (dir.path().join("a.nii.gz"), dir.path().join("b.nii.gz"));
    write_nifti_f32(&a, &v).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    write_nifti_f32(&b, &v).unwrap();
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}

#[test]
fn writer_refuses_bad_input_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = rotated_volume();
    v.data[[1, 1, 1]] = 40000.0;
    let p = dir.path().join("big.nii");
    assert!(matches!(write_nifti_i16(&p, &v), Err(ImageError::NotRepresentable { .. })));
    v.data[[1, 1, 1]] = f32::NAN;
    assert!(matches!(write_nifti_f32(&p, &v), Err(ImageError::NonFinite { count: 1, .. })));
    assert!(matches!(
        write_nifti_f32(&dir.path().join("x.mha"), &rotated_volume()),
        Err(ImageError::UnknownExtension { .. })
    ));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn truncated_gzip_is_reported_as_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let src = common::reference_dir().join("ibsi/ct_radiomics_phantom/nifti/mask/mask.nii.gz");
    let bytes = std::fs::read(src).unwrap();
    let p = dir.path().join("cut.nii.gz");
    std::fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
    let e = read_mask(&p, None).unwrap_err();
    assert!(matches!(e, ImageError::Truncated { .. }), "{e:?}");
    assert!(e.to_string().contains("cut.nii.gz"), "{e}");
}

#[test]
fn uncompressed_file_shorter_than_header_says() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("short.nii");
    write_nifti_f32(&p, &rotated_volume()).unwrap();
    let bytes = std::fs::read(&p).unwrap();
    std::fs::write(&p, &bytes[..bytes.len() - 3]).unwrap();
    assert!(matches!(read_image(&p), Err(ImageError::Truncated { .. })));
    // A header claiming 32767³ voxels must fail fast, not allocate.
    let mut huge = bytes.clone();
    for d in 1..4 {
        huge[40 + 2 * d..42 + 2 * d].copy_from_slice(&32767i16.to_le_bytes());
    }
    std::fs::write(&p, &huge).unwrap();
    assert!(matches!(read_image(&p), Err(ImageError::Truncated { .. })));
}

#[test]
fn random_bytes_are_not_nifti() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("noise.nii");
    let bytes: Vec<u8> = (0..1000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    std::fs::write(&p, &bytes).unwrap();
    let e = read_image(&p).unwrap_err();
    assert!(matches!(e, ImageError::NotNifti { .. }), "{e:?}");
    assert!(e.to_string().contains("not a NIfTI-1/2 file"), "{e}");
    std::fs::write(&p, b"").unwrap();
    assert!(matches!(read_image(&p), Err(ImageError::NotNifti { .. })));
}

/// Corrupt every header byte in turn: the reader must return (Ok or Err), never panic.
#[test]
fn header_fuzz_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("f.nii");
    write_nifti_f32(&p, &rotated_volume()).unwrap();
    let bytes = std::fs::read(&p).unwrap();
    for pos in 0..352 {
        for val in [0u8, 0x7f, 0xff] {
            let mut b = bytes.clone();
            b[pos] = val;
            std::fs::write(&p, &b).unwrap();
            let _ = read_image(&p);
        }
    }
}

#[test]
fn two_dimensional_image_is_not_3d() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("flat.nii");
    let v = Volume::new(Array3::<f32>::zeros((4, 3, 1)), [1.0; 3]);
    write_nifti_f32(&p, &v).unwrap();
    let mut b = std::fs::read(&p).unwrap();
    b[40..42].copy_from_slice(&2i16.to_le_bytes()); // dim[0] = 2
    std::fs::write(&p, &b).unwrap();
    let e = read_image(&p).unwrap_err();
    assert!(matches!(e, ImageError::Not3D { .. }), "{e:?}");
    // 4D with one volume is accepted; with two it is not.
    b[40..42].copy_from_slice(&4i16.to_le_bytes());
    std::fs::write(&p, &b).unwrap();
    assert_eq!(read_image(&p).unwrap().shape(), [4, 3, 1]);
    b[48..50].copy_from_slice(&2i16.to_le_bytes()); // dim[4] = 2
    std::fs::write(&p, &b).unwrap();
    assert!(matches!(read_image(&p), Err(ImageError::Not3D { .. })));
}

#[test]
fn several_labels_asks_for_label() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("labels.nii.gz");
    let mut m = Volume::new(Array3::<u8>::zeros((3, 3, 3)), [1.0; 3]);
    m.data[[0, 0, 0]] = 1;
    m.data[[1, 1, 1]] = 2;
    write_nifti_u8(&p, &m).unwrap();
    let e = read_mask(&p, None).unwrap_err();
    assert!(matches!(e, ImageError::SeveralLabels { ref labels, .. } if labels == &vec![1.0, 2.0]), "{e:?}");
    assert!(e.to_string().contains("label = N"), "{e}");
    assert_eq!(read_mask(&p, Some(2)).unwrap().data.sum(), 1);
    assert!(matches!(read_mask(&p, Some(7)), Err(ImageError::EmptyMask { .. })));
}

#[test]
fn missing_file_and_unknown_extension() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(read_image(&dir.path().join("nope.nii")), Err(ImageError::NotFound { .. })));
    let p = dir.path().join("x.mha");
    std::fs::write(&p, b"x").unwrap();
    assert!(matches!(read_image(&p), Err(ImageError::UnknownExtension { .. })));
}

/// A hand-made RAS gzip NRRD: ITK flips x and y of directions and origin.
#[test]
fn nrrd_ras_space_and_big_endian() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("r.nrrd");
    let values: Vec<f32> = (0..24).map(|v| v as f32 - 3.5).collect();
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    for v in &values {
        gz.write_all(&v.to_be_bytes()).unwrap();
    }
    let data = gz.finish().unwrap();
    let header = "NRRD0004\n# test\ntype: float\ndimension: 3\nspace: right-anterior-superior\nsizes: 2 3 4\n\
                  space directions: (0,2,0) (-1.5, 0, 0) (0,0,3)\nkinds: domain domain domain\nendian: big\n\
                  encoding: gzip\nspace origin: (10,-20,30)\n\n";
    let mut bytes = header.as_bytes().to_vec();
    bytes.extend_from_slice(&data);
    std::fs::write(&p, &bytes).unwrap();
    let v = read_image(&p).unwrap();
    assert_eq!(v.shape(), [2, 3, 4]);
    assert_eq!(v.spacing, [2.0, 1.5, 3.0]);
    assert_eq!(v.origin, [-10.0, 20.0, 30.0]);
    assert_eq!(v.direction, [[0.0, 1.0, 0.0], [-1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]);
    assert_eq!(v.data[[1, 2, 3]], values[1 + 2 * 2 + 3 * 6]);
    // Truncated gzip payload.
    std::fs::write(&p, &bytes[..bytes.len() - 20]).unwrap();
    assert!(matches!(read_image(&p), Err(ImageError::Truncated { .. })));
    // Not a NRRD at all.
    std::fs::write(&p, b"hello\n\n").unwrap();
    assert!(matches!(read_image(&p), Err(ImageError::NotNrrd { .. })));
}

#[test]
fn nhdr_with_detached_raw_data() {
    let dir = tempfile::tempdir().unwrap();
    let raw: Vec<u8> = (0..8u8).collect();
    std::fs::write(dir.path().join("d.raw"), &raw).unwrap();
    let p = dir.path().join("d.nhdr");
    std::fs::write(
        &p,
        "NRRD0005\ntype: uchar\ndimension: 3\nsizes: 2 2 2\nspacings: 0.5 0.5 2\nencoding: raw\ndata file: d.raw\n",
    )
    .unwrap();
    let v = read_image(Path::new(&p)).unwrap();
    assert_eq!(v.spacing, [0.5, 0.5, 2.0]);
    assert_eq!(v.data[[1, 0, 1]], 5.0);
    std::fs::write(&p, "NRRD0005\ntype: uchar\ndimension: 2\nsizes: 2 2\nencoding: raw\n\n").unwrap();
    assert!(matches!(read_image(&p), Err(ImageError::Not3D { .. })));
}

/// Re-encode one of our NIfTI-1 files as NIfTI-2 (540-byte header, 64-bit fields): both
/// must read identically.
#[test]
fn nifti2_reads_like_nifti1() {
    let dir = tempfile::tempdir().unwrap();
    let v = rotated_volume();
    let p1 = dir.path().join("one.nii");
    write_nifti_f32(&p1, &v).unwrap();
    let n1 = std::fs::read(&p1).unwrap();
    let f32_at = |off: usize| f32::from_le_bytes(n1[off..off + 4].try_into().unwrap()) as f64;
    let i16_at = |off: usize| i16::from_le_bytes(n1[off..off + 2].try_into().unwrap());
    let mut h = vec![0u8; 544];
    let put = |h: &mut Vec<u8>, off: usize, b: &[u8]| h[off..off + b.len()].copy_from_slice(b);
    put(&mut h, 0, &540i32.to_le_bytes());
    put(&mut h, 4, b"n+2\0\r\n\x1a\n");
    put(&mut h, 12, &i16_at(70).to_le_bytes());
    put(&mut h, 14, &i16_at(72).to_le_bytes());
    for i in 0..8 {
        put(&mut h, 16 + 8 * i, &(i16_at(40 + 2 * i) as i64).to_le_bytes());
        put(&mut h, 104 + 8 * i, &f32_at(76 + 4 * i).to_le_bytes());
    }
    put(&mut h, 168, &544i64.to_le_bytes());
    put(&mut h, 176, &1f64.to_le_bytes());
    put(&mut h, 344, &1i32.to_le_bytes());
    put(&mut h, 348, &1i32.to_le_bytes());
    for i in 0..6 {
        put(&mut h, 352 + 8 * i, &f32_at(256 + 4 * i).to_le_bytes());
    }
    for i in 0..12 {
        put(&mut h, 400 + 8 * i, &f32_at(280 + 4 * i).to_le_bytes());
    }
    put(&mut h, 500, &10i32.to_le_bytes());
    h.extend_from_slice(&n1[352..]);
    let p2 = dir.path().join("two.nii");
    std::fs::write(&p2, &h).unwrap();
    let (a, b) = (read_image(&p1).unwrap(), read_image(&p2).unwrap());
    assert_eq!(a, b);
}
