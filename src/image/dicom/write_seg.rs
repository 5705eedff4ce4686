//! `write_seg`: store a binary mask as a DICOM-SEG (BINARY, one segment, one frame per
//! non-empty slice, bit-packed) referring to the image series it was drawn on.
//! Must not resample: the mask's grid is taken as the referenced series' grid.

use super::elements::{decimals, ds, empty, int_str, item, seq, text, texts, uid, us};
use super::error::DicomError;
use super::write_series::{volume_axes, write_file, SeriesRef};
use crate::image::Volume;
use dicom_core::value::PrimitiveValue;
use dicom_core::{DataElement, VR};
use dicom_dictionary_std::{tags, uids};
use dicom_object::InMemDicomObject;
use std::path::Path;

pub(crate) fn code(value: &str, scheme: &str, meaning: &str) -> InMemDicomObject {
    item(vec![
        text(tags::CODE_VALUE, VR::SH, value),
        text(tags::CODING_SCHEME_DESIGNATOR, VR::SH, scheme),
        text(tags::CODE_MEANING, VR::LO, meaning),
    ])
}

pub(crate) fn image_ref(series: &SeriesRef, k: usize) -> InMemDicomObject {
    item(vec![
        text(tags::REFERENCED_SOP_CLASS_UID, VR::UI, &series.sop_class_uid),
        text(tags::REFERENCED_SOP_INSTANCE_UID, VR::UI, &series.sop_instance_uids[k]),
    ])
}

pub(crate) fn check_slices<T>(mask: &Volume<T>, series: &SeriesRef, path: &Path) -> Result<(), DicomError> {
    let nk = mask.shape()[2];
    if series.sop_instance_uids.len() != nk {
        return Err(DicomError::Write {
            path: path.to_path_buf(),
            detail: format!(
                "mask has {nk} slices but the series reference lists {} images",
                series.sop_instance_uids.len()
            ),
        });
    }
    Ok(())
}

/// Write the non-zero voxels of `mask` as segment 1 (`label`) of a BINARY DICOM-SEG at `path`.
pub fn write_seg(path: &Path, mask: &Volume<u8>, series: &SeriesRef, label: &str) -> Result<(), DicomError> {
    check_slices(mask, series, path)?;
    let [ni, nj, nk] = mask.shape();
    let [r, c, _] = volume_axes(&mask.direction, path)?;
    let mut slices: Vec<usize> =
        (0..nk).filter(|&k| (0..nj).any(|j| (0..ni).any(|i| mask.data[[i, j, k]] != 0))).collect();
    if slices.is_empty() {
        slices.push(0); // a SEG needs at least one frame
    }
    let frame_px = ni * nj;
    let mut bits = vec![0u8; (slices.len() * frame_px).div_ceil(8)];
    let mut frames = Vec::with_capacity(slices.len());
    for (f, &k) in slices.iter().enumerate() {
        for j in 0..nj {
            for i in 0..ni {
                if mask.data[[i, j, k]] != 0 {
                    let b = f * frame_px + j * ni + i;
                    bits[b / 8] |= 1 << (b % 8);
                }
            }
        }
        frames.push(item(vec![
            seq(
                tags::DERIVATION_IMAGE_SEQUENCE,
                vec![item(vec![
                    seq(
                        tags::SOURCE_IMAGE_SEQUENCE,
                        vec![{
                            let mut o = image_ref(series, k);
                            o.put(seq(
                                tags::PURPOSE_OF_REFERENCE_CODE_SEQUENCE,
                                vec![code("121322", "DCM", "Source image for image processing operation")],
                            ));
                            o
                        }],
                    ),
                    seq(tags::DERIVATION_CODE_SEQUENCE, vec![code("113076", "DCM", "Segmentation")]),
                ])],
            ),
            seq(
                tags::FRAME_CONTENT_SEQUENCE,
                vec![item(vec![DataElement::new(
                    tags::DIMENSION_INDEX_VALUES,
                    VR::UL,
                    PrimitiveValue::U32([1u32, k as u32 + 1].into_iter().collect()),
                )])],
            ),
            seq(
                tags::PLANE_POSITION_SEQUENCE,
                vec![item(vec![decimals(tags::IMAGE_POSITION_PATIENT, &mask.physical_point([0.0, 0.0, k as f64]))])],
            ),
            seq(tags::SEGMENT_IDENTIFICATION_SEQUENCE, vec![item(vec![us(tags::REFERENCED_SEGMENT_NUMBER, 1)])]),
        ]));
    }
    let seed_label = format!("{} seg {label}", series.series_uid);
    let dim_uid = uid(0, &format!("{seed_label} dimensions"));
    let dim = |pointer, group| {
        item(vec![
            text(tags::DIMENSION_ORGANIZATION_UID, VR::UI, &dim_uid),
            DataElement::new(
                tags::DIMENSION_INDEX_POINTER,
                VR::AT,
                PrimitiveValue::Tags([pointer].into_iter().collect()),
            ),
            DataElement::new(
                tags::FUNCTIONAL_GROUP_POINTER,
                VR::AT,
                PrimitiveValue::Tags([group].into_iter().collect()),
            ),
        ])
    };
    let obj = InMemDicomObject::from_element_iter([
        texts(tags::IMAGE_TYPE, VR::CS, &["DERIVED".into(), "PRIMARY".into()]),
        text(tags::SOP_CLASS_UID, VR::UI, uids::SEGMENTATION_STORAGE),
        text(tags::SOP_INSTANCE_UID, VR::UI, &uid(0, &format!("{seed_label} instance"))),
        empty(tags::STUDY_DATE, VR::DA),
        empty(tags::CONTENT_DATE, VR::DA),
        empty(tags::STUDY_TIME, VR::TM),
        empty(tags::CONTENT_TIME, VR::TM),
        empty(tags::ACCESSION_NUMBER, VR::SH),
        text(tags::MODALITY, VR::CS, "SEG"),
        text(tags::MANUFACTURER, VR::LO, "radstudy"),
        empty(tags::REFERRING_PHYSICIAN_NAME, VR::PN),
        text(tags::SERIES_DESCRIPTION, VR::LO, label),
        text(tags::MANUFACTURER_MODEL_NAME, VR::LO, "radstudy"),
        seq(
            tags::REFERENCED_SERIES_SEQUENCE,
            vec![item(vec![
                seq(tags::REFERENCED_INSTANCE_SEQUENCE, (0..nk).map(|k| image_ref(series, k)).collect()),
                text(tags::SERIES_INSTANCE_UID, VR::UI, &series.series_uid),
            ])],
        ),
        text(tags::PATIENT_NAME, VR::PN, &series.patient_name),
        text(tags::PATIENT_ID, VR::LO, &series.patient_id),
        empty(tags::PATIENT_BIRTH_DATE, VR::DA),
        empty(tags::PATIENT_SEX, VR::CS),
        text(tags::DEVICE_SERIAL_NUMBER, VR::LO, "0"),
        text(tags::SOFTWARE_VERSIONS, VR::LO, env!("CARGO_PKG_VERSION")),
        text(tags::STUDY_INSTANCE_UID, VR::UI, &series.study_uid),
        text(tags::SERIES_INSTANCE_UID, VR::UI, &uid(0, &format!("{seed_label} series"))),
        empty(tags::STUDY_ID, VR::SH),
        int_str(tags::SERIES_NUMBER, 300),
        int_str(tags::INSTANCE_NUMBER, 1),
        text(tags::FRAME_OF_REFERENCE_UID, VR::UI, &series.frame_of_reference_uid),
        empty(tags::POSITION_REFERENCE_INDICATOR, VR::LO),
        seq(
            tags::DIMENSION_ORGANIZATION_SEQUENCE,
            vec![item(vec![text(tags::DIMENSION_ORGANIZATION_UID, VR::UI, &dim_uid)])],
        ),
        seq(
            tags::DIMENSION_INDEX_SEQUENCE,
            vec![
                dim(tags::REFERENCED_SEGMENT_NUMBER, tags::SEGMENT_IDENTIFICATION_SEQUENCE),
                dim(tags::IMAGE_POSITION_PATIENT, tags::PLANE_POSITION_SEQUENCE),
            ],
        ),
        us(tags::SAMPLES_PER_PIXEL, 1),
        text(tags::PHOTOMETRIC_INTERPRETATION, VR::CS, "MONOCHROME2"),
        int_str(tags::NUMBER_OF_FRAMES, slices.len() as i64),
        us(tags::ROWS, nj as u16),
        us(tags::COLUMNS, ni as u16),
        us(tags::BITS_ALLOCATED, 1),
        us(tags::BITS_STORED, 1),
        us(tags::HIGH_BIT, 0),
        us(tags::PIXEL_REPRESENTATION, 0),
        text(tags::LOSSY_IMAGE_COMPRESSION, VR::CS, "00"),
        text(tags::SEGMENTATION_TYPE, VR::CS, "BINARY"),
        text(tags::CONTENT_LABEL, VR::CS, "MASK"),
        empty(tags::CONTENT_DESCRIPTION, VR::LO),
        empty(tags::CONTENT_CREATOR_NAME, VR::PN),
        seq(
            tags::SEGMENT_SEQUENCE,
            vec![item(vec![
                seq(tags::SEGMENTED_PROPERTY_CATEGORY_CODE_SEQUENCE, vec![code("85756007", "SCT", "Tissue")]),
                us(tags::SEGMENT_NUMBER, 1),
                text(tags::SEGMENT_LABEL, VR::LO, label),
                text(tags::SEGMENT_ALGORITHM_TYPE, VR::CS, "MANUAL"),
                seq(tags::SEGMENTED_PROPERTY_TYPE_CODE_SEQUENCE, vec![code("85756007", "SCT", "Tissue")]),
            ])],
        ),
        seq(
            tags::SHARED_FUNCTIONAL_GROUPS_SEQUENCE,
            vec![item(vec![
                seq(
                    tags::PIXEL_MEASURES_SEQUENCE,
                    vec![item(vec![
                        text(tags::SLICE_THICKNESS, VR::DS, &ds(mask.spacing[2])),
                        text(tags::SPACING_BETWEEN_SLICES, VR::DS, &ds(mask.spacing[2])),
                        decimals(tags::PIXEL_SPACING, &[mask.spacing[1], mask.spacing[0]]),
                    ])],
                ),
                seq(
                    tags::PLANE_ORIENTATION_SEQUENCE,
                    vec![item(vec![decimals(tags::IMAGE_ORIENTATION_PATIENT, &[r[0], r[1], r[2], c[0], c[1], c[2]])])],
                ),
            ])],
        ),
        seq(tags::PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE, frames),
        DataElement::new(tags::PIXEL_DATA, VR::OB, PrimitiveValue::from(bits)),
    ]);
    write_file(obj, path)
}
