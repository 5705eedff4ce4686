//! Exact Euclidean distance transform in physical millimetres on an anisotropic grid:
//! separable squared EDT of Felzenszwalb & Huttenlocher ("Distance Transforms of Sampled
//! Functions", Theory of Computing 8, 2012), one lower-envelope pass per axis.
//! Must not threshold or build masks; `roi.rs` does that.

use ndarray::{Array3, ArrayView1, Axis};

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
    let mut d = seed.mapv(|s| if s { 0.0 } else { f64::INFINITY });
    let (mut line, mut out, mut v, mut z) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (axis, s) in spacing.iter().enumerate() {
        let s2 = s * s;
        for mut lane in d.lanes_mut(Axis(axis)) {
            line.clear();
            line.extend(lane.iter().copied());
            out.resize(line.len(), 0.0);
            squared_edt_1d(&line, s2, &mut out, &mut v, &mut z);
            lane.assign(&ArrayView1::from(&out[..]));
        }
    }
    d
}

/// out[p] = min_q ( s2·(p − q)² + f[q] ) over the finite f[q] (+inf when none is finite).
/// `v`, `z` are scratch buffers (parabola vertices and the boundaries between them).
fn squared_edt_1d(f: &[f64], s2: f64, out: &mut [f64], v: &mut Vec<usize>, z: &mut Vec<f64>) {
    v.clear();
    z.clear();
    for (q, &fq) in f.iter().enumerate() {
        if !fq.is_finite() {
            continue;
        }
        let qf = q as f64;
        loop {
            match v.last() {
                None => {
                    v.push(q);
                    z.push(f64::NEG_INFINITY);
                    break;
                }
                Some(&p) => {
                    let pf = p as f64;
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
        let pf = p as f64;
        while k + 1 < v.len() && z[k + 1] < pf {
            k += 1;
        }
        let d = pf - v[k] as f64;
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
        squared_edt_1d(&f, 4.0, &mut out, &mut Vec::new(), &mut Vec::new());
        assert_eq!(out, vec![4.0, 0.0, 4.0, 4.0, 0.0, 4.0]);
    }

    #[test]
    fn empty_seed_gives_infinity() {
        let d = distance_to(&Array3::from_elem((2, 3, 4), false), [1.0, 2.0, 3.0]);
        assert!(d.iter().all(|v| v.is_infinite()));
    }
}
