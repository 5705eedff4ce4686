//! Extraction over a cohort: for every patient × sequence × ROI × observer mask, load the
//! image and mask, check their geometry, build the ROI (tumour or peritumoural ring), and
//! extract features (IBSI, or PyRadiomics when `pyradiomics` parameters are given: then the
//! whole image goes to PyRadiomics' own preprocessing and the columns are
//! `SEQ.ROI.<PyRadiomics name>`). Patients run in parallel; results are collected in patient order, so
//! the table does not depend on thread count. Must not select or fit anything.

use super::extract::{extract_ibsi, IbsiSettings};
use super::table::FeatureTable;
use crate::cohort::{Cohort, Patient};
use crate::image::dicom_study::{read_any_image, read_any_mask};
use crate::image::roi;
use crate::image::{GeometryTolerance, Volume};
use crate::manifest::Roi;
use ndarray::Array2;
use rand::SeedableRng;
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
    /// How many observers' masks to read from the cohort table (1 = primary only).
    pub observers: usize,
    /// Label to take from masks holding several labels (`[cohort] mask_label`).
    pub mask_label: Option<u32>,
    /// Re-segmentations made by perturbing the primary mask (for stability when a cohort has
    /// one mask per patient); each becomes one more "observer".
    pub perturbations: &'a [crate::image::perturb::Perturbation],
    /// Seed of the perturbations (combined with the patient's position).
    pub seed: u64,
    /// `[features] convention = "pyradiomics"`: its parameters (None = IBSI).
    pub pyradiomics: Option<&'a crate::features::pyrad::PyradParams>,
}

impl ExtractSpec<'_> {
    /// Segmentations per patient: table masks plus perturbed ones.
    pub fn segmentations(&self) -> usize {
        self.observers + self.perturbations.len()
    }
}

/// Fewer tumour-mask voxels than this is an error (no texture or shape is defined).
pub const MIN_ROI_VOXELS: usize = 8;
/// Fewer tumour-mask voxels than this gives a warning (features are unstable).
pub const SMALL_ROI_VOXELS: usize = 64;

/// Features of one patient: per observer, (column names, values).
type PatientRows = Vec<(Vec<String>, Vec<f64>)>;

/// Extract the whole cohort. Errors name the patient and the file. Patients stream through:
/// each keeps only its feature values; the column names are held once (those of the first
/// patient to finish, every other patient's checked against them), so memory grows by the
/// values alone — about 8 bytes per feature per patient.
pub fn extract_cohort(cohort: &Cohort, spec: &ExtractSpec, tick: &(dyn Fn() + Sync)) -> Result<Extracted, String> {
    let names: std::sync::OnceLock<Vec<Vec<String>>> = std::sync::OnceLock::new();
    type Values = (Vec<Vec<f64>>, bool, Vec<String>);
    let rows: Vec<Result<Values, String>> = cohort
        .patients
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let r = extract_patient(p, i, spec).map(|(feats, w)| {
                let shared = names.get_or_init(|| feats.iter().map(|(c, _)| c.clone()).collect());
                let same = shared.len() == feats.len() && shared.iter().zip(&feats).all(|(a, (c, _))| a == c);
                (feats.into_iter().map(|(_, v)| v).collect(), same, w)
            });
            tick();
            r
        })
        .collect();
    let mut per_patient = Vec::with_capacity(rows.len());
    let mut warnings = Vec::new();
    for (i, r) in rows.into_iter().enumerate() {
        let (values, same, w) = r?;
        if !same {
            return Err(format!(
                "patient `{}`: its features differ in name from the other patients' (internal error)",
                cohort.patients[i].id
            ));
        }
        per_patient.push(values);
        warnings.extend(w);
    }
    let names = names.into_inner().unwrap_or_default();
    let mut observers = Vec::new();
    for (o, columns) in names.into_iter().enumerate().take(spec.segmentations()) {
        let mut values = Array2::<f64>::zeros((per_patient.len(), columns.len()));
        for (i, pr) in per_patient.iter().enumerate() {
            for (j, v) in pr[o].iter().enumerate() {
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

fn extract_patient(p: &Patient, index: usize, spec: &ExtractSpec) -> Result<(PatientRows, Vec<String>), String> {
    let mut warnings = Vec::new();
    // DICOM masks are placed on the grid of the first sequence's image.
    let first = spec.sequences.first().map(|s| &p.images[s]).ok_or("no sequence")?;
    let reference = read_any_image(first).map_err(|e| format!("patient `{}`: {e}", p.id))?;
    let masks: Vec<Volume<u8>> = p
        .masks
        .iter()
        .take(spec.observers)
        .map(|m| read_any_mask(m, &reference, spec.mask_label).map_err(|e| format!("patient `{}`: {e}", p.id)))
        .collect::<Result<_, _>>()?;
    if masks.len() < spec.observers {
        return Err(format!(
            "patient `{}`: {} mask(s) given but the stability analysis needs {} (columns mask, mask_2, …)",
            p.id,
            masks.len(),
            spec.observers
        ));
    }
    for (o, m) in masks.iter().enumerate() {
        let n_roi = m.data.iter().filter(|&&v| v > 0).count();
        let file = p.masks[o].display();
        if n_roi < MIN_ROI_VOXELS {
            let voxels = if n_roi == 1 { "1 voxel".to_string() } else { format!("{n_roi} voxels") };
            return Err(format!(
                "patient `{}`: mask {file} has only {voxels}; texture and shape features need at least {MIN_ROI_VOXELS} — check the segmentation or remove the patient",
                p.id
            ));
        }
        if o == 0 && n_roi < SMALL_ROI_VOXELS {
            warnings.push(format!(
                "patient `{}`: tiny ROI — tumour mask {file} has only {n_roi} voxels (< {SMALL_ROI_VOXELS}); its texture features are unreliable",
                p.id
            ));
        }
    }
    let mut masks = masks;
    let mut rng =
        rand_chacha::ChaCha8Rng::seed_from_u64(crate::validate::derive_seed(spec.seed, 7_000_000 + index as u64));
    for pert in spec.perturbations {
        let m = crate::image::perturb::perturb(&masks[0], pert, &mut rng);
        masks.push(m);
    }
    let mut out: PatientRows = vec![(Vec::new(), Vec::new()); spec.segmentations()];
    for seq in spec.sequences {
        let path = &p.images[seq];
        let img = if path == first {
            reference.clone()
        } else {
            read_any_image(path).map_err(|e| format!("patient `{}`: {e}", p.id))?
        };
        for (o, mask) in masks.iter().enumerate() {
            if let Some(d) = img.geometry_mismatch(mask, spec.tolerance) {
                let hint = if d.starts_with("origin") { " (or raise `[cohort] origin_tolerance_mm`)" } else { "" };
                return Err(format!(
                    "patient `{}`: mask {} does not lie on the grid of image {} ({d}); resample the mask onto the image or fix the header{hint}",
                    p.id,
                    mask_name(p, o),
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
                    return Err(format!("patient `{}`: ROI `{}` is empty (mask {})", p.id, r.name, mask_name(p, o)));
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
                let feats = extract_ibsi(&img_c, &roi_c, spec.settings).map_err(|e| {
                    format!("patient `{}`, sequence {seq} ({}), ROI {}: {e}", p.id, path.display(), r.name)
                })?;
                for f in feats {
                    out[o].0.push(format!("{seq}.{}.{}", r.name, f.key(is_default_aggregation(&f))));
                    out[o].1.push(f.value);
                }
            }
        }
    }
    Ok((out, warnings))
}

/// Whether a feature uses its family's default aggregation (so its column name omits it).
fn is_default_aggregation(f: &crate::features::Feature) -> bool {
    use crate::features::texture::{default_aggregation, TextureFamily};
    match TextureFamily::ALL.iter().find(|t| t.key() == f.family) {
        Some(&t) => default_aggregation(t).key() == f.aggregation,
        None => true,
    }
}

/// The file a segmentation came from, or how it was made (perturbed re-segmentations).
fn mask_name(p: &Patient, o: usize) -> String {
    match p.masks.get(o) {
        Some(m) => m.display().to_string(),
        None => format!("{} (perturbed re-segmentation {})", p.masks[0].display(), o + 1 - p.masks.len()),
    }
}
