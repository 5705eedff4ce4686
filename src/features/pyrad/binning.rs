//! PyRadiomics grey-level discretisation (`imageoperations.getBinEdges` + `numpy.digitize`):
//! fixed bin width with edges anchored at ⌊min/w⌋·w, or fixed bin count with numpy histogram
//! edges. This module must not use IBSI's discretisation formulas.

use std::borrow::Cow;

use ndarray::Array3;

use super::roi::RoiArrays;
use super::settings::PyradSettings;
use super::PyradError;

/// Bin edges as PyRadiomics computes them for the ROI `values` (non-empty).
/// binWidth w: `numpy.arange(min - min mod w, max + 2w, w)` (one bin [e−½, e+½] if only one
/// edge); binCount n: `numpy.histogram(values, n)` edges with the last edge + 1.
pub fn bin_edges(values: &[f64], settings: &PyradSettings) -> Result<Vec<f64>, PyradError> {
    let min = values.iter().cloned().fold(f64::INFINITY, f64::min);
    let max = values.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    edges_for_range(min, max, settings)
}

/// `bin_edges` of values whose minimum and maximum (NaN ignored) are `min` and `max`.
fn edges_for_range(min: f64, max: f64, settings: &PyradSettings) -> Result<Vec<f64>, PyradError> {
    if !min.is_finite() || !max.is_finite() {
        return Err(PyradError::Feature { class: "binning", msg: "no finite ROI intensities".into() });
    }
    if let Some(n) = settings.binCount {
        if n == 0 {
            return Err(PyradError::Settings("binCount must be > 0".into()));
        }
        let (first, last) = if min == max { (min - 0.5, max + 0.5) } else { (min, max) };
        let mut edges = linspace(first, last, n as usize + 1);
        *edges.last_mut().expect("n + 1 >= 2 edges") += 1.0;
        return Ok(edges);
    }
    let w = settings.binWidth;
    if w.is_nan() || w <= 0.0 {
        return Err(PyradError::Settings(format!("binWidth must be > 0, got {w}")));
    }
    let low = min - python_mod(min, w);
    let high = max + 2.0 * w;
    let mut edges = arange(low, high, w);
    if edges.len() == 1 {
        let e = edges[0];
        edges = vec![e - 0.5, e + 0.5];
    }
    Ok(edges)
}

/// `numpy.digitize(x, edges)` for increasing edges: the number of edges ≤ x.
pub fn digitize(x: f64, edges: &[f64]) -> i32 {
    edges.partition_point(|&e| e <= x) as i32
}

/// `digitize` for many values against the same edges: the search starts at the bin the
/// edges' mean spacing predicts and walks to the exact boundary (the same comparisons decide,
/// so the result equals `digitize` for every x, NaN included).
struct Digitizer<'a> {
    edges: &'a [f64],
    first: f64,
    inv_step: f64,
}

impl<'a> Digitizer<'a> {
    fn new(edges: &'a [f64]) -> Self {
        let n = edges.len();
        let step = if n >= 2 { (edges[n - 1] - edges[0]) / (n - 1) as f64 } else { 1.0 };
        let inv_step = if step.is_finite() && step > 0.0 { 1.0 / step } else { 0.0 };
        Digitizer { edges, first: edges.first().copied().unwrap_or(0.0), inv_step }
    }

    #[inline]
    fn level(&self, x: f64) -> i32 {
        let e = self.edges;
        // Saturating float-to-int cast: NaN gives 0, out-of-range guesses are clamped.
        let mut k = (((x - self.first) * self.inv_step) as usize).saturating_add(1).min(e.len());
        // "edge <= x", false for NaN x: the predicate numpy's digitize (and `digitize`) uses.
        let at_or_below = |edge: f64| edge <= x;
        while k > 0 && !at_or_below(e[k - 1]) {
            k -= 1;
        }
        while k < e.len() && at_or_below(e[k]) {
            k += 1;
        }
        k as i32
    }
}

/// Discretised ROI in (z, y, x) order: bin index (≥ 1) inside the mask, 0 outside, with the
/// grey levels present (sorted) and Ng = the largest of them, as PyRadiomics' `_applyBinning`.
#[derive(Debug, Clone)]
pub struct Discretised {
    pub levels: Array3<i32>,
    pub mask: Array3<bool>,
    pub gray_levels: Vec<i32>,
    pub ng: i32,
    /// The levels padded by one voxel, built on first use (`padded_for`).
    pub(super) padded1: std::cell::OnceCell<Padded>,
}

impl Discretised {
    /// Error unless the ROI box has fewer than 2^32 voxels: the classes count in u32.
    pub fn check_u32_counts(&self, class: &'static str) -> Result<(), PyradError> {
        if u32::try_from(self.levels.len()).is_err() {
            return Err(PyradError::Feature { class, msg: "ROI box of 2^32 voxels or more".into() });
        }
        Ok(())
    }

    /// The levels padded wide enough for `offsets` and each offset's flat displacement; the
    /// one-voxel padding (distance-1 offsets) is built once and shared by the classes.
    pub fn padded_for(&self, offsets: &[[i64; 3]]) -> (Cow<'_, Padded>, Vec<isize>) {
        let pad = reach(offsets);
        let pd = if pad == 1 {
            Cow::Borrowed(self.padded1.get_or_init(|| Padded::new(self, 1)))
        } else {
            Cow::Owned(Padded::new(self, pad))
        };
        let disp = offsets.iter().map(|o| pd.displacement(o)).collect();
        (pd, disp)
    }
}

#[cfg(test)]
impl Discretised {
    /// Levels 0 (outside the ROI) to `ng`, with every level 1..=ng counted as present.
    pub fn from_levels(levels: Array3<i32>, ng: i32) -> Self {
        Discretised {
            mask: levels.mapv(|l| l != 0),
            levels,
            gray_levels: (1..=ng).collect(),
            ng,
            padded1: Default::default(),
        }
    }
}

/// Discretise the ROI with the settings' binWidth / binCount, computed once per ROI and
/// settings: borrowed from the ROI's cache when it holds these settings (the first call fills
/// it), computed afresh when it holds others.
pub fn discretised<'a>(roi: &'a RoiArrays, settings: &PyradSettings) -> Result<Cow<'a, Discretised>, PyradError> {
    let key = (settings.binWidth.to_bits(), settings.binCount);
    if roi.binned.get().is_none() {
        let d = discretise_uncached(roi, settings)?;
        let _ = roi.binned.set((key, d));
    }
    match roi.binned.get() {
        Some((k, d)) if *k == key => Ok(Cow::Borrowed(d)),
        // A cache holding other settings keeps them.
        _ => discretise_uncached(roi, settings).map(Cow::Owned),
    }
}

fn discretise_uncached(roi: &RoiArrays, settings: &PyradSettings) -> Result<Discretised, PyradError> {
    // The edges need only the ROI's range: no copy of its values.
    let (mut min, mut max, mut any) = (f64::INFINITY, f64::NEG_INFINITY, false);
    ndarray::Zip::from(&roi.image).and(&roi.mask).for_each(|&v, &m| {
        if m {
            (min, max, any) = (min.min(v), max.max(v), true);
        }
    });
    if !any {
        return Err(PyradError::Mask("empty ROI".into()));
    }
    let edges = edges_for_range(min, max, settings)?;
    let mut levels = Array3::<i32>::zeros(roi.image.raw_dim());
    // Levels are bin indices 0..=edges.len(): mark the ones present.
    let mut seen = vec![false; edges.len() + 1];
    let bins = Digitizer::new(&edges);
    let mut put = |l: &mut i32, v: f64, m: bool| {
        if m {
            *l = bins.level(v);
            seen[*l as usize] = true;
        }
    };
    match (levels.as_slice_mut(), roi.image.as_slice(), roi.mask.as_slice()) {
        (Some(ls), Some(img), Some(msk)) => {
            for ((l, &v), &m) in ls.iter_mut().zip(img).zip(msk) {
                put(l, v, m);
            }
        }
        _ => {
            for ((l, &v), &m) in levels.iter_mut().zip(roi.image.iter()).zip(roi.mask.iter()) {
                put(l, v, m);
            }
        }
    }
    let present: Vec<i32> = (0..seen.len()).filter(|&k| seen[k]).map(|k| k as i32).collect();
    let ng = *present.last().expect("non-empty ROI");
    Ok(Discretised { levels, mask: roi.mask.clone(), gray_levels: present, ng, padded1: Default::default() })
}

/// The discretised levels in a flat (z, y, x) array padded by `pad` voxels of level 0 (outside
/// the ROI) on every side, so neighbours up to `pad` voxels away need no bounds checks.
#[derive(Debug, Clone)]
pub struct Padded {
    pub levels: Vec<i32>,
    /// Unpadded size (z, y, x).
    pub size: [usize; 3],
    pad: usize,
    strides: [usize; 2],
}

impl Padded {
    pub fn new(d: &Discretised, pad: usize) -> Self {
        let sh = d.levels.shape();
        let size = [sh[0], sh[1], sh[2]];
        let dims = size.map(|n| n + 2 * pad);
        let strides = [dims[1] * dims[2], dims[2]];
        let mut levels = vec![0i32; dims[0] * dims[1] * dims[2]];
        // Copy whole x rows (the levels are built in standard layout).
        for (r, row) in d.levels.rows().into_iter().enumerate() {
            let at = (r / size[1] + pad) * strides[0] + (r % size[1] + pad) * strides[1] + pad;
            let dst = &mut levels[at..at + size[2]];
            match row.as_slice() {
                Some(src) => dst.copy_from_slice(src),
                None => dst.iter_mut().zip(row.iter()).for_each(|(a, &b)| *a = b),
            }
        }
        Padded { levels, size, pad, strides }
    }

    /// Flat index of the unpadded voxel (z, y, x).
    #[inline]
    pub fn index(&self, z: usize, y: usize, x: usize) -> usize {
        (z + self.pad) * self.strides[0] + (y + self.pad) * self.strides[1] + x + self.pad
    }

    /// Each row's part from its first to its last ROI voxel, in raster (z, y) order, as (flat
    /// index, length); rows without ROI voxels are left out.
    pub fn roi_rows(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        let [nz, ny, nx] = self.size;
        (0..nz * ny).filter_map(move |r| {
            let at = self.index(r / ny, r % ny, 0);
            let row = &self.levels[at..at + nx];
            let lo = row.iter().position(|&g| g != 0)?;
            let hi = row.iter().rposition(|&g| g != 0)?;
            Some((at + lo, hi + 1 - lo))
        })
    }

    /// The `n` levels from flat index `at` displaced by `disp` (a neighbour row's slice).
    pub fn shifted(&self, at: usize, disp: isize, n: usize) -> &[i32] {
        let s = at.wrapping_add_signed(disp);
        &self.levels[s..s + n]
    }

    /// Flat displacement of an offset (z, y, x); each |component| must be ≤ the padding.
    pub fn displacement(&self, off: &[i64; 3]) -> isize {
        off[0] as isize * self.strides[0] as isize + off[1] as isize * self.strides[1] as isize + off[2] as isize
    }
}

/// Largest |component| of the offsets (the padding `Padded` needs for them).
pub fn reach(offsets: &[[i64; 3]]) -> usize {
    offsets.iter().flatten().map(|c| c.unsigned_abs() as usize).max().unwrap_or(0)
}

/// Python's float modulo (result has the sign of the divisor), as numpy's `%`.
fn python_mod(a: f64, b: f64) -> f64 {
    let mut r = a % b;
    if r != 0.0 && ((r < 0.0) != (b < 0.0)) {
        r += b;
    }
    r
}

/// `numpy.arange(start, stop, step)` for floats: length ⌈(stop−start)/step⌉, values
/// start + i·((start+step)−start).
fn arange(start: f64, stop: f64, step: f64) -> Vec<f64> {
    let len = ((stop - start) / step).ceil().max(0.0) as usize;
    let delta = (start + step) - start;
    (0..len).map(|i| if i == 0 { start } else { start + i as f64 * delta }).collect()
}

/// `numpy.linspace(start, stop, num)` with endpoint: i·step + start, last = stop.
fn linspace(start: f64, stop: f64, num: usize) -> Vec<f64> {
    let div = (num - 1) as f64;
    let step = (stop - start) / div;
    let mut v: Vec<f64> = (0..num)
        .map(|i| if step == 0.0 { i as f64 / div * (stop - start) + start } else { i as f64 * step + start })
        .collect();
    if num > 1 {
        v[num - 1] = stop;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digitizer_equals_the_binary_search() {
        let uniform = arange(-75.0, 412.5, 12.5);
        let count = {
            let mut e = linspace(-3.2, 7.9, 17);
            *e.last_mut().unwrap() += 1.0;
            e
        };
        let mut xs = vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0, 0.0, 1e300, -1e300];
        for edges in [&uniform, &count] {
            xs.extend(edges.iter().flat_map(|&e| [e, e.next_down(), e.next_up()]));
        }
        xs.extend((0..4000).map(|i| (i as f64 * 0.7913).sin() * 450.0));
        for edges in [&uniform, &count, &vec![5.0], &vec![-1.0, 1.0]] {
            let d = Digitizer::new(edges);
            for &x in &xs {
                assert_eq!(d.level(x), digitize(x, edges), "x = {x}, edges {edges:?}");
            }
        }
    }

    #[test]
    fn pyradiomics_doc_example_edges() {
        // PyRadiomics getBinEdges docstring: ROI 54..166, binWidth 25 -> edges from 50.
        let s = PyradSettings::default();
        let e = bin_edges(&[54.0, 166.0], &s).unwrap();
        assert_eq!(e, vec![50.0, 75.0, 100.0, 125.0, 150.0, 175.0, 200.0]);
        assert_eq!(digitize(54.0, &e), 1);
        assert_eq!(digitize(166.0, &e), 5);
        assert_eq!(digitize(175.0, &e), 6);
    }

    #[test]
    fn negative_minimum_floors() {
        let s = PyradSettings::default();
        let e = bin_edges(&[-1.0, 3.0], &s).unwrap();
        assert_eq!(e[0], -25.0);
    }

    #[test]
    fn bin_count_edges() {
        let s = PyradSettings { binCount: Some(4), ..Default::default() };
        let e = bin_edges(&[0.0, 8.0], &s).unwrap();
        assert_eq!(e, vec![0.0, 2.0, 4.0, 6.0, 9.0]);
        assert_eq!(digitize(8.0, &e), 4);
    }
}
