//! PyRadiomics GLSZM (`glszm.py` + `cmatrices.c`): zones of equal discretised grey level,
//! connected through the distance-1 offsets valid for the ROI box (26-connectivity in 3D,
//! 8 in-plane with force2D). This module must not average over directions (there are none).

use super::angles::angles;
use super::binning::{discretise, Padded};
use super::roi::RoiArrays;
use super::settings::PyradSettings;
use super::PyradError;

/// Zones as (grey level position, size): flood fill on the flat levels padded by one voxel of
/// level 0 (outside the ROI), so neighbours need no bounds checks; a visited voxel is set to 0.
fn zones(d: &super::binning::Discretised, offsets: &[[i64; 3]], pos: &[usize]) -> Vec<(usize, usize)> {
    let pd = Padded::new(d, 1);
    let disp: Vec<isize> = offsets.iter().map(|o| pd.displacement(o)).collect();
    let [nz, ny, nx] = pd.size;
    let mut lv = pd.levels.clone();
    let mut out = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    for z in 0..nz {
        for y in 0..ny {
            for x in 0..nx {
                let i = pd.index(z, y, x);
                let gl = lv[i];
                if gl == 0 {
                    continue;
                }
                lv[i] = 0;
                stack.push(i);
                let mut n = 0usize;
                while let Some(c) = stack.pop() {
                    n += 1;
                    for &dd in &disp {
                        let q = c.wrapping_add_signed(dd);
                        if lv[q] == gl {
                            lv[q] = 0;
                            stack.push(q);
                        }
                    }
                }
                out.push((pos[gl as usize], n));
            }
        }
    }
    out
}

/// All GLSZM features (PyRadiomics names) of the ROI.
pub fn compute(roi: &RoiArrays, settings: &PyradSettings) -> Result<Vec<(&'static str, f64)>, PyradError> {
    let d = discretise(roi, settings)?;
    let sh = d.levels.shape();
    let force = settings.force2D.then_some(settings.force2Ddimension);
    let offsets = angles([sh[0], sh[1], sh[2]], &[1], true, force);
    let mut pos = vec![0usize; d.ng as usize + 1];
    for (k, &g) in d.gray_levels.iter().enumerate() {
        pos[g as usize] = k;
    }
    let ngp = d.gray_levels.len();
    let zs = zones(&d, &offsets, &pos);
    let ns = zs.iter().map(|z| z.1).max().unwrap_or(1);
    let mut p = vec![0.0; ngp * ns];
    for &(g, n) in &zs {
        p[g * ns + n - 1] += 1.0;
    }
    let iv: Vec<f64> = d.gray_levels.iter().map(|&g| g as f64).collect();
    let pg: Vec<f64> = (0..ngp).map(|g| p[g * ns..(g + 1) * ns].iter().sum()).collect();
    let ps: Vec<f64> = (0..ns).map(|j| (0..ngp).map(|g| p[g * ns + j]).sum()).collect();
    let jv = |j: usize| (j + 1) as f64;
    let mut nz: f64 = p.iter().sum();
    if nz == 0.0 {
        nz = 1.0;
    }
    let mut np: f64 = ps.iter().enumerate().map(|(j, v)| v * jv(j)).sum();
    if np == 0.0 {
        np = 1.0;
    }
    let ui: f64 = (0..ngp).map(|g| pg[g] / nz * iv[g]).sum();
    let uj: f64 = (0..ns).map(|j| ps[j] / nz * jv(j)).sum();
    let (mut ze, mut salg, mut sahg, mut lalg, mut lahg) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for g in 0..ngp {
        let i2 = iv[g] * iv[g];
        for j in 0..ns {
            let v = p[g * ns + j];
            if v == 0.0 {
                continue;
            }
            let j2 = jv(j) * jv(j);
            let pn = v / nz;
            ze -= pn * (pn + f64::EPSILON).log2();
            salg += v / (i2 * j2);
            sahg += v * i2 / j2;
            lalg += v * j2 / i2;
            lahg += v * i2 * j2;
        }
    }
    let gln = pg.iter().map(|v| v * v).sum::<f64>();
    let szn = ps.iter().map(|v| v * v).sum::<f64>();
    Ok(vec![
        ("GrayLevelNonUniformity", gln / nz),
        ("GrayLevelNonUniformityNormalized", gln / (nz * nz)),
        ("GrayLevelVariance", (0..ngp).map(|g| pg[g] / nz * (iv[g] - ui).powi(2)).sum()),
        ("HighGrayLevelZoneEmphasis", (0..ngp).map(|g| pg[g] * iv[g] * iv[g]).sum::<f64>() / nz),
        ("LargeAreaEmphasis", (0..ns).map(|j| ps[j] * jv(j) * jv(j)).sum::<f64>() / nz),
        ("LargeAreaHighGrayLevelEmphasis", lahg / nz),
        ("LargeAreaLowGrayLevelEmphasis", lalg / nz),
        ("LowGrayLevelZoneEmphasis", (0..ngp).map(|g| pg[g] / (iv[g] * iv[g])).sum::<f64>() / nz),
        ("SizeZoneNonUniformity", szn / nz),
        ("SizeZoneNonUniformityNormalized", szn / (nz * nz)),
        ("SmallAreaEmphasis", (0..ns).map(|j| ps[j] / (jv(j) * jv(j))).sum::<f64>() / nz),
        ("SmallAreaHighGrayLevelEmphasis", sahg / nz),
        ("SmallAreaLowGrayLevelEmphasis", salg / nz),
        ("ZoneEntropy", ze),
        ("ZonePercentage", nz / np),
        ("ZoneVariance", (0..ns).map(|j| ps[j] / nz * (jv(j) - uj).powi(2)).sum()),
    ])
}
