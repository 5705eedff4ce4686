//! `read_series`: choose one image series in a folder and assemble it into a `Volume<f32>`
//! (stored value × RescaleSlope + RescaleIntercept, per frame) on the ITK grid.
//! Must not resample, reorient or guess missing geometry.

use super::attrs::{get_str, open};
use super::error::DicomError;
use super::frames::{frame_headers, FrameHeader};
use super::geometry::assemble;
use super::pixels::stored_frames;
use super::scan::{image_series, listing, scan, Scan, ScannedFile};
use super::write_series::SeriesRef;
use crate::image::Volume;
use dicom_dictionary_std::tags;
use ndarray::Array3;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Which image series of a folder to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeriesSelect {
    /// The folder must hold exactly one image series.
    Only,
    /// SeriesInstanceUID (0020,000E), exact.
    Uid(String),
    /// SeriesDescription (0008,103E), exact after trimming; must match one series.
    Description(String),
}

fn select_series<'a>(dir: &Path, scan: &'a Scan, select: &SeriesSelect) -> Result<Vec<&'a ScannedFile>, DicomError> {
    let series = image_series(scan);
    if series.is_empty() {
        return Err(DicomError::NoSeries { path: dir.to_path_buf() });
    }
    let not_found =
        |wanted: String| DicomError::SeriesNotFound { path: dir.to_path_buf(), wanted, listing: listing(&series) };
    match select {
        SeriesSelect::Only => {
            if series.len() > 1 {
                return Err(DicomError::SeveralSeries { path: dir.to_path_buf(), listing: listing(&series) });
            }
            Ok(series.into_values().next().unwrap_or_default())
        }
        SeriesSelect::Uid(uid) => series.get(uid.trim()).cloned().ok_or_else(|| not_found(format!("UID {uid:?}"))),
        SeriesSelect::Description(d) => {
            let hits: BTreeMap<_, _> = series.iter().filter(|(_, f)| f[0].description == d.trim()).collect();
            match hits.len() {
                0 => Err(not_found(format!("SeriesDescription {d:?}"))),
                1 => Ok(hits.into_values().next().cloned().unwrap_or_default()),
                _ => Err(DicomError::SeveralSeries {
                    path: dir.to_path_buf(),
                    listing: format!("{} series are described {d:?}; choose by UID:\n{}", hits.len(), listing(&series)),
                }),
            }
        }
    }
}

/// Frames of the chosen series, sorted along the slice normal, with their grid.
fn sorted_frames(
    dir: &Path,
    select: &SeriesSelect,
) -> Result<(Scan, Vec<FrameHeader>, super::geometry::Grid), DicomError> {
    let scan = scan(dir)?;
    let mut frames = Vec::new();
    for f in select_series(dir, &scan, select)? {
        frames.extend(frame_headers(&f.header, &f.path)?);
    }
    let grid = assemble(&mut frames)?;
    Ok((scan, frames, grid))
}

/// Transfer syntaxes whose pixel data is stored uncompressed (at least one bit per pixel).
const NATIVE_SYNTAXES: [&str; 3] = ["1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2"];
/// Most pixels one stored byte can hold: native data has ≥ 1 bit per pixel; no real compressed
/// image (deflate ≤ 1032:1, RLE ≤ 64:1 per byte plane, JPEG, JPEG 2000) comes near 4096.
const NATIVE_PIXELS_PER_BYTE: u64 = 8;
const COMPRESSED_PIXELS_PER_BYTE: u64 = 4096;

/// Refuse a series whose Rows × Columns × frames cannot be held in its files (a corrupt header
/// claiming e.g. 65535 × 65535 pixels) before the volume or the decoder allocates for it.
fn check_plausible_size(scan: &Scan, frames: &[FrameHeader]) -> Result<(), DicomError> {
    let mut per_file: BTreeMap<&Path, u64> = BTreeMap::new();
    for f in frames {
        let pixels = per_file.entry(&f.path).or_default();
        *pixels = pixels.saturating_add(u64::from(f.rows) * u64::from(f.cols));
    }
    for (path, pixels) in per_file {
        let len = std::fs::metadata(path).map_err(|e| super::error::io_err(path, e))?.len();
        let native = scan.files.iter().any(|s| s.path == path && NATIVE_SYNTAXES.contains(&s.transfer_syntax.as_str()));
        let limit = len.saturating_mul(if native { NATIVE_PIXELS_PER_BYTE } else { COMPRESSED_PIXELS_PER_BYTE });
        if pixels > limit {
            return Err(super::error::inconsistent(
                path,
                format!(
                    "Rows × Columns (0028,0010)/(0028,0011) × frames = {pixels} pixels cannot be stored in this \
                     {len}-byte file; the header is corrupt"
                ),
            ));
        }
    }
    Ok(())
}

/// Read one image series from `dir` (searched recursively; a single file is accepted too) into
/// a volume in ITK/LPS geometry; voxel = stored value · RescaleSlope + RescaleIntercept.
pub fn read_series(dir: &Path, select: SeriesSelect) -> Result<Volume<f32>, DicomError> {
    let (scan, frames, grid) = sorted_frames(dir, &select)?;
    check_plausible_size(&scan, &frames)?;
    let [ni, nj, nk] = grid.size;
    let mut data = Array3::<f32>::zeros((ni, nj, nk));
    let mut by_file: BTreeMap<&PathBuf, Vec<(usize, &FrameHeader)>> = BTreeMap::new();
    for (k, f) in frames.iter().enumerate() {
        by_file.entry(&f.path).or_default().push((k, f));
    }
    for (path, list) in by_file {
        let obj = open(path, false)?
            .ok_or_else(|| DicomError::NotDicom { path: path.clone(), detail: "file vanished or changed".into() })?;
        let numbers: Vec<u32> = list.iter().map(|(_, f)| f.frame).collect();
        let values = stored_frames(&obj, path, &numbers)?;
        for ((k, f), v) in list.iter().zip(values) {
            for j in 0..nj {
                for i in 0..ni {
                    data[[i, j, *k]] = (v[j * ni + i] * f.slope + f.intercept) as f32;
                }
            }
        }
    }
    Ok(Volume { data, spacing: grid.spacing, origin: grid.origin, direction: grid.direction })
}

/// UIDs of one image series in slice order (k), for writing a SEG or RTSTRUCT that refers to it.
pub fn read_series_ref(dir: &Path, select: SeriesSelect) -> Result<SeriesRef, DicomError> {
    let (scan, frames, _grid) = sorted_frames(dir, &select)?;
    let header = |p: &Path| scan.files.iter().find(|f| f.path == p).map(|f| &f.header);
    let first = header(&frames[0].path).ok_or_else(|| super::error::inconsistent(dir, "series header vanished"))?;
    let text = |tag| get_str(first, tag).unwrap_or_default();
    let mut sop_instance_uids = Vec::with_capacity(frames.len());
    for f in &frames {
        let h = header(&f.path).ok_or_else(|| super::error::inconsistent(&f.path, "series header vanished"))?;
        sop_instance_uids.push(super::attrs::req_str(h, tags::SOP_INSTANCE_UID, &f.path, "referenced image")?);
    }
    Ok(SeriesRef {
        study_uid: text(tags::STUDY_INSTANCE_UID),
        series_uid: text(tags::SERIES_INSTANCE_UID),
        frame_of_reference_uid: text(tags::FRAME_OF_REFERENCE_UID),
        sop_class_uid: text(tags::SOP_CLASS_UID),
        patient_name: text(tags::PATIENT_NAME),
        patient_id: text(tags::PATIENT_ID),
        sop_instance_uids,
    })
}
