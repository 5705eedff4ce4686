//! `radstudy extract`: PyRadiomics-style extraction from the command line, one case
//! (`--image I --mask M`) or a batch CSV with `Image,Mask[,Label]` columns as PyRadiomics'
//! own command line takes (paths relative to the CSV's folder). Output: a CSV with the input
//! columns, optionally the `diagnostics_*` columns, then the features in PyRadiomics order;
//! batch rows in input order (cases run in parallel). Must not know about studies.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::pyrad::prepare::{label_of, padded_box};
use super::pyrad::{extract_case_owned, parse_params_yaml, CaseOutput, PyradParams};
use crate::image::io::{read_image, StoredVolume, StreamedVolume};
use crate::image::GeometryTolerance;

/// An image and its label map (same grid).
pub type ImagePair = (crate::image::Volume<f32>, crate::image::Volume<f32>);

/// One case to extract: image, label map and optional label override.
#[derive(Debug, Clone)]
pub struct CaseInput {
    pub image: PathBuf,
    pub mask: PathBuf,
    pub label: Option<u32>,
}

/// PyRadiomics parameters from a YAML file, or PyRadiomics' defaults (Original image, every
/// feature class) when none is given.
pub fn load_params(path: Option<&Path>) -> Result<PyradParams, String> {
    let text = match path {
        Some(p) => {
            std::fs::read_to_string(p).map_err(|e| format!("cannot read parameter file {}: {e}", p.display()))?
        }
        None => String::new(),
    };
    parse_params_yaml(&text).map_err(|e| match path {
        Some(p) => format!("{}: {e}", p.display()),
        None => e.to_string(),
    })
}

/// Extract one case.
pub fn extract_one(case: &CaseInput, params: &PyradParams) -> Result<CaseOutput, String> {
    let mut p = params.clone();
    if let Some(l) = case.label {
        p.settings.label = l;
    }
    let (img, lab) = match read_box(case, &p)? {
        Some(pair) => pair,
        None => (
            read_image(&case.image).map_err(|e| format!("image {}: {e}", case.image.display()))?,
            read_image(&case.mask).map_err(|e| format!("mask {}: {e}", case.mask.display()))?,
        ),
    };
    extract_case_owned(img, lab, &p)
        .map_err(|e| format!("case {} / {}: {e}", case.image.display(), case.mask.display()))
}

/// Image and label map already cut to the ROI's box (`box_padding`), when that gives exactly the
/// features of the whole images: preCrop (or the Original image type alone, which sees only
/// the box), no normalisation, no resampling, no diagnostics (they describe the whole
/// images), matching geometry, finite values and a present label. `None`: read everything
/// (that path also reports every error).
pub fn read_box(case: &CaseInput, p: &PyradParams) -> Result<Option<ImagePair>, String> {
    let s = &p.settings;
    let only_original = p.image_types.iter().all(|(n, _)| n == "Original");
    let resampling = !matches!(s.interpolator_kind(), Ok(None)) && s.resampledPixelSpacing.is_some();
    if s.additionalInfo
        || s.normalize
        || resampling
        || !(s.preCrop || only_original)
        || s.padDistance < 0
        || s.label_channel.is_some()
    {
        return Ok(None);
    }
    if let Some(done) = read_box_streamed(case, p) {
        return Ok(done);
    }
    let (Ok(mask), Ok(image)) = (StoredVolume::open(&case.mask), StoredVolume::open(&case.image)) else {
        return Ok(None);
    };
    let (mg, ig) = (mask.geometry(), image.geometry());
    if ig.geometry_mismatch(&mg, tolerance(p, &ig)).is_some()
        || mask.count_nonfinite() > 0
        || image.count_nonfinite() > 0
    {
        return Ok(None);
    }
    let label = s.label;
    let Some((bb, _)) = mask.select_box(|v| label_of(v) == label) else {
        return Ok(None);
    };
    let (lo, hi) = padded_box(ig.shape(), bb, box_padding(p));
    Ok(Some((image.crop_f32(lo, hi), mask.crop_f32(lo, hi))))
}

/// The padding of the box `read_box` reads around the ROI: the Original image type alone (no
/// re-segmentation) sees only the ROI's bounding box, so none; filters see the preCrop box,
/// padded by padDistance as PyRadiomics crops it.
fn box_padding(p: &PyradParams) -> i64 {
    let only_original = p.image_types.iter().all(|(n, _)| n == "Original");
    if only_original && p.settings.resegmentRange.is_none() {
        0
    } else {
        p.settings.padDistance
    }
}

fn tolerance(p: &PyradParams, image: &crate::image::Volume<()>) -> GeometryTolerance {
    let tol = p.settings.geometryTolerance.unwrap_or(1e-6);
    GeometryTolerance { spacing_rel: tol, origin_mm: tol * image.spacing[0], direction: tol }
}

/// `read_box` for two gzip NRRD files, streamed: each is inflated once through a small buffer,
/// to the end of its stream (the gzip checksum and size are checked); the label map keeps its
/// non-zero rows, the image only the box's rows. `None`:
/// the files cannot be streamed (use `StoredVolume`); `Some(None)`: read the whole images
/// (a condition failed or a read error, which the whole-image read then reports).
fn read_box_streamed(case: &CaseInput, p: &PyradParams) -> Option<Option<ImagePair>> {
    let (Ok(Some(mask)), Ok(Some(image))) = (StreamedVolume::open(&case.mask), StreamedVolume::open(&case.image))
    else {
        return None;
    };
    let (mg, ig) = (mask.geometry(), image.geometry());
    if ig.geometry_mismatch(&mg, tolerance(p, &ig)).is_some() {
        return Some(None);
    }
    let label = p.settings.label;
    let labels = match mask.scan_labels(|v| label_of(v) == label) {
        Ok(Some(l)) if l.nonfinite == 0 => l,
        _ => return Some(None),
    };
    let Some((bb, _)) = labels.selection else {
        return Some(None);
    };
    let (lo, hi) = padded_box(ig.shape(), bb, box_padding(p));
    match image.crop_f32(lo, hi) {
        Ok(Some(img)) => Some(Some((img, labels.crop_f32(lo, hi)))),
        _ => Some(None),
    }
}

/// Read a batch CSV (`Image`, `Mask`, optional `Label` columns; other columns are ignored).
pub fn read_batch(path: &Path) -> Result<Vec<CaseInput>, String> {
    let shown = path.display();
    let mut rdr = csv::Reader::from_path(path).map_err(|e| format!("cannot read batch file {shown}: {e}"))?;
    let headers: Vec<String> = rdr.headers().map_err(|e| format!("{shown}: {e}"))?.iter().map(str::to_string).collect();
    let col = |n: &str| headers.iter().position(|h| h == n);
    let (Some(ic), Some(mc)) = (col("Image"), col("Mask")) else {
        return Err(format!("{shown}: needs `Image` and `Mask` columns (found: {})", headers.join(", ")));
    };
    let lc = col("Label");
    let base = path.parent().unwrap_or(Path::new("."));
    let mut out = Vec::new();
    for (r, rec) in rdr.records().enumerate() {
        let line = r + 2;
        let rec = rec.map_err(|e| format!("{shown}: line {line}: {e}"))?;
        let field = |c: usize| rec.get(c).unwrap_or("").trim().to_string();
        let (img, mask) = (field(ic), field(mc));
        if img.is_empty() || mask.is_empty() {
            return Err(format!("{shown}: line {line}: empty `Image` or `Mask`"));
        }
        let label = match lc.map(field).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => {
                Some(s.parse::<u32>().map_err(|_| format!("{shown}: line {line}: `Label` {s:?} is not a label"))?)
            }
        };
        out.push(CaseInput { image: base.join(img), mask: base.join(mask), label });
    }
    if out.is_empty() {
        return Err(format!("{shown}: no cases"));
    }
    Ok(out)
}

/// Extract every case (in parallel) and render the CSV, rows in input order.
pub fn extract_csv(cases: &[CaseInput], params: &PyradParams, diagnostics: bool) -> Result<String, String> {
    extract_csv_timed(cases, params, diagnostics).map(|(csv, _)| csv)
}

/// `extract_csv`, also giving each case's wall seconds (reading its files and its features),
/// in the cases' order.
pub fn extract_csv_timed(
    cases: &[CaseInput],
    params: &PyradParams,
    diagnostics: bool,
) -> Result<(String, Vec<f64>), String> {
    // Without diagnostics columns, do not compute them (PyRadiomics' `additionalInfo: false`).
    let mut quiet = params.clone();
    quiet.settings.additionalInfo &= diagnostics;
    let params = &quiet;
    let timed = |c: &CaseInput| {
        let start = std::time::Instant::now();
        extract_one(c, params).map(|o| (o, start.elapsed().as_secs_f64()))
    };
    let results: Vec<Result<(CaseOutput, f64), String>> = cases.par_iter().map(timed).collect();
    let (outputs, seconds): (Vec<CaseOutput>, Vec<f64>) =
        results.into_iter().collect::<Result<Vec<_>, _>>()?.into_iter().unzip();
    let with_label = cases.iter().any(|c| c.label.is_some());
    let mut header = vec!["Image".to_string(), "Mask".to_string()];
    if with_label {
        header.push("Label".into());
    }
    if diagnostics {
        header.extend(outputs[0].diagnostics.iter().map(|(k, _)| k.clone()));
    }
    let names: Vec<&String> = outputs[0].features.iter().map(|(k, _)| k).collect();
    header.extend(names.iter().map(|s| s.to_string()));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).map_err(|e| e.to_string())?;
    for (c, o) in cases.iter().zip(&outputs) {
        let got: Vec<&String> = o.features.iter().map(|(k, _)| k).collect();
        if got != names {
            return Err(format!(
                "case {}: its feature columns differ from the first case's (an image type was skipped for this image size?)",
                c.image.display()
            ));
        }
        let mut row = vec![c.image.display().to_string(), c.mask.display().to_string()];
        if with_label {
            row.push(c.label.map(|l| l.to_string()).unwrap_or_else(|| params.settings.label.to_string()));
        }
        if diagnostics {
            row.extend(o.diagnostics.iter().map(|(_, v)| v.clone()));
        }
        row.extend(o.features.iter().map(|(_, v)| format_value(*v)));
        w.write_record(&row).map_err(|e| e.to_string())?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    Ok((String::from_utf8(bytes).map_err(|e| e.to_string())?, seconds))
}

/// Shortest round-trip decimal, `nan` as PyRadiomics (numpy) prints it.
fn format_value(v: f64) -> String {
    if v.is_nan() {
        "nan".into()
    } else {
        format!("{v}")
    }
}
