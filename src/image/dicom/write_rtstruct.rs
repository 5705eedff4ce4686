//! `write_rtstruct`: store a binary mask as one ROI of an RT Structure Set, with closed planar
//! contours per slice traced by marching squares on the voxel-centre grid.
//! Must not smooth or resample the mask.

use super::elements::{decimals, empty, int_str, item, seq, text, texts, uid};
use super::error::DicomError;
use super::marching::contours;
use super::write_seg::{check_slices, image_ref};
use super::write_series::{volume_axes, write_file, SeriesRef};
use crate::image::Volume;
use dicom_core::VR;
use dicom_dictionary_std::{tags, uids};
use dicom_object::InMemDicomObject;
use std::path::Path;

/// Write the non-zero voxels of `mask` as ROI `roi_name` (number 1) of an RTSTRUCT at `path`.
pub fn write_rtstruct(path: &Path, mask: &Volume<u8>, series: &SeriesRef, roi_name: &str) -> Result<(), DicomError> {
    check_slices(mask, series, path)?;
    volume_axes(&mask.direction, path)?;
    let [ni, nj, nk] = mask.shape();
    let mut contour_items = Vec::new();
    for k in 0..nk {
        for poly in contours(ni, nj, |i, j| mask.data[[i, j, k]] != 0) {
            let pts: Vec<f64> = poly.iter().flat_map(|p| mask.physical_point([p[0], p[1], k as f64])).collect();
            contour_items.push(item(vec![
                seq(tags::CONTOUR_IMAGE_SEQUENCE, vec![image_ref(series, k)]),
                text(tags::CONTOUR_GEOMETRIC_TYPE, VR::CS, "CLOSED_PLANAR"),
                int_str(tags::NUMBER_OF_CONTOUR_POINTS, poly.len() as i64),
                decimals(tags::CONTOUR_DATA, &pts),
            ]));
        }
    }
    let seed_label = format!("{} rtstruct {roi_name}", series.series_uid);
    let obj = InMemDicomObject::from_element_iter([
        text(tags::SOP_CLASS_UID, VR::UI, uids::RT_STRUCTURE_SET_STORAGE),
        text(tags::SOP_INSTANCE_UID, VR::UI, &uid(0, &format!("{seed_label} instance"))),
        empty(tags::STUDY_DATE, VR::DA),
        empty(tags::STUDY_TIME, VR::TM),
        empty(tags::ACCESSION_NUMBER, VR::SH),
        text(tags::MODALITY, VR::CS, "RTSTRUCT"),
        text(tags::MANUFACTURER, VR::LO, "radstudy"),
        empty(tags::REFERRING_PHYSICIAN_NAME, VR::PN),
        empty(tags::OPERATORS_NAME, VR::PN),
        text(tags::PATIENT_NAME, VR::PN, &series.patient_name),
        text(tags::PATIENT_ID, VR::LO, &series.patient_id),
        empty(tags::PATIENT_BIRTH_DATE, VR::DA),
        empty(tags::PATIENT_SEX, VR::CS),
        text(tags::SOFTWARE_VERSIONS, VR::LO, env!("CARGO_PKG_VERSION")),
        text(tags::STUDY_INSTANCE_UID, VR::UI, &series.study_uid),
        text(tags::SERIES_INSTANCE_UID, VR::UI, &uid(0, &format!("{seed_label} series"))),
        empty(tags::STUDY_ID, VR::SH),
        int_str(tags::SERIES_NUMBER, 301),
        int_str(tags::INSTANCE_NUMBER, 1),
        text(tags::STRUCTURE_SET_LABEL, VR::SH, "radstudy"),
        empty(tags::STRUCTURE_SET_DATE, VR::DA),
        empty(tags::STRUCTURE_SET_TIME, VR::TM),
        seq(
            tags::REFERENCED_FRAME_OF_REFERENCE_SEQUENCE,
            vec![item(vec![
                text(tags::FRAME_OF_REFERENCE_UID, VR::UI, &series.frame_of_reference_uid),
                seq(
                    tags::RT_REFERENCED_STUDY_SEQUENCE,
                    vec![item(vec![
                        text(tags::REFERENCED_SOP_CLASS_UID, VR::UI, "1.2.840.10008.3.1.2.3.1"),
                        text(tags::REFERENCED_SOP_INSTANCE_UID, VR::UI, &series.study_uid),
                        seq(
                            tags::RT_REFERENCED_SERIES_SEQUENCE,
                            vec![item(vec![
                                text(tags::SERIES_INSTANCE_UID, VR::UI, &series.series_uid),
                                seq(tags::CONTOUR_IMAGE_SEQUENCE, (0..nk).map(|k| image_ref(series, k)).collect()),
                            ])],
                        ),
                    ])],
                ),
            ])],
        ),
        seq(
            tags::STRUCTURE_SET_ROI_SEQUENCE,
            vec![item(vec![
                int_str(tags::ROI_NUMBER, 1),
                text(tags::REFERENCED_FRAME_OF_REFERENCE_UID, VR::UI, &series.frame_of_reference_uid),
                text(tags::ROI_NAME, VR::LO, roi_name),
                text(tags::ROI_GENERATION_ALGORITHM, VR::CS, "AUTOMATIC"),
            ])],
        ),
        seq(
            tags::ROI_CONTOUR_SEQUENCE,
            vec![item(vec![
                texts(tags::ROI_DISPLAY_COLOR, VR::IS, &["255".into(), "0".into(), "0".into()]),
                seq(tags::CONTOUR_SEQUENCE, contour_items),
                int_str(tags::REFERENCED_ROI_NUMBER, 1),
            ])],
        ),
        seq(
            tags::RTROI_OBSERVATIONS_SEQUENCE,
            vec![item(vec![
                int_str(tags::OBSERVATION_NUMBER, 1),
                int_str(tags::REFERENCED_ROI_NUMBER, 1),
                empty(tags::RTROI_INTERPRETED_TYPE, VR::CS),
                empty(tags::ROI_INTERPRETER, VR::PN),
            ])],
        ),
    ]);
    write_file(obj, path)
}
