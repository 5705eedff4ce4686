//! `write_series`: store a `Volume<f32>` as a classic MR series, one Explicit VR Little Endian
//! file per slice with int16 pixels and one RescaleSlope/Intercept for the whole volume, UIDs
//! derived deterministically from a seed. Must not alter the geometry it is given.

use super::elements::{decimals, ds, empty, int_str, text, texts, uid, us};
use super::error::DicomError;
use super::geometry::{cross, dot};
use crate::image::Volume;
use dicom_core::value::PrimitiveValue;
use dicom_core::{DataElement, VR};
use dicom_dictionary_std::{tags, uids};
use dicom_object::meta::FileMetaTableBuilder;
use dicom_object::InMemDicomObject;
use std::path::{Path, PathBuf};

/// Descriptive attributes and the UID seed of a written series.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesMeta {
    /// Seed of every generated UID: same seed and volume → same files.
    pub seed: u64,
    pub patient_name: String,
    pub patient_id: String,
    pub series_description: String,
    pub series_number: u32,
    /// Reuse an existing study (else generated from the seed).
    pub study_uid: Option<String>,
    /// Reuse an existing frame of reference (else generated from the seed).
    pub frame_of_reference_uid: Option<String>,
}

impl SeriesMeta {
    /// Anonymous patient, series number 1, UIDs generated from `seed`.
    pub fn new(seed: u64, series_description: &str) -> Self {
        SeriesMeta {
            seed,
            patient_name: "ANONYMOUS".into(),
            patient_id: "ANONYMOUS".into(),
            series_description: series_description.into(),
            series_number: 1,
            study_uid: None,
            frame_of_reference_uid: None,
        }
    }
}

/// The UIDs a SEG or RTSTRUCT needs to refer to an image series; `sop_instance_uids[k]` is slice k.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesRef {
    pub study_uid: String,
    pub series_uid: String,
    pub frame_of_reference_uid: String,
    pub sop_class_uid: String,
    pub patient_name: String,
    pub patient_id: String,
    pub sop_instance_uids: Vec<String>,
}

/// Slope and intercept mapping the voxel values onto int16: identity when all values are
/// integers in range, else a linear map of [min, max] onto [-32767, 32767].
fn rescale_for(values: &[f32]) -> (f64, f64) {
    let (lo, hi) = values.iter().fold((f64::MAX, f64::MIN), |(l, h), v| (l.min(*v as f64), h.max(*v as f64)));
    if values.iter().all(|v| v.fract() == 0.0) && lo >= -32768.0 && hi <= 32767.0 {
        return (1.0, 0.0);
    }
    if hi <= lo {
        return (1.0, lo);
    }
    let slope = (hi - lo) / 65534.0;
    (slope, lo + 32767.0 * slope)
}

/// Unit row direction, column direction and normal from the volume's direction columns.
pub(crate) fn volume_axes(vol_direction: &[[f64; 3]; 3], path: &Path) -> Result<[[f64; 3]; 3], DicomError> {
    let col = |c: usize| [vol_direction[0][c], vol_direction[1][c], vol_direction[2][c]];
    let (r, c) = (col(0), col(1));
    let unit = |v: [f64; 3]| (dot(v, v).sqrt() - 1.0).abs() < 1e-6;
    if !unit(r) || !unit(c) || dot(r, c).abs() > 1e-6 {
        return Err(DicomError::Write {
            path: path.to_path_buf(),
            detail: format!("direction {vol_direction:?} is not orthonormal"),
        });
    }
    Ok([r, c, cross(r, c)])
}

/// Write `vol` as files `IM00001.dcm`… into `dir` (created if needed). A left-handed direction
/// is stored faithfully but reads back with k reversed (as in ITK). Returns the written UIDs.
pub fn write_series(dir: &Path, vol: &Volume<f32>, meta: &SeriesMeta) -> Result<SeriesRef, DicomError> {
    std::fs::create_dir_all(dir).map_err(|e| super::error::io_err(dir, e))?;
    let [ni, nj, nk] = vol.shape();
    let werr = |detail: String| DicomError::Write { path: dir.to_path_buf(), detail };
    if ni == 0 || nj == 0 || nk == 0 || ni > u16::MAX as usize || nj > u16::MAX as usize {
        return Err(werr(format!("cannot store shape {:?}", vol.shape())));
    }
    let values: Vec<f32> = vol.data.iter().copied().collect();
    if let Some(v) = values.iter().find(|v| !v.is_finite()) {
        return Err(werr(format!("volume holds a non-finite value ({v})")));
    }
    let [r, c, n] = volume_axes(&vol.direction, dir)?;
    let (slope, intercept) = rescale_for(&values);
    let seed = meta.seed;
    let study_uid = meta.study_uid.clone().unwrap_or_else(|| uid(seed, "study"));
    let series_uid = uid(seed, &format!("series {}", meta.series_number));
    let for_uid = meta.frame_of_reference_uid.clone().unwrap_or_else(|| uid(seed, "frame of reference"));
    let mut sop_uids = Vec::with_capacity(nk);
    for k in 0..nk {
        let sop_uid = uid(seed, &format!("series {} instance {k}", meta.series_number));
        let pos = vol.physical_point([0.0, 0.0, k as f64]);
        let mut pixels = Vec::with_capacity(ni * nj);
        for j in 0..nj {
            for i in 0..ni {
                let s = ((vol.data[[i, j, k]] as f64 - intercept) / slope).round();
                pixels.push(s.clamp(-32768.0, 32767.0) as i16);
            }
        }
        let obj = InMemDicomObject::from_element_iter([
            texts(tags::IMAGE_TYPE, VR::CS, &["DERIVED".into(), "SECONDARY".into()]),
            text(tags::SOP_CLASS_UID, VR::UI, uids::MR_IMAGE_STORAGE),
            text(tags::SOP_INSTANCE_UID, VR::UI, &sop_uid),
            empty(tags::STUDY_DATE, VR::DA),
            empty(tags::STUDY_TIME, VR::TM),
            empty(tags::ACCESSION_NUMBER, VR::SH),
            text(tags::MODALITY, VR::CS, "MR"),
            empty(tags::MANUFACTURER, VR::LO),
            empty(tags::REFERRING_PHYSICIAN_NAME, VR::PN),
            text(tags::SERIES_DESCRIPTION, VR::LO, &meta.series_description),
            text(tags::PATIENT_NAME, VR::PN, &meta.patient_name),
            text(tags::PATIENT_ID, VR::LO, &meta.patient_id),
            empty(tags::PATIENT_BIRTH_DATE, VR::DA),
            empty(tags::PATIENT_SEX, VR::CS),
            text(tags::SCANNING_SEQUENCE, VR::CS, "RM"),
            text(tags::SEQUENCE_VARIANT, VR::CS, "NONE"),
            empty(tags::SCAN_OPTIONS, VR::CS),
            text(tags::MR_ACQUISITION_TYPE, VR::CS, "3D"),
            text(tags::SLICE_THICKNESS, VR::DS, &ds(vol.spacing[2])),
            empty(tags::REPETITION_TIME, VR::DS),
            empty(tags::ECHO_TIME, VR::DS),
            empty(tags::ECHO_TRAIN_LENGTH, VR::IS),
            text(tags::SPACING_BETWEEN_SLICES, VR::DS, &ds(vol.spacing[2])),
            text(tags::STUDY_INSTANCE_UID, VR::UI, &study_uid),
            text(tags::SERIES_INSTANCE_UID, VR::UI, &series_uid),
            empty(tags::STUDY_ID, VR::SH),
            int_str(tags::SERIES_NUMBER, meta.series_number as i64),
            int_str(tags::INSTANCE_NUMBER, k as i64 + 1),
            decimals(tags::IMAGE_POSITION_PATIENT, &pos),
            decimals(tags::IMAGE_ORIENTATION_PATIENT, &[r[0], r[1], r[2], c[0], c[1], c[2]]),
            text(tags::FRAME_OF_REFERENCE_UID, VR::UI, &for_uid),
            empty(tags::POSITION_REFERENCE_INDICATOR, VR::LO),
            text(tags::SLICE_LOCATION, VR::DS, &ds(dot(pos, n))),
            us(tags::SAMPLES_PER_PIXEL, 1),
            text(tags::PHOTOMETRIC_INTERPRETATION, VR::CS, "MONOCHROME2"),
            us(tags::ROWS, nj as u16),
            us(tags::COLUMNS, ni as u16),
            decimals(tags::PIXEL_SPACING, &[vol.spacing[1], vol.spacing[0]]),
            us(tags::BITS_ALLOCATED, 16),
            us(tags::BITS_STORED, 16),
            us(tags::HIGH_BIT, 15),
            us(tags::PIXEL_REPRESENTATION, 1),
            text(tags::RESCALE_INTERCEPT, VR::DS, &ds(intercept)),
            text(tags::RESCALE_SLOPE, VR::DS, &ds(slope)),
            DataElement::new(tags::PIXEL_DATA, VR::OW, PrimitiveValue::I16(pixels.into())),
        ]);
        let path: PathBuf = dir.join(format!("IM{:05}.dcm", k + 1));
        write_file(obj, &path)?;
        sop_uids.push(sop_uid);
    }
    Ok(SeriesRef {
        study_uid,
        series_uid,
        frame_of_reference_uid: for_uid,
        sop_class_uid: uids::MR_IMAGE_STORAGE.to_string(),
        patient_name: meta.patient_name.clone(),
        patient_id: meta.patient_id.clone(),
        sop_instance_uids: sop_uids,
    })
}

/// Add the file meta group (Explicit VR Little Endian) and write `obj` to `path`.
pub(crate) fn write_file(obj: InMemDicomObject, path: &Path) -> Result<(), DicomError> {
    let werr = |detail: String| DicomError::Write { path: path.to_path_buf(), detail };
    let file = obj
        .with_meta(
            FileMetaTableBuilder::new()
                .transfer_syntax(uids::EXPLICIT_VR_LITTLE_ENDIAN)
                .implementation_class_uid("2.25.326302216873949466474640404433196105417")
                .implementation_version_name("RADSTUDY"),
        )
        .map_err(|e| werr(e.to_string()))?;
    file.write_to_file(path).map_err(|e| werr(e.to_string()))
}
