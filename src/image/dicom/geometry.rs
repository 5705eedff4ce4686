//! Turn the frames of one series into a regular grid as ITK does: check that all frames share
//! size, orientation and pixel spacing, sort them along the slice normal (row × column
//! direction), derive the slice spacing from the positions and refuse uneven gaps.
//! Must not open files or decode pixels.

use super::error::{inconsistent, DicomError};
use super::frames::FrameHeader;

/// Relative tolerance on a slice gap before the series is called unevenly spaced.
pub(crate) const GAP_REL_TOL: f64 = 0.01;
/// Absolute tolerance (mm) added to the gap tolerance (positions are printed with ~6 digits).
pub(crate) const GAP_ABS_TOL: f64 = 1e-3;
/// Tolerance on direction cosines and relative pixel spacing between frames.
const ORIENT_TOL: f64 = 1e-4;

/// The regular grid of a sorted series.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Grid {
    /// (columns, rows, slices) = (ni, nj, nk).
    pub size: [usize; 3],
    pub spacing: [f64; 3],
    pub origin: [f64; 3],
    pub direction: [[f64; 3]; 3],
}

pub(crate) fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}

pub(crate) fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn normalised(a: [f64; 3]) -> Option<[f64; 3]> {
    let n = dot(a, a).sqrt();
    (n > 1e-6).then(|| [a[0] / n, a[1] / n, a[2] / n])
}

fn frame_name(f: &FrameHeader) -> String {
    if f.frame == 0 {
        f.path.display().to_string()
    } else {
        format!("{} frame {}", f.path.display(), f.frame + 1)
    }
}

/// Row direction, column direction and slice normal (unit vectors) of an orientation.
pub(crate) fn axes(f: &FrameHeader) -> Result<[[f64; 3]; 3], DicomError> {
    let o = f.orientation;
    let bad = |what: &str| DicomError::InvalidTag {
        path: f.path.clone(),
        tag: "ImageOrientationPatient (0020,0037)".into(),
        detail: format!("{what}: {o:?}"),
    };
    let r = normalised([o[0], o[1], o[2]]).ok_or_else(|| bad("zero row direction"))?;
    let c = normalised([o[3], o[4], o[5]]).ok_or_else(|| bad("zero column direction"))?;
    if dot(r, c).abs() > 1e-3 {
        return Err(bad("row and column directions are not orthogonal"));
    }
    let n = normalised(cross(r, c)).ok_or_else(|| bad("degenerate orientation"))?;
    Ok([r, c, n])
}

/// Sort `frames` along the slice normal and derive the grid; errors name the frames involved.
pub(crate) fn assemble(frames: &mut [FrameHeader]) -> Result<Grid, DicomError> {
    let Some(first) = frames.first().cloned() else {
        return Err(inconsistent(std::path::Path::new("."), "series has no frames"));
    };
    let [r, c, n] = axes(&first)?;
    for f in frames.iter() {
        if f.rows != first.rows || f.cols != first.cols {
            return Err(inconsistent(
                &f.path,
                format!(
                    "mixed image sizes in one series: Rows×Columns (0028,0010)/(0028,0011) {}×{} here but {}×{} in {}",
                    f.rows,
                    f.cols,
                    first.rows,
                    first.cols,
                    frame_name(&first)
                ),
            ));
        }
        if (0..6).any(|a| (f.orientation[a] - first.orientation[a]).abs() > ORIENT_TOL) {
            return Err(inconsistent(
                &f.path,
                format!(
                    "mixed orientations in one series: ImageOrientationPatient (0020,0037) {:?} here but {:?} in {}; \
                     the series holds several stacks (e.g. a localizer); split it or choose another series",
                    f.orientation,
                    first.orientation,
                    frame_name(&first)
                ),
            ));
        }
        if (0..2)
            .any(|a| (f.pixel_spacing[a] - first.pixel_spacing[a]).abs() > ORIENT_TOL * first.pixel_spacing[a].abs())
        {
            return Err(inconsistent(
                &f.path,
                format!(
                    "mixed PixelSpacing (0028,0030) in one series: {:?} here but {:?} in {}",
                    f.pixel_spacing,
                    first.pixel_spacing,
                    frame_name(&first)
                ),
            ));
        }
    }
    if first.pixel_spacing.iter().any(|s| *s <= 0.0) {
        return Err(DicomError::InvalidTag {
            path: first.path.clone(),
            tag: "PixelSpacing (0028,0030)".into(),
            detail: format!("must be positive, found {:?}", first.pixel_spacing),
        });
    }
    let depth = |f: &FrameHeader| dot(f.position, n);
    frames.sort_by(|a, b| depth(a).total_cmp(&depth(b)).then_with(|| a.path.cmp(&b.path)).then(a.frame.cmp(&b.frame)));
    let d: Vec<f64> = frames.iter().map(depth).collect();
    let nk = frames.len();
    let dz = if nk == 1 {
        first.thickness.unwrap_or(1.0)
    } else {
        let gaps: Vec<f64> = d.windows(2).map(|w| w[1] - w[0]).collect();
        let mut sorted = gaps.clone();
        sorted.sort_by(f64::total_cmp);
        let median = sorted[sorted.len() / 2];
        for (k, g) in gaps.iter().enumerate() {
            if *g < GAP_ABS_TOL {
                return Err(inconsistent(
                    &frames[k + 1].path,
                    format!(
                        "two slices at the same position {:?} mm ({} and {}); the series holds several echoes, \
                         time points or stacks; split it or choose another series",
                        frames[k + 1].position,
                        frame_name(&frames[k]),
                        frame_name(&frames[k + 1])
                    ),
                ));
            }
            if (g - median).abs() > GAP_REL_TOL * median + GAP_ABS_TOL {
                return Err(inconsistent(
                    &frames[k + 1].path,
                    format!(
                        "uneven slice spacing: gap of {g:.4} mm between slice {} ({}) and slice {} ({}) where the \
                         other gaps are {median:.4} mm; a slice is missing or the series mixes acquisitions",
                        k,
                        frame_name(&frames[k]),
                        k + 1,
                        frame_name(&frames[k + 1])
                    ),
                ));
            }
        }
        (d[nk - 1] - d[0]) / (nk - 1) as f64
    };
    let origin = frames[0].position;
    let shear_tol = 0.1 * first.pixel_spacing[0].min(first.pixel_spacing[1]);
    for (f, dk) in frames.iter().zip(&d) {
        let along = dk - d[0];
        let off: Vec<f64> = (0..3).map(|a| f.position[a] - origin[a] - along * n[a]).collect();
        if off.iter().map(|x| x * x).sum::<f64>().sqrt() > shear_tol {
            return Err(inconsistent(
                &f.path,
                format!(
                    "ImagePositionPatient (0020,0032) {:?} is off the slice normal through {:?} by {off:?} mm \
                     (gantry tilt or sheared stack); resample the series first",
                    f.position, origin
                ),
            ));
        }
    }
    Ok(Grid {
        size: [first.cols as usize, first.rows as usize, nk],
        spacing: [first.pixel_spacing[1], first.pixel_spacing[0], dz],
        origin,
        direction: [[r[0], c[0], n[0]], [r[1], c[1], n[1]], [r[2], c[2], n[2]]],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn frame(name: &str, z: f64) -> FrameHeader {
        FrameHeader {
            path: PathBuf::from(name),
            frame: 0,
            // rows run along +x, columns along -z (coronal): normal = x × (-z) = +y
            position: [10.0, z, 5.0],
            orientation: [1.0, 0.0, 0.0, 0.0, 0.0, -1.0],
            pixel_spacing: [0.5, 0.75],
            rows: 4,
            cols: 3,
            slope: 1.0,
            intercept: 0.0,
            thickness: Some(2.0),
        }
    }

    #[test]
    fn sorts_along_normal_and_builds_itk_direction() {
        let mut f = vec![frame("c", 4.0), frame("a", 0.0), frame("b", 2.0)];
        let g = assemble(&mut f).unwrap();
        assert_eq!(f.iter().map(|x| x.path.to_str().unwrap()).collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(g.size, [3, 4, 3]);
        assert_eq!(g.spacing, [0.75, 0.5, 2.0]);
        assert_eq!(g.origin, [10.0, 0.0, 5.0]);
        // columns: row dir (1,0,0), column dir (0,0,-1), normal (0,1,0)
        assert_eq!(g.direction, [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, -1.0, 0.0]]);
    }

    #[test]
    fn gap_is_reported_with_both_slices() {
        let mut f = vec![frame("a", 0.0), frame("b", 2.0), frame("d", 6.0), frame("e", 8.0)];
        let msg = assemble(&mut f).unwrap_err().to_string();
        assert!(msg.contains("gap of 4.0000 mm") && msg.contains("(b)") && msg.contains("(d)"), "{msg}");
    }

    #[test]
    fn duplicate_positions_and_sizes_are_refused() {
        let mut f = vec![frame("a", 0.0), frame("b", 0.0)];
        assert!(assemble(&mut f).unwrap_err().to_string().contains("same position"));
        let mut g = vec![frame("a", 0.0), frame("b", 2.0)];
        g[1].rows = 5;
        assert!(assemble(&mut g).unwrap_err().to_string().contains("mixed image sizes"));
    }

    #[test]
    fn single_slice_uses_thickness() {
        let mut f = vec![frame("a", 0.0)];
        assert_eq!(assemble(&mut f).unwrap().spacing[2], 2.0);
    }
}
