//! Extraction over a cohort: for every patient × sequence × ROI × observer mask, load the
//! image and mask, check their geometry, build the ROI (tumour or peritumoural ring), and
//! extract features (IBSI, or PyRadiomics when `pyradiomics` parameters are given: then the
//! whole image goes to PyRadiomics' own preprocessing and the columns are
//! `SEQ.ROI.<PyRadiomics name>`). Patients run in parallel; results are collected in patient order, so
//! the table does not depend on thread count. Must not select or fit anything.

use super::extract::{extract_ibsi, IbsiSettings};
use super::table::FeatureTable;
use crate::cohort::{Cohort, Patient};
use crate::image::io::{read_image, read_mask};
use crate::image::roi;
use crate::image::{GeometryTolerance, Volume};
use crate::manifest::Roi;
use ndarray::Array2;
use rayon::prelude::*;

/// One feature table per observer (index 0 = the primary segmentation).
pub struct Extracted {
    pub observers: Vec<FeatureTable>,
    /// Warnings worth showing (e.g. tiny ROIs).
    pub warnings: Vec<String>,
}

/// What extraction needs from the manifest.
pub struct ExtractSpec<'a> {
    pub sequences: &'a [String],
    pub rois: &'a [Roi],
    pub settings: &'a IbsiSettings,
    pub tolerance: GeometryTolerance,
    /// How many observers' masks to use (1 = primary only).
    pub observers: usize,
    /// `[features] convention = "pyradiomics"`: its parameters (None = IBSI).
    pub pyradiomics: Option<&'a crate::features::pyrad::PyradParams>,
}

/// Features of one patient: per observer, (column names, values).
type PatientRows = Vec<(Vec<String>, Vec<f64>)>;

/// Extract the whole cohort. Errors name the patient and the file.
pub fn extract_cohort(cohort: &Cohort, spec: &ExtractSpec, tick: &(dyn Fn() + Sync)) -> Result<Extracted, String> {
    let rows: Vec<Result<(PatientRows, Vec<String>), String>> = cohort
        .patients
        .par_iter()
        .map(|p| {
            let r = extract_patient(p, spec);
            tick();
            r
        })
        .collect();
    let mut per_patient = Vec::with_capacity(rows.len());
    let mut warnings = Vec::new();
    for r in rows {
        let (feats, w) = r?;
        per_patient.push(feats);
        warnings.extend(w);
    }
    let mut observers = Vec::new();
    for o in 0..spec.observers {
        let columns = per_patient[0][o].0.clone();
        let mut values = Array2::<f64>::zeros((per_patient.len(), columns.len()));
        for (i, pr) in per_patient.iter().enumerate() {
            if pr[o].0 != columns {
                return Err(format!(
                    "patient `{}`: its features differ in name from patient `{}`'s (internal error)",
                    cohort.patients[i].id, cohort.patients[0].id
                ));
            }
            for (j, v) in pr[o].1.iter().enumerate() {
                values[[i, j]] = *v;
            }
        }
        observers.push(FeatureTable {
            patients: cohort.patients.iter().map(|p| p.id.clone()).collect(),
            columns,
            values,
        });
    }
    Ok(Extracted { observers, warnings })
}

fn extract_patient(p: &Patient, spec: &ExtractSpec) -> Result<(PatientRows, Vec<String>), String> {
    let mut warnings = Vec::new();
    let masks: Vec<Volume<u8>> = p
        .masks
        .iter()
        .take(spec.observers)
        .map(|m| read_mask(m, None).map_err(|e| format!("patient `{}`: {e}", p.id)))
        .collect::<Result<_, _>>()?;
    if masks.len() < spec.observers {
        return Err(format!(
            "patient `{}`: {} mask(s) given but the stability analysis needs {} (columns mask, mask_2, …)",
            p.id,
            masks.len(),
            spec.observers
        ));
    }
    let n_roi = masks[0].data.iter().filter(|&&v| v > 0).count();
    if n_roi < 10 {
        warnings.push(format!("patient `{}`: tumour mask has only {n_roi} voxels", p.id));
    }
    let mut out: PatientRows = vec![(Vec::new(), Vec::new()); spec.observers];
    for seq in spec.sequences {
        let path = &p.images[seq];
        let img = read_image(path).map_err(|e| format!("patient `{}`: {e}", p.id))?;
        for (o, mask) in masks.iter().enumerate() {
            if let Some(d) = img.geometry_mismatch(mask, spec.tolerance) {
                return Err(format!(
                    "patient `{}`: mask {} does not lie on the grid of image {} ({d}); resample the mask onto the image or fix the header",
                    p.id,
                    p.masks[o].display(),
                    path.display()
                ));
            }
            for r in spec.rois {
                let region = match r.ring_mm {
                    Some([a, b]) => {
                        roi::ring(mask, a, b, None).map_err(|e| format!("patient `{}`, ROI `{}`: {e}", p.id, r.name))?
                    }
                    None => mask.clone(),
                };
                if !region.data.iter().any(|&v| v > 0) {
                    return Err(format!(
                        "patient `{}`: ROI `{}` is empty (mask {})",
                        p.id,
                        r.name,
                        p.masks[o].display()
                    ));
                }
                if let Some(params) = spec.pyradiomics {
                    let feats = super::pyrad_cohort::extract_region(&img, &region, params)
                        .map_err(|e| format!("patient `{}`, sequence {seq}, ROI {}: {e}", p.id, r.name))?;
                    for (name, v) in feats {
                        out[o].0.push(format!("{seq}.{}.{name}", r.name));
                        out[o].1.push(v);
                    }
                    continue;
                }
                let pad = 2;
                let bbox = roi::bounding_box(&region, pad).expect("non-empty ROI has a bounding box");
                let img_c = roi::crop(&img, bbox);
                let roi_c = roi::crop(&region, bbox);
                let feats = extract_ibsi(&img_c, &roi_c, spec.settings)
                    .map_err(|e| format!("patient `{}`, sequence {seq}, ROI {}: {e}", p.id, r.name))?;
                for f in feats {
                    out[o].0.push(format!("{seq}.{}.{}", r.name, f.key(true)));
                    out[o].1.push(f.value);
                }
            }
        }
    }
    Ok((out, warnings))
}
