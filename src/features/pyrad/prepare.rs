//! PyRadiomics' preprocessing of one image/mask pair (`featureextractor.loadImage`,
//! `imageoperations.getMask/checkMask/normalizeImage/resampleImage/cropToTumorMask/
//! resegmentMask`), up to the bounding box the feature classes are cropped to.
//! This module must not compute features.

use ndarray::Array3;

use super::resample::{self, PixelKind};
use super::roi::{bounding_box, count_true, BBox};
use super::settings::PyradSettings;
use super::PyradError;
use crate::image::{GeometryTolerance, Volume};

/// A preprocessed case: the image on PyRadiomics' grid (normalised/resampled/pre-cropped),
/// the label mask on that grid, the re-segmented mask for texture/first-order features, the
/// final bounding box and the diagnostics PyRadiomics reports.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub image: Volume<f64>,
    pub mask: Volume<bool>,
    pub texture_mask: Volume<bool>,
    /// Inclusive (x, y, z) bounding box of `texture_mask`.
    pub bbox: BBox,
    /// `diagnostics_*` entries (name, value as PyRadiomics prints it).
    pub diagnostics: Vec<(String, String)>,
    /// `image` is (a box of) the input image itself, widened to f64 (no normalisation,
    /// resampling or cropping): the filters can take the f32 input as it is.
    pub image_is_input: bool,
    /// The ROI box on the grid the filters run on: the input image's when `image_is_input`
    /// (`prepare_with(.., true)` keeps only this box of it in `image`), else `image`'s (= `bbox`).
    pub filter_bbox: BBox,
}

/// Run PyRadiomics' preprocessing. `mask_labels` is the raw label map (voxels equal to
/// `settings.label` form the ROI, values cast to UInt32 as PyRadiomics does).
pub fn prepare(
    image: &Volume<f32>,
    mask_labels: &Volume<f32>,
    settings: &PyradSettings,
) -> Result<Prepared, PyradError> {
    prepare_with(image, mask_labels, settings, false)
}

/// `prepare`, or with `roi_box_only` for callers that need the prepared image only inside the
/// ROI's bounding box (features of the Original image; filters take the input image with
/// `filter_bbox`): when preprocessing leaves the input as it is (no normalisation, resampling,
/// re-segmentation or diagnostics, and no preCrop or one whose padded box is the whole input),
/// `image`, the masks and `bbox` are cut to that box, so only the box is widened to f64. The
/// same features either way: every feature class sees only the box.
pub fn prepare_with(
    image: &Volume<f32>,
    mask_labels: &Volume<f32>,
    settings: &PyradSettings,
    roi_box_only: bool,
) -> Result<Prepared, PyradError> {
    let label = settings.label;
    let mut mask = label_mask(mask_labels, label)?;
    let mut diagnostics = Vec::new();
    // The pixel type matters only when resampling; detect it then (a pass over the image).
    let mut kind = None;
    // Bounding box and size of the current mask, recomputed only when the mask changes.
    let mut stats = MaskStats::of(&mask);
    // Diagnostics only when PyRadiomics would report them (additionalInfo).
    let info = settings.additionalInfo;
    if info {
        diag_image(&mut diagnostics, "original", image);
        diag_mask(&mut diagnostics, "original", &stats);
    }

    // Geometry check (SimpleITK tolerance: coordinates 1e-6·spacing[0], directions 1e-6).
    let tol = settings.geometryTolerance.unwrap_or(1e-6);
    let gt = GeometryTolerance { spacing_rel: tol, origin_mm: tol * image.spacing[0], direction: tol };
    if let Some(why) = image.geometry_mismatch(&mask, gt) {
        if !settings.correctMask {
            return Err(PyradError::Geometry(format!(
                "image/mask geometry mismatch ({why}); enable correctMask or increase geometryTolerance"
            )));
        }
        mask = correct_mask(image, &mask)?;
        stats = MaskStats::of(&mask);
    }

    let interp = settings.interpolator_kind()?;
    let resampling = interp.is_some() && settings.resampledPixelSpacing.is_some();
    // preCrop to a box that is the whole image (a streamed read already gives the padded box)
    // leaves the image as it is.
    let whole = ([0; 3], image.shape());
    let crop_keeps_all = stats.bbox.is_some_and(|bb| padded_box(image.shape(), bb, settings.padDistance) == whole);
    let untouched = (!settings.preCrop || crop_keeps_all)
        && !settings.normalize
        && !resampling
        && settings.resegmentRange.is_none();
    if roi_box_only && untouched && !info {
        let bb = check_stats(&stats, settings)?;
        let end = bb.1.map(|x| x + 1);
        let image = crate::image::roi::crop_map(image, (bb.0, end), |&v| f64::from(v));
        let mask = crate::image::roi::crop(&mask, (bb.0, end));
        let bbox = ([0; 3], mask.shape().map(|n| n - 1));
        return Ok(Prepared {
            image,
            texture_mask: mask.clone(),
            mask,
            bbox,
            diagnostics,
            image_is_input: true,
            filter_bbox: bb,
        });
    }
    // preCrop without normalisation or resampling: crop first and convert only the crop to
    // f64 (the same values as converting everything and cropping).
    let early_crop = settings.preCrop && !settings.normalize && !resampling;
    let mut img = if early_crop {
        let bb = check_stats(&stats, settings)?;
        let b = padded_box(image.shape(), bb, settings.padDistance);
        mask = crate::image::roi::crop(&mask, b);
        stats = MaskStats::of(&mask);
        crate::image::roi::crop_map(image, b, |&v| f64::from(v))
    } else {
        image.with_data(image.data.mapv(f64::from))
    };

    if settings.normalize {
        img = normalize(&img, settings.normalizeScale, settings.removeOutliers);
        kind = Some(PixelKind::Float64);
    }

    if let (Some(interp), Some(spacing)) = (interp, &settings.resampledPixelSpacing) {
        if spacing.len() != 3 {
            return Err(PyradError::Settings(format!("resampledPixelSpacing needs 3 values, got {}", spacing.len())));
        }
        let bb = stats.bbox.ok_or_else(|| PyradError::Mask(format!("label {label} not present")))?;
        let sp = [spacing[0], spacing[1], spacing[2]];
        match resample::pyradiomics_grid(&mask, bb, sp, settings.padDistance, img.spacing) {
            Some(grid) => {
                let kind = kind.unwrap_or_else(|| PixelKind::detect(image));
                img = resample::resample_image(&img, &grid, interp, kind);
                mask = resample::resample_mask(&mask, &grid);
            }
            None => {
                (img, mask) = crop_padded(&img, &mask, bb, settings.padDistance);
            }
        }
        stats = MaskStats::of(&mask);
        if info {
            diag_image(&mut diagnostics, "interpolated", &img);
            diag_mask(&mut diagnostics, "interpolated", &stats);
        }
    } else if settings.preCrop && !early_crop {
        let bb = check_stats(&stats, settings)?;
        (img, mask) = crop_padded(&img, &mask, bb, settings.padDistance);
        stats = MaskStats::of(&mask);
    }

    let mut bbox = check_stats(&stats, settings)?;
    let mut texture_mask = mask.clone();
    if let Some(range) = &settings.resegmentRange {
        texture_mask = resegment(&img, &mask, range, &settings.resegmentMode, label)?;
        bbox = check_mask(&texture_mask, settings)?;
        if info {
            diag_mask(&mut diagnostics, "resegmented", &MaskStats::of(&texture_mask));
        }
    }
    let image_is_input = !settings.preCrop && !settings.normalize && !resampling;
    Ok(Prepared { image: img, mask, texture_mask, bbox, diagnostics, image_is_input, filter_bbox: bbox })
}

/// A label map value as PyRadiomics casts it to UInt32 (NaN and negatives are 0).
pub fn label_of(v: f32) -> u32 {
    if v.is_nan() || v <= 0.0 {
        0u32
    } else if v >= u32::MAX as f32 {
        u32::MAX
    } else {
        v as u32
    }
}

fn label_mask(labels: &Volume<f32>, label: u32) -> Result<Volume<bool>, PyradError> {
    let as_u32 = label_of;
    let data = labels.data.mapv(|v| as_u32(v) == label);
    if !data.iter().any(|&m| m) {
        let mut present: Vec<u32> = labels.data.iter().map(|&v| as_u32(v)).filter(|&v| v != 0).collect();
        present.sort_unstable();
        present.dedup();
        if present.is_empty() {
            return Err(PyradError::Mask("no labels found in this mask (nothing is segmented)".into()));
        }
        return Err(PyradError::Mask(format!("label {label} not present in mask; choose from {present:?}")));
    }
    Ok(labels.with_data(data))
}

/// Bounding box and voxel count of a mask.
struct MaskStats {
    bbox: Option<BBox>,
    count: usize,
}

impl MaskStats {
    fn of(mask: &Volume<bool>) -> Self {
        MaskStats { bbox: bounding_box(mask), count: count_true(mask) }
    }
}

/// PyRadiomics `checkMask`: bounding box, dimensionality and size checks.
pub fn check_mask(mask: &Volume<bool>, settings: &PyradSettings) -> Result<BBox, PyradError> {
    check_stats(&MaskStats::of(mask), settings)
}

fn check_stats(stats: &MaskStats, settings: &PyradSettings) -> Result<BBox, PyradError> {
    let bb = stats.bbox.ok_or_else(|| PyradError::Mask(format!("label {} not present", settings.label)))?;
    let ndims = (0..3).filter(|&a| bb.1[a] - bb.0[a] + 1 > 1).count() as u32;
    if ndims == 0 {
        return Err(PyradError::Mask("mask only contains 1 segmented voxel".into()));
    }
    if ndims < settings.minimumROIDimensions {
        return Err(PyradError::Mask(format!(
            "mask has too few dimensions (number of dimensions {ndims}, minimum required {})",
            settings.minimumROIDimensions
        )));
    }
    if let Some(min) = settings.minimumROISize {
        let n = stats.count as u64;
        if n <= min {
            return Err(PyradError::Mask(format!("size of the ROI is too small (minimum size: {min}, ROI size: {n})")));
        }
    }
    Ok(bb)
}

/// `cropToTumorMask` with padding, clamped to the image.
fn crop_padded(img: &Volume<f64>, mask: &Volume<bool>, bb: BBox, pad: i64) -> (Volume<f64>, Volume<bool>) {
    let b = padded_box(img.shape(), bb, pad);
    (crate::image::roi::crop(img, b), crate::image::roi::crop(mask, b))
}

/// The box of `bb` padded by `pad` voxels, clamped to `shape` (half-open upper bound).
pub fn padded_box(shape: [usize; 3], bb: BBox, pad: i64) -> ([usize; 3], [usize; 3]) {
    let lo: [usize; 3] = std::array::from_fn(|a| (bb.0[a] as i64 - pad).max(0) as usize);
    let hi: [usize; 3] = std::array::from_fn(|a| ((bb.1[a] as i64 + pad + 1).max(0) as usize).min(shape[a]));
    (lo, hi)
}

/// `_correctMask`: nearest-neighbour resampling of the mask onto the image grid, after
/// checking that the ROI lies inside the image's physical extent (tolerance 1e-3 voxel).
fn correct_mask<T>(img: &Volume<T>, mask: &Volume<bool>) -> Result<Volume<bool>, PyradError> {
    let bb = bounding_box(mask).ok_or_else(|| PyradError::Mask("empty mask".into()))?;
    let grid = resample::Grid { spacing: img.spacing, origin: img.origin, size: img.shape() };
    // ROI corners in image index space.
    let corners = [bb.0.map(|x| x as f64 - 0.5), bb.1.map(|x| x as f64 + 0.5)];
    for c in corners {
        let p = mask.physical_point(c);
        let idx = physical_to_index(img, p);
        for (a, &ia) in idx.iter().enumerate() {
            if ia < -0.5 - 1e-3 || ia > img.shape()[a] as f64 - 0.5 + 1e-3 {
                return Err(PyradError::Geometry("bounding box of ROI is larger than image space".into()));
            }
        }
    }
    let out = resample::resample_mask(mask, &grid);
    Ok(Volume { data: out.data, spacing: img.spacing, origin: img.origin, direction: img.direction })
}

fn physical_to_index<T>(v: &Volume<T>, p: [f64; 3]) -> [f64; 3] {
    // Directions are orthonormal: index = Sᵀ⁻¹ Dᵀ (p − o).
    let d: [f64; 3] = std::array::from_fn(|k| p[k] - v.origin[k]);
    std::array::from_fn(|c| (0..3).map(|r| v.direction[r][c] * d[r]).sum::<f64>() / v.spacing[c])
}

/// `normalizeImage`: SimpleITK `Normalize` over the whole image ((x − mean)·(1/sd), sd with
/// N − 1), outliers clipped to ±`outliers`, then × `scale`.
pub fn normalize(img: &Volume<f64>, scale: f64, outliers: Option<f64>) -> Volume<f64> {
    let n = img.data.len() as f64;
    let (mut sum, mut comp) = (0.0f64, 0.0f64);
    let (mut sq, mut comp2) = (0.0f64, 0.0f64);
    for &v in img.data.iter() {
        kahan_add(&mut sum, &mut comp, v);
        kahan_add(&mut sq, &mut comp2, v * v);
    }
    let mean = sum / n;
    let var = (sq - sum * sum / n) / (n - 1.0);
    let inv_sd = 1.0 / var.sqrt();
    let data: Array3<f64> = img.data.mapv(|v| {
        let mut x = (v - mean) * inv_sd;
        if let Some(o) = outliers {
            x = x.clamp(-o, o);
        }
        x * scale
    });
    img.with_data(data)
}

fn kahan_add(sum: &mut f64, comp: &mut f64, v: f64) {
    let y = v - *comp;
    let t = *sum + y;
    *comp = (t - *sum) - y;
    *sum = t;
}

/// `resegmentMask`: keep ROI voxels inside the threshold(s) (absolute, relative to the ROI
/// maximum, or mean ± k·sd of the ROI with the population sd); error when ≤ 1 voxel is left.
pub fn resegment(
    img: &Volume<f64>,
    mask: &Volume<bool>,
    range: &[f64],
    mode: &str,
    label: u32,
) -> Result<Volume<bool>, PyradError> {
    if range.is_empty() || range.len() > 2 {
        return Err(PyradError::Settings(format!("length {} is not allowed for resegmentRange", range.len())));
    }
    let vals: Vec<f64> = img.data.iter().zip(mask.data.iter()).filter(|(_, &m)| m).map(|(&v, _)| v).collect();
    let mut th: Vec<f64> = range.to_vec();
    th.sort_by(|a, b| a.total_cmp(b));
    let th: Vec<f64> = match mode {
        "absolute" => th,
        "relative" => {
            let max = vals.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            th.iter().map(|t| max * t).collect()
        }
        "sigma" => {
            let n = vals.len() as f64;
            let mean = vals.iter().sum::<f64>() / n;
            let sd = (vals.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
            th.iter().map(|t| mean + sd * t).collect()
        }
        other => return Err(PyradError::Settings(format!("resegment mode {other:?} not recognized"))),
    };
    let data = ndarray::Zip::from(&img.data)
        .and(&mask.data)
        .map_collect(|&v, &m| m && v >= th[0] && (th.len() < 2 || v <= th[1]));
    let n = data.iter().filter(|&&m| m).count();
    if n <= 1 {
        return Err(PyradError::Mask(format!(
            "resegmentation excluded too many voxels with label {label} (retained {n} voxel(s))"
        )));
    }
    Ok(mask.with_data(data))
}

fn diag_image<T: Copy + Into<f64>>(d: &mut Vec<(String, String)>, tag: &str, img: &Volume<T>) {
    let s = img.shape();
    let n = img.data.len() as f64;
    // One pass; the sum runs in the same (logical) order as before.
    let (mut sum, mut min, mut max) = (0.0f64, f64::INFINITY, f64::NEG_INFINITY);
    let mut visit = |v: f64| {
        sum += v;
        min = min.min(v);
        max = max.max(v);
    };
    match img.data.as_slice() {
        Some(sl) => sl.iter().for_each(|&v| visit(v.into())),
        None => img.data.iter().for_each(|&v| visit(v.into())),
    }
    let mean = sum / n;
    d.push((format!("diagnostics_Image-{tag}_Spacing"), format!("{:?}", img.spacing)));
    d.push((format!("diagnostics_Image-{tag}_Size"), format!("({}, {}, {})", s[0], s[1], s[2])));
    d.push((format!("diagnostics_Image-{tag}_Mean"), format!("{mean}")));
    d.push((format!("diagnostics_Image-{tag}_Minimum"), format!("{min}")));
    d.push((format!("diagnostics_Image-{tag}_Maximum"), format!("{max}")));
}

fn diag_mask(d: &mut Vec<(String, String)>, tag: &str, stats: &MaskStats) {
    let n = stats.count;
    if let Some((lo, hi)) = stats.bbox {
        d.push((
            format!("diagnostics_Mask-{tag}_BoundingBox"),
            format!(
                "({}, {}, {}, {}, {}, {})",
                lo[0],
                lo[1],
                lo[2],
                hi[0] - lo[0] + 1,
                hi[1] - lo[1] + 1,
                hi[2] - lo[2] + 1
            ),
        ));
    }
    d.push((format!("diagnostics_Mask-{tag}_VoxelNum"), n.to_string()));
}
