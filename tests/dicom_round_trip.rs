//! DICOM round trips on a synthetic oblique volume (write_series → read_series, write_seg →
//! read_seg, write_rtstruct → read_rtstruct) and the error cases of read_series.
use ndarray::Array3;
use radstudy::image::dicom::{
    read_rtstruct, read_seg, read_series, read_series_ref, write_rtstruct, write_seg, write_series, DicomError,
    SegSelect, SeriesMeta, SeriesSelect,
};
use radstudy::image::Volume;
use std::path::Path;

/// Rotation by `deg` degrees about the unit axis of (1, 2, 3) (Rodrigues).
fn rotation(deg: f64) -> [[f64; 3]; 3] {
    let n = (14f64).sqrt();
    let (x, y, z) = (1.0 / n, 2.0 / n, 3.0 / n);
    let (s, c) = deg.to_radians().sin_cos();
    let t = 1.0 - c;
    [
        [t * x * x + c, t * x * y - s * z, t * x * z + s * y],
        [t * x * y + s * z, t * y * y + c, t * y * z - s * x],
        [t * x * z - s * y, t * y * z + s * x, t * z * z + c],
    ]
}

fn synthetic() -> Volume<f32> {
    let (ni, nj, nk) = (20, 16, 12);
    let data = Array3::from_shape_fn((ni, nj, nk), |(i, j, k)| {
        (300.0 * ((i as f64) * 0.3).sin() * ((j as f64) * 0.2).cos() + 17.3 * k as f64 - 120.55) as f32
    });
    Volume { data, spacing: [0.8, 0.9, 2.5], origin: [-30.5, 12.25, 40.0], direction: rotation(30.0) }
}

fn ring_mask(v: &Volume<f32>) -> Volume<u8> {
    let [ni, nj, nk] = v.shape();
    v.with_data(Array3::from_shape_fn((ni, nj, nk), |(i, j, k)| {
        let (x, y, z) = (i as f64 - 9.5, j as f64 - 7.5, k as f64 - 5.5);
        let r = (x * x + y * y).sqrt();
        u8::from(r < 7.0 && r > 2.5 && z.abs() < 4.0 || (i == 1 && j == 1 && k == 5))
    }))
}

fn assert_same_geometry(a: &Volume<f32>, b: &Volume<f32>) {
    assert_eq!(a.shape(), b.shape());
    for x in 0..3 {
        assert!((a.spacing[x] - b.spacing[x]).abs() < 1e-4, "spacing {:?} vs {:?}", a.spacing, b.spacing);
        assert!((a.origin[x] - b.origin[x]).abs() < 1e-4, "origin {:?} vs {:?}", a.origin, b.origin);
        for y in 0..3 {
            assert!(
                (a.direction[x][y] - b.direction[x][y]).abs() < 1e-6,
                "direction {:?} vs {:?}",
                a.direction,
                b.direction
            );
        }
    }
}

fn dice(a: &Volume<u8>, b: &Volume<u8>) -> f64 {
    let both = a.data.iter().zip(b.data.iter()).filter(|(x, y)| **x != 0 && **y != 0).count();
    let na = a.data.iter().filter(|x| **x != 0).count();
    let nb = b.data.iter().filter(|x| **x != 0).count();
    2.0 * both as f64 / (na + nb) as f64
}

#[test]
fn series_seg_and_rtstruct_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let vol = synthetic();
    let dir = tmp.path().join("series");
    let written = write_series(&dir, &vol, &SeriesMeta::new(42, "synthetic T1")).unwrap();
    assert_eq!(written.sop_instance_uids.len(), 12);
    let back = read_series(&dir, SeriesSelect::Only).unwrap();
    assert_same_geometry(&vol, &back);
    // one slope for the whole volume: (max - min) / 65534; rounding error ≤ slope / 2
    let (lo, hi) = vol.data.iter().fold((f32::MAX, f32::MIN), |(l, h), v| (l.min(*v), h.max(*v)));
    let half_step = (hi - lo) as f64 / 65534.0 / 2.0;
    let worst = vol.data.iter().zip(back.data.iter()).map(|(a, b)| (*a as f64 - *b as f64).abs()).fold(0.0, f64::max);
    assert!(worst <= half_step * 1.01 + 1e-4, "max voxel error {worst} > {half_step}");
    assert_eq!(read_series_ref(&dir, SeriesSelect::Only).unwrap(), written);

    let mask = ring_mask(&vol);
    let seg = tmp.path().join("seg.dcm");
    write_seg(&seg, &mask, &written, "lesion").unwrap();
    let seg_back = read_seg(&seg, &back, SegSelect::Label("Lesion".into())).unwrap();
    assert_eq!(seg_back.data, mask.data, "SEG round trip must be exact");
    assert!(matches!(read_seg(&seg, &back, SegSelect::Number(2)), Err(DicomError::SegmentNotFound { .. })));

    let rt = tmp.path().join("rt.dcm");
    write_rtstruct(&rt, &mask, &written, "lesion").unwrap();
    let rt_back = read_rtstruct(&rt, &back, "lesion").unwrap();
    let d = dice(&mask, &rt_back);
    println!("RTSTRUCT round trip Dice = {d:.6}");
    assert!(d >= 0.95, "Dice {d}");
    let msg = read_rtstruct(&rt, &back, "liver").unwrap_err().to_string();
    assert!(msg.contains("\"lesion\""), "{msg}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[test]
fn missing_slice_mixed_sizes_and_several_series_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let vol = synthetic();
    let a = tmp.path().join("a");
    write_series(&a, &vol, &SeriesMeta::new(1, "first")).unwrap();

    // gap: remove slice 6 of 12
    let gap = tmp.path().join("gap");
    copy_dir(&a, &gap);
    std::fs::remove_file(gap.join("IM00006.dcm")).unwrap();
    let msg = read_series(&gap, SeriesSelect::Only).unwrap_err().to_string();
    assert!(msg.contains("uneven slice spacing") && msg.contains("gap of 5.0000 mm"), "{msg}");
    assert!(msg.contains("IM00005.dcm") && msg.contains("IM00007.dcm"), "{msg}");

    // mixed sizes: a 1-slice image of another size in the same series (same seed → same UIDs)
    let small = Volume { data: Array3::<f32>::zeros((8, 8, 1)), ..vol.clone() };
    let other = tmp.path().join("other");
    write_series(&other, &small, &SeriesMeta::new(1, "first")).unwrap();
    let mixed = tmp.path().join("mixed");
    copy_dir(&a, &mixed);
    std::fs::copy(other.join("IM00001.dcm"), mixed.join("ZZ.dcm")).unwrap();
    let msg = read_series(&mixed, SeriesSelect::Only).unwrap_err().to_string();
    assert!(msg.contains("mixed image sizes") && msg.contains("8×8") && msg.contains("16×20"), "{msg}");

    // two series, no choice → the error lists both; a choice by description or UID works
    let two = tmp.path().join("two");
    copy_dir(&a, &two.join("s1"));
    let mut meta = SeriesMeta::new(1, "second");
    meta.series_number = 2;
    let second = write_series(&two.join("s2"), &vol, &meta).unwrap();
    let err = read_series(&two, SeriesSelect::Only).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, DicomError::SeveralSeries { .. }));
    assert!(msg.contains(&second.series_uid) && msg.contains("\"first\"") && msg.contains("\"second\""), "{msg}");
    let v2 = read_series(&two, SeriesSelect::Description("second".into())).unwrap();
    assert_eq!(v2.shape(), [20, 16, 12]);
    read_series(&two, SeriesSelect::Uid(second.series_uid.clone())).unwrap();
    let msg = read_series(&two, SeriesSelect::Description("third".into())).unwrap_err().to_string();
    assert!(msg.contains("no image series matches"), "{msg}");
}
