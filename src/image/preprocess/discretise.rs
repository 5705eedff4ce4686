//! Intensity discretisation (IBSI 1 manual, 4R0B): fixed bin number (K15C), fixed bin size
//! (Q3RU) anchored at a given minimum (the re-segmentation lower bound, else the ROI
//! minimum), or none (intensities already positive integers); plus the separate IVH
//! discretisation (P88C) that returns intensities on the IVH grid.
//! Grey level 0 means "outside the intensity mask". This module computes no features.

use ndarray::Array3;
use serde::{Deserialize, Serialize};

/// Discretisation for texture and intensity-histogram features.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Discretisation {
    /// Intensities are used as grey levels as they are (must be integers ≥ 1).
    None,
    /// Fixed bin number N_g.
    Fbn(u32),
    /// Fixed bin size w_b (intensity units).
    Fbs(f64),
}

/// IVH discretisation (IBSI "Intensity-volume histogram features").
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IvhDiscretisation {
    /// Discrete calibrated intensities: no discretisation, w_d = 1.
    None,
    /// Continuous calibrated intensities: FBS bin width, bins replaced by their centres.
    Fbs(f64),
    /// Arbitrary units: FBN with N bins, grey levels used as intensities.
    Fbn(u32),
}

/// Discretised ROI: grey level per voxel (0 outside the intensity mask) and N_g.
#[derive(Debug, Clone, PartialEq)]
pub struct Discretised {
    pub levels: Array3<u32>,
    /// Largest grey level that may occur: N for FBN, ⌊(b − a)/w⌋ + 1 for FBS with an upper
    /// bound b (at least the largest observed level), else the largest observed level.
    pub n_levels: u32,
}

fn roi_min_max(image: &Array3<f32>, mask: &Array3<bool>) -> Option<(f64, f64)> {
    let mut it = image.iter().zip(mask).filter(|(_, &m)| m).map(|(&v, _)| v as f64);
    let first = it.next()?;
    Some(it.fold((first, first), |(lo, hi), v| (lo.min(v), hi.max(v))))
}

/// FBN grey level: ⌊N (x − min)/(max − min)⌋ + 1, and N at x = max (1 when max = min).
pub fn fbn_level(x: f64, min: f64, max: f64, n: u32) -> u32 {
    if max <= min {
        return 1;
    }
    if x >= max {
        return n;
    }
    ((n as f64 * (x - min) / (max - min)).floor() as i64 + 1).clamp(1, n as i64) as u32
}

/// FBS grey level: ⌊(x − min)/w⌋ + 1 (values below `min` go to level 1).
pub fn fbs_level(x: f64, min: f64, w: f64) -> u32 {
    (((x - min) / w).floor() as i64 + 1).max(1) as u32
}

/// Discretise the intensities inside `mask`. `fbs_min` is the FBS anchor (re-segmentation
/// lower bound); when `None` the ROI minimum is used. `fbs_max` (re-segmentation upper
/// bound) only sets N_g. Errors for an empty ROI, non-positive parameters, or (method
/// `None`) intensities that are not integers ≥ 1.
pub fn discretise(
    image: &Array3<f32>,
    mask: &Array3<bool>,
    method: Discretisation,
    fbs_min: Option<f64>,
    fbs_max: Option<f64>,
) -> Result<Discretised, String> {
    let (lo, hi) = roi_min_max(image, mask).ok_or("empty intensity mask")?;
    let level = |x: f64| -> Result<u32, String> {
        match method {
            Discretisation::None => {
                if x >= 1.0 && x.fract() == 0.0 && x <= u32::MAX as f64 {
                    Ok(x as u32)
                } else {
                    Err(format!("discretisation 'none' needs integer intensities >= 1, found {x}"))
                }
            }
            Discretisation::Fbn(n) => Ok(fbn_level(x, lo, hi, n)),
            Discretisation::Fbs(w) => Ok(fbs_level(x, fbs_min.unwrap_or(lo), w)),
        }
    };
    match method {
        Discretisation::Fbn(0) => return Err("FBN needs at least one bin".into()),
        Discretisation::Fbs(w) if !(w > 0.0 && w.is_finite()) => {
            return Err(format!("FBS bin width must be > 0, got {w}"))
        }
        _ => {}
    }
    let mut levels = Array3::<u32>::zeros(image.raw_dim());
    let mut max_level = 0;
    for ((l, &v), &m) in levels.iter_mut().zip(image).zip(mask) {
        if m {
            *l = level(v as f64)?;
            max_level = max_level.max(*l);
        }
    }
    let n_levels = match method {
        Discretisation::Fbn(n) => n,
        Discretisation::Fbs(w) => match fbs_max {
            Some(b) => max_level.max(fbs_level(b, fbs_min.unwrap_or(lo), w)),
            None => max_level,
        },
        Discretisation::None => max_level,
    };
    Ok(Discretised { levels, n_levels })
}

/// IVH intensity grid: the discretised intensities i = start + k·step, k = 0..n.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IvhGrid {
    pub start: f64,
    pub step: f64,
    pub n: usize,
}

impl IvhGrid {
    /// The k-th grid intensity.
    pub fn at(&self, k: usize) -> f64 {
        self.start + self.step * k as f64
    }
}

/// IVH input: discretised intensities X_d,gl of the ROI voxels and the total range grid G.
/// None: X_d,gl = X_gl, G = [a or min, b or max], w_d = 1. FBS: bin centres
/// X_min + (X_d − 0.5) w, G = [X_min + w/2, X_max − w/2]. FBN: X_d, G = [1, N].
pub fn ivh_discretise(
    values: &[f64],
    method: IvhDiscretisation,
    range_min: Option<f64>,
    range_max: Option<f64>,
) -> Result<(Vec<f64>, IvhGrid), String> {
    if values.is_empty() {
        return Err("empty intensity mask".into());
    }
    let lo = values.iter().cloned().fold(f64::INFINITY, f64::min);
    let hi = values.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    match method {
        IvhDiscretisation::None => {
            let (a, b) = (range_min.unwrap_or(lo), range_max.unwrap_or(hi));
            let n = ((b - a).floor().max(0.0)) as usize + 1;
            Ok((values.to_vec(), IvhGrid { start: a, step: 1.0, n }))
        }
        IvhDiscretisation::Fbs(w) => {
            if !(w > 0.0 && w.is_finite()) {
                return Err(format!("IVH bin width must be > 0, got {w}"));
            }
            let (a, b) = (range_min.unwrap_or(lo), range_max.unwrap_or(hi));
            let centre = |level: u32| a + (level as f64 - 0.5) * w;
            let d: Vec<f64> = values.iter().map(|&x| centre(fbs_level(x, a, w))).collect();
            let n = (((b - a) / w).round().max(1.0)) as usize;
            Ok((d, IvhGrid { start: centre(1), step: w, n }))
        }
        IvhDiscretisation::Fbn(n) => {
            if n == 0 {
                return Err("IVH FBN needs at least one bin".into());
            }
            let d = values.iter().map(|&x| fbn_level(x, lo, hi, n) as f64).collect();
            Ok((d, IvhGrid { start: 1.0, step: 1.0, n: n as usize }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fbn_and_fbs_follow_ibsi_formulas() {
        assert_eq!(fbn_level(0.0, 0.0, 10.0, 4), 1);
        assert_eq!(fbn_level(2.5, 0.0, 10.0, 4), 2);
        assert_eq!(fbn_level(9.99, 0.0, 10.0, 4), 4);
        assert_eq!(fbn_level(10.0, 0.0, 10.0, 4), 4);
        assert_eq!(fbs_level(-500.0, -500.0, 25.0), 1);
        assert_eq!(fbs_level(-475.0, -500.0, 25.0), 2);
        assert_eq!(fbs_level(400.0, -500.0, 25.0), 37);
    }

    #[test]
    fn discretise_marks_outside_zero_and_sets_n_levels() {
        let img = Array3::from_shape_vec((4, 1, 1), vec![-500.0f32, -470.0, 0.0, 7.0]).unwrap();
        let mut mask = Array3::from_elem((4, 1, 1), true);
        mask[[3, 0, 0]] = false;
        let d = discretise(&img, &mask, Discretisation::Fbs(25.0), Some(-500.0), Some(400.0)).unwrap();
        assert_eq!(d.levels.iter().cloned().collect::<Vec<_>>(), vec![1, 2, 21, 0]);
        assert_eq!(d.n_levels, 37);
        let d = discretise(&img, &mask, Discretisation::Fbn(8), None, None).unwrap();
        assert_eq!(d.levels.iter().cloned().collect::<Vec<_>>(), vec![1, 1, 8, 0]);
        assert!(discretise(&img, &mask, Discretisation::None, None, None).is_err());
        assert!(discretise(&img, &Array3::from_elem((4, 1, 1), false), Discretisation::Fbn(8), None, None).is_err());
    }

    #[test]
    fn ivh_fbs_uses_bin_centres() {
        let (d, g) =
            ivh_discretise(&[-1000.0, 88.0, 400.0], IvhDiscretisation::Fbs(2.5), Some(-1000.0), Some(400.0)).unwrap();
        assert_eq!(d, vec![-998.75, 88.75, 401.25]);
        assert_eq!((g.start, g.step, g.n), (-998.75, 2.5, 560));
        assert_eq!(g.at(559), 398.75);
    }
}
