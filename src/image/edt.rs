//! Exact Euclidean distance transform in physical millimetres on an anisotropic grid:
//! separable squared EDT of Felzenszwalb & Huttenlocher ("Distance Transforms of Sampled
//! Functions", Theory of Computing 8, 2012), one lower-envelope pass per axis.
//! Must not threshold or build masks; `roi.rs` does that.

use ndarray::{Array3, ArrayView1, ArrayView3, Axis};

use super::volume::Volume;

/// Distance (mm) from each voxel centre to the nearest ROI voxel centre (mask > 0); 0 inside
/// the ROI, +inf everywhere when the mask is empty. Exact: d² = min over ROI voxels of
/// Σ_a (spacing_a · Δindex_a)².
pub fn distance_mm(mask: &Volume<u8>) -> Array3<f64> {
    distance_to(&mask.data.mapv(|v| v > 0), mask.spacing)
}

/// Distance (mm) from each voxel centre to the nearest voxel where `seed` is true (+inf if none).
pub fn distance_to(seed: &Array3<bool>, spacing: [f64; 3]) -> Array3<f64> {
    let mut d = squared_distance_to(seed, spacing);
    d.mapv_inplace(f64::sqrt);
    d
}

/// Squared distance (mm²) from each voxel centre to the nearest `seed` voxel (+inf if none).
pub fn squared_distance_to(seed: &Array3<bool>, spacing: [f64; 3]) -> Array3<f64> {
    squared_distance_in(seed.view(), spacing, [0, 0, 0])
}

/// `distance_mm` of the box `lo..hi` of the mask's grid only, as a box-shaped array: the box
/// must hold every ROI voxel. Bit-identical to the box of the whole-grid result: each line's
/// lower envelope is built in whole-grid index coordinates, and the lines outside the box
/// hold no seed, so they change no value inside it.
pub fn distance_mm_in_box(mask: &Volume<u8>, lo: [usize; 3], hi: [usize; 3]) -> Array3<f64> {
    let seed = mask.data.slice(ndarray::s![lo[0]..hi[0], lo[1]..hi[1], lo[2]..hi[2]]).mapv(|v| v > 0);
    let mut d = squared_distance_in(seed.view(), mask.spacing, lo);
    d.mapv_inplace(f64::sqrt);
    d
}

/// `squared_distance_to` of a box whose first voxel has grid index `origin`.
fn squared_distance_in(seed: ArrayView3<bool>, spacing: [f64; 3], origin: [usize; 3]) -> Array3<f64> {
    let mut d = seed.mapv(|s| if s { 0.0 } else { f64::INFINITY });
    let (mut line, mut out, mut v, mut z) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (axis, s) in spacing.iter().enumerate() {
        let s2 = s * s;
        for mut lane in d.lanes_mut(Axis(axis)) {
            line.clear();
            line.extend(lane.iter().copied());
            out.resize(line.len(), 0.0);
            squared_edt_1d(&line, s2, origin[axis], &mut out, &mut v, &mut z);
            lane.assign(&ArrayView1::from(&out[..]));
        }
    }
    d
}

/// out[p] = min_q ( s2·(p − q)² + f[q] ) over the finite f[q] (+inf when none is finite);
/// positions enter the arithmetic as `base + index` (whole-grid coordinates).
/// `v`, `z` are scratch buffers (parabola vertices and the boundaries between them).
fn squared_edt_1d(f: &[f64], s2: f64, base: usize, out: &mut [f64], v: &mut Vec<usize>, z: &mut Vec<f64>) {
    v.clear();
    z.clear();
    for (q, &fq) in f.iter().enumerate() {
        if !fq.is_finite() {
            continue;
        }
        let qf = (base + q) as f64;
        loop {
            match v.last() {
                None => {
                    v.push(q);
                    z.push(f64::NEG_INFINITY);
                    break;
                }
                Some(&p) => {
                    let pf = (base + p) as f64;
                    let s = ((fq + s2 * qf * qf) - (f[p] + s2 * pf * pf)) / (2.0 * s2 * (qf - pf));
                    if s <= *z.last().expect("z has one entry per vertex") {
                        v.pop();
                        z.pop();
                    } else {
                        v.push(q);
                        z.push(s);
                        break;
                    }
                }
            }
        }
    }
    if v.is_empty() {
        out.fill(f64::INFINITY);
        return;
    }
    let mut k = 0;
    for (p, o) in out.iter_mut().enumerate() {
        let pf = (base + p) as f64;
        while k + 1 < v.len() && z[k + 1] < pf {
            k += 1;
        }
        let d = pf - (base + v[k]) as f64;
        *o = s2 * d * d + f[v[k]];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_dimensional_line() {
        let f = [f64::INFINITY, 0.0, f64::INFINITY, f64::INFINITY, 0.0, f64::INFINITY];
        let mut out = vec![0.0; 6];
        squared_edt_1d(&f, 4.0, 0, &mut out, &mut Vec::new(), &mut Vec::new());
        assert_eq!(out, vec![4.0, 0.0, 4.0, 4.0, 0.0, 4.0]);
    }

    #[test]
    fn box_distances_are_those_of_the_whole_grid() {
        let mut mask = Array3::<u8>::zeros((23, 19, 17));
        for (i, j, k) in [(9, 7, 8), (10, 8, 8), (12, 9, 11), (11, 11, 6)] {
            mask[[i, j, k]] = 1;
        }
        let vol = Volume::new(mask, [0.7, 1.3, 2.9]);
        let whole = distance_mm(&vol);
        let (lo, hi) = ([3, 2, 4], [20, 15, 14]);
        let part = distance_mm_in_box(&vol, lo, hi);
        let expected = whole.slice(ndarray::s![lo[0]..hi[0], lo[1]..hi[1], lo[2]..hi[2]]);
        assert!(part.iter().zip(expected.iter()).all(|(a, b)| a.to_bits() == b.to_bits()));
    }

    #[test]
    fn empty_seed_gives_infinity() {
        let d = distance_to(&Array3::from_elem((2, 3, 4), false), [1.0, 2.0, 3.0]);
        assert!(d.iter().all(|v| v.is_infinite()));
    }
}
