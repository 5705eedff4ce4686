//! PyRadiomics GLDM (`gldm.py` + `cmatrices.c`): for each ROI voxel, the number of ROI
//! neighbours (bidirectional offsets of every `distances` entry) whose discretised level
//! differs by ≤ `gldm_a`; matrix grey level × (dependence + 1).
//! This module must not add IBSI's NGLDM-only features.

use super::angles::angles;
use super::binning::discretised;
use super::roi::RoiArrays;
use super::settings::PyradSettings;
use super::PyradError;

/// All GLDM features (PyRadiomics names) of the ROI.
pub fn compute(roi: &RoiArrays, settings: &PyradSettings) -> Result<Vec<(&'static str, f64)>, PyradError> {
    let d = discretised(roi, settings)?;
    let sh = d.levels.shape();
    let force = settings.force2D.then_some(settings.force2Ddimension);
    let offsets = angles([sh[0], sh[1], sh[2]], &settings.distances, true, force);
    let mut pos = vec![0usize; d.ng as usize + 1];
    for (k, &g) in d.gray_levels.iter().enumerate() {
        pos[g as usize] = k;
    }
    let ngp = d.gray_levels.len();
    let nd = offsets.len() + 1;
    let mut p = vec![0.0; ngp * nd];
    let (pd, disp) = d.padded_for(&offsets);
    // |g − h| ≤ a with levels in 0..=ng (a negative `a` matches nothing).
    let a = settings.gldm_a.clamp(-1, i64::from(i32::MAX)) as i32;
    let mut dep = vec![0u32; pd.size[2]];
    // Row by row: each offset's neighbours are a contiguous slice, so the dependence counts
    // vectorise; the counts are integers, then added to the matrix in raster order.
    for (at, n) in pd.roi_rows() {
        let row = pd.shifted(at, 0, n);
        let dep = &mut dep[..n];
        dep.fill(0);
        for &o in &disp {
            let nb = pd.shifted(at, o, n);
            if a == 0 {
                // Same level (ROI voxels have non-zero levels).
                for ((c, &g), &h) in dep.iter_mut().zip(row).zip(nb) {
                    *c += u32::from(h == g);
                }
            } else {
                for ((c, &g), &h) in dep.iter_mut().zip(row).zip(nb) {
                    *c += u32::from((h != 0) & ((g - h).abs() <= a));
                }
            }
        }
        for (&g, &c) in row.iter().zip(dep.iter()) {
            if g != 0 {
                p[pos[g as usize] * nd + c as usize] += 1.0;
            }
        }
    }
    let iv: Vec<f64> = d.gray_levels.iter().map(|&g| g as f64).collect();
    let pg: Vec<f64> = (0..ngp).map(|g| p[g * nd..(g + 1) * nd].iter().sum()).collect();
    // Column sums, each still added in level order (rows outer for contiguous reads).
    let mut pd = vec![0.0; nd];
    for row in p.chunks_exact(nd) {
        for (s, &v) in pd.iter_mut().zip(row) {
            *s += v;
        }
    }
    let jv = |j: usize| (j + 1) as f64;
    let mut nz: f64 = pd.iter().sum();
    if nz == 0.0 {
        nz = 1.0;
    }
    let ui: f64 = (0..ngp).map(|g| pg[g] / nz * iv[g]).sum();
    let uj: f64 = (0..nd).map(|j| pd[j] / nz * jv(j)).sum();
    let (mut de, mut sdlg, mut sdhg, mut ldlg, mut ldhg) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for g in 0..ngp {
        let i2 = iv[g] * iv[g];
        for j in 0..nd {
            let v = p[g * nd + j];
            if v == 0.0 {
                continue;
            }
            let j2 = jv(j) * jv(j);
            let pn = v / nz;
            de -= pn * (pn + f64::EPSILON).log2();
            sdlg += v / (i2 * j2);
            sdhg += v * i2 / j2;
            ldlg += v * j2 / i2;
            ldhg += v * i2 * j2;
        }
    }
    let dn = pd.iter().map(|v| v * v).sum::<f64>();
    Ok(vec![
        ("DependenceEntropy", de),
        ("DependenceNonUniformity", dn / nz),
        ("DependenceNonUniformityNormalized", dn / (nz * nz)),
        ("DependenceVariance", (0..nd).map(|j| pd[j] / nz * (jv(j) - uj).powi(2)).sum()),
        ("GrayLevelNonUniformity", pg.iter().map(|v| v * v).sum::<f64>() / nz),
        ("GrayLevelVariance", (0..ngp).map(|g| pg[g] / nz * (iv[g] - ui).powi(2)).sum()),
        ("HighGrayLevelEmphasis", (0..ngp).map(|g| pg[g] * iv[g] * iv[g]).sum::<f64>() / nz),
        ("LargeDependenceEmphasis", (0..nd).map(|j| pd[j] * jv(j) * jv(j)).sum::<f64>() / nz),
        ("LargeDependenceHighGrayLevelEmphasis", ldhg / nz),
        ("LargeDependenceLowGrayLevelEmphasis", ldlg / nz),
        ("LowGrayLevelEmphasis", (0..ngp).map(|g| pg[g] / (iv[g] * iv[g])).sum::<f64>() / nz),
        ("SmallDependenceEmphasis", (0..nd).map(|j| pd[j] / (jv(j) * jv(j))).sum::<f64>() / nz),
        ("SmallDependenceHighGrayLevelEmphasis", sdhg / nz),
        ("SmallDependenceLowGrayLevelEmphasis", sdlg / nz),
    ])
}
