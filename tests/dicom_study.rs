//! The same study read from DICOM (one MR series per sequence, DICOM-SEG masks) and from the
//! NIfTI files it was written from gives the same features: the reader places voxels and
//! geometry where the NIfTI reader does. The DICOM files are written by radstudy's writer from
//! the synthetic NIfTI cohort; pydicom-checked real-file tests live in `dicom_real_files.rs`.

mod common;
use radstudy::features::table::FeatureTable;
use radstudy::image::dicom::{write_seg, write_series, SeriesMeta};
use radstudy::image::io::{read_image, read_mask};
use std::path::{Path, PathBuf};

use common::radstudy;

use common::small_study as fixture;

/// The fixture manifest with its synthetic cohort replaced by a cohort table.
fn table_manifest(dir: &Path, table: &Path) -> PathBuf {
    let text = std::fs::read_to_string(fixture()).unwrap();
    let start = text.find("[cohort.synthetic]").unwrap();
    let end = text.find("[[sequence]]").unwrap();
    let text = format!("{}[cohort]\ntable = \"{}\"\n\n{}", &text[..start], table.display(), &text[end..]);
    let p = dir.join(format!("{}.toml", table.file_stem().unwrap().to_string_lossy()));
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn dicom_and_nifti_cohorts_give_the_same_features() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let o = radstudy(&["synth", fixture().to_str().unwrap()], &data);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let cohort = data.join("small");
    let csv = std::fs::read_to_string(cohort.join("cohort.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(&header).unwrap();
    let dicom = tmp.path().join("dicom");
    for (n, rec) in rdr.records().enumerate() {
        let rec = rec.unwrap();
        let mut row: Vec<String> = rec.iter().map(String::from).collect();
        let pid = &row[col("patient")].clone();
        let mut series_ref = None;
        for seq in ["AP", "PVP"] {
            let vol = read_image(&cohort.join(&row[col(&format!("image_{seq}"))])).unwrap();
            let dir = dicom.join(pid).join(seq);
            let r = write_series(&dir, &vol, &SeriesMeta::new(1000 + n as u64, seq)).unwrap();
            series_ref.get_or_insert(r);
            row[col(&format!("image_{seq}"))] = dir.display().to_string();
        }
        let series_ref = series_ref.unwrap();
        for m in ["mask", "mask_2"] {
            let mask = read_mask(&cohort.join(&row[col(m)]), None).unwrap();
            let path = dicom.join(pid).join(format!("{m}.dcm"));
            write_seg(&path, &mask, &series_ref, "tumour").unwrap();
            row[col(m)] = path.display().to_string();
        }
        out.write_record(&row).unwrap();
    }
    let dicom_table = tmp.path().join("dicom_cohort.csv");
    std::fs::write(&dicom_table, out.into_inner().unwrap()).unwrap();
    let nifti_table = tmp.path().join("nifti_cohort.csv");
    std::fs::write(
        &nifti_table,
        csv.replace("images/", &format!("{}/images/", cohort.display()))
            .replace("masks/", &format!("{}/masks/", cohort.display())),
    )
    .unwrap();

    let run = |table: &Path, out: &str| -> FeatureTable {
        let m = table_manifest(tmp.path(), table);
        let dir = tmp.path().join(out);
        let o = radstudy(&["run", m.to_str().unwrap(), "--out", dir.to_str().unwrap()], &data);
        assert!(o.status.success(), "{out}: {}", String::from_utf8_lossy(&o.stderr));
        FeatureTable::read_parquet(&dir.join("features.parquet")).unwrap()
    };
    let a = run(&nifti_table, "nifti");
    let b = run(&dicom_table, "dicom");
    assert_eq!(a.columns, b.columns);
    assert_eq!(a.patients, b.patients);
    let mut worst = 0.0f64;
    for (x, y) in a.values.iter().zip(b.values.iter()) {
        let rel = (x - y).abs() / x.abs().max(1e-12);
        if x.is_finite() || y.is_finite() {
            worst = worst.max(rel);
        }
    }
    println!("largest relative feature difference DICOM vs NIfTI: {worst:e}");
    assert!(worst < 1e-6, "DICOM and NIfTI features differ by {worst:e}");
}
