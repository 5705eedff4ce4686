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
/// The neighbour test has no data-dependent branch: every neighbour is written to the stack
/// top, the top advances (and the neighbour is cleared) only when it joins the zone.
fn zones(d: &super::binning::Discretised, offsets: &[[i64; 3]], pos: &[usize]) -> Vec<(usize, usize)> {
    let mut pd = Padded::new(d, 1);
    let disp: Vec<isize> = offsets.iter().map(|o| pd.displacement(o)).collect();
    let [nz, ny, nx] = pd.size;
    let mut lv = std::mem::take(&mut pd.levels);
    let mut out = Vec::new();
    // Each voxel is pushed at most once, plus one slot for the last unused write.
    let mut stack = vec![0usize; lv.len() + 1];
    for z in 0..nz {
        for y in 0..ny {
            let row = pd.index(z, y, 0);
            for i in row..row + nx {
                let gl = lv[i];
                if gl == 0 {
                    continue;
                }
                lv[i] = 0;
                stack[0] = i;
                let (mut top, mut n) = (1usize, 0usize);
                while top > 0 {
                    top -= 1;
                    let c = stack[top];
                    n += 1;
                    for &dd in &disp {
                        let q = c.wrapping_add_signed(dd);
                        let h = lv[q];
                        let join = h == gl;
                        stack[top] = q;
                        top += usize::from(join);
                        lv[q] = h & (i32::from(join) - 1);
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
    let mut zs = zones(&d, &offsets, &pos);
    let ns = zs.iter().map(|z| z.1).max().unwrap_or(1);
    // The size-zone matrix (ngp × ns, mostly zero) as its non-zero cells in row-major order:
    // (level position, size) sorted, equal pairs counted.
    zs.sort_unstable();
    let mut cells: Vec<(usize, usize, f64)> = Vec::new();
    for &(g, n) in &zs {
        match cells.last_mut() {
            Some(c) if c.0 == g && c.1 == n - 1 => c.2 += 1.0,
            _ => cells.push((g, n - 1, 1.0)),
        }
    }
    let iv: Vec<f64> = d.gray_levels.iter().map(|&g| g as f64).collect();
    // Row and column sums of integer counts: exact in any order.
    let (mut pg, mut ps) = (vec![0.0; ngp], vec![0.0; ns]);
    for &(g, j, v) in &cells {
        pg[g] += v;
        ps[j] += v;
    }
    let jv = |j: usize| (j + 1) as f64;
    let mut nz = zs.len() as f64;
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
    // Zero cells add +0.0 and are skipped, as before.
    for &(g, j, v) in &cells {
        let i2 = iv[g] * iv[g];
        let j2 = jv(j) * jv(j);
        let pn = v / nz;
        ze -= pn * (pn + f64::EPSILON).log2();
        salg += v / (i2 * j2);
        sahg += v * i2 / j2;
        lalg += v * j2 / i2;
        lahg += v * i2 * j2;
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
