//! NIfTI affine <-> ITK (LPS) geometry: quaternion maths of nifti1_io and the qform/sform
//! choice of ITK's `NiftiImageIO::SetImageIOOrientationFromNIfTI`.
//! Must not read or write bytes; it only converts numbers.

/// A 3×4 affine (rows x, y, z of RAS mm; columns i, j, k, translation).
pub(crate) type Affine = [[f64; 4]; 3];

/// The geometry part of a NIfTI header, already with nifti1_io's fix-ups applied.
#[derive(Debug, Clone)]
pub(crate) struct NiftiXforms {
    pub qform_code: i32,
    pub sform_code: i32,
    /// quatern_b, c, d, qoffset_x, y, z.
    pub quatern: [f64; 6],
    /// pixdim[1..=3] (zero/non-finite already replaced by 1).
    pub pixdim: [f64; 3],
    /// sign of pixdim[0]: -1 for a left-handed qform.
    pub qfac: f64,
    pub srow: Affine,
}

/// Origin (LPS mm) and direction cosines (LPS, column = index axis), or why none can be had.
pub(crate) type LpsGeometry = ([f64; 3], [[f64; 3]; 3]);

/// `nifti_quatern_to_mat44`: the qform affine from quaternion, offsets, pixdims and qfac.
pub(crate) fn quatern_to_affine(q: [f64; 6], pixdim: [f64; 3], qfac: f64) -> Affine {
    let (mut b, mut c, mut d) = (q[0], q[1], q[2]);
    let mut a = 1.0 - (b * b + c * c + d * d);
    if a < 1e-7 {
        let n = 1.0 / (b * b + c * c + d * d).sqrt();
        b *= n;
        c *= n;
        d *= n;
        a = 0.0;
    } else {
        a = a.sqrt();
    }
    let xd = if pixdim[0] > 0.0 { pixdim[0] } else { 1.0 };
    let yd = if pixdim[1] > 0.0 { pixdim[1] } else { 1.0 };
    let mut zd = if pixdim[2] > 0.0 { pixdim[2] } else { 1.0 };
    if qfac < 0.0 {
        zd = -zd;
    }
    [
        [(a * a + b * b - c * c - d * d) * xd, 2.0 * (b * c - a * d) * yd, 2.0 * (b * d + a * c) * zd, q[3]],
        [2.0 * (b * c + a * d) * xd, (a * a + c * c - b * b - d * d) * yd, 2.0 * (c * d - a * b) * zd, q[4]],
        [2.0 * (b * d - a * c) * xd, 2.0 * (c * d + a * b) * yd, (a * a + d * d - c * c - b * b) * zd, q[5]],
    ]
}

/// `nifti_mat44_to_quatern` for an orthonormal rotation `r` (RAS, column = index axis):
/// returns (b, c, d, qfac). A left-handed `r` gets qfac = -1 and its third column negated.
pub(crate) fn rotation_to_quatern(r: [[f64; 3]; 3]) -> (f64, f64, f64, f64) {
    let mut r = r;
    let det = det3(&r);
    let qfac = if det < 0.0 { -1.0 } else { 1.0 };
    if det < 0.0 {
        for row in r.iter_mut() {
            row[2] = -row[2];
        }
    }
    let (r11, r12, r13) = (r[0][0], r[0][1], r[0][2]);
    let (r21, r22, r23) = (r[1][0], r[1][1], r[1][2]);
    let (r31, r32, r33) = (r[2][0], r[2][1], r[2][2]);
    let mut a = r11 + r22 + r33 + 1.0;
    let (b, c, d);
    if a > 0.5 {
        a = 0.5 * a.sqrt();
        b = 0.25 * (r32 - r23) / a;
        c = 0.25 * (r13 - r31) / a;
        d = 0.25 * (r21 - r12) / a;
    } else {
        let xd = 1.0 + r11 - (r22 + r33);
        let yd = 1.0 + r22 - (r11 + r33);
        let zd = 1.0 + r33 - (r11 + r22);
        let (bb, cc, dd);
        if xd > 1.0 {
            bb = 0.5 * xd.sqrt();
            cc = 0.25 * (r12 + r21) / bb;
            dd = 0.25 * (r13 + r31) / bb;
            a = 0.25 * (r32 - r23) / bb;
        } else if yd > 1.0 {
            cc = 0.5 * yd.sqrt();
            bb = 0.25 * (r12 + r21) / cc;
            dd = 0.25 * (r23 + r32) / cc;
            a = 0.25 * (r13 - r31) / cc;
        } else {
            dd = 0.5 * zd.sqrt();
            bb = 0.25 * (r13 + r31) / dd;
            cc = 0.25 * (r23 + r32) / dd;
            a = 0.25 * (r21 - r12) / dd;
        }
        if a < 0.0 {
            b = -bb;
            c = -cc;
            d = -dd;
        } else {
            b = bb;
            c = cc;
            d = dd;
        }
    }
    (b, c, d, qfac)
}

fn det3(r: &[[f64; 3]; 3]) -> f64 {
    r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0])
        + r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0])
}

fn column(m: &Affine, c: usize) -> [f64; 3] {
    [m[0][c], m[1][c], m[2][c]]
}

fn norm(v: [f64; 3]) -> f64 {
    (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt()
}

/// 3×3 part with unit columns (a zero column stays zero).
fn normalized_rotation(m: &Affine) -> [[f64; 3]; 3] {
    let norms: [f64; 3] = std::array::from_fn(|c| norm(column(m, c)));
    std::array::from_fn(|row| std::array::from_fn(|c| if norms[c] > 0.0 { m[row][c] / norms[c] } else { 0.0 }))
}

fn is_orthonormal(r: &[[f64; 3]; 3], tol: f64) -> bool {
    (0..3).all(|i| {
        (0..3).all(|j| {
            let dot: f64 = (0..3).map(|k| r[i][k] * r[j][k]).sum();
            (dot - if i == j { 1.0 } else { 0.0 }).abs() <= tol
        })
    })
}

/// ITK's "sform decomposable without skew": invertible, and orthonormal after column scaling.
fn sform_is_rigid(s: &Affine) -> bool {
    let m3 = [[s[0][0], s[0][1], s[0][2]], [s[1][0], s[1][1], s[1][2]], [s[2][0], s[2][1], s[2][2]]];
    det3(&m3).abs() > 1e-12 && is_orthonormal(&normalized_rotation(s), 1e-4)
}

fn close(a: &Affine, b: &Affine, rot_tol: f64, trans_tol: f64) -> bool {
    let rot = (0..3).all(|r| (0..3).all(|c| (a[r][c] - b[r][c]).abs() <= rot_tol));
    let trans: f64 = (0..3).map(|r| (a[r][3] - b[r][3]).abs()).sum();
    rot && trans <= trans_tol
}

/// ITK's SVD-based "sform and qform are very similar", written for rigid matrices: equal
/// column lengths, equal unit columns and equal offsets, each within 1e-4.
fn very_similar(s: &Affine, q: &Affine) -> bool {
    let (rs, rq) = (normalized_rotation(s), normalized_rotation(q));
    (0..3).all(|c| (norm(column(s, c)) - norm(column(q, c))).abs() <= 1e-4)
        && (0..3).all(|r| (0..3).all(|c| (rs[r][c] - rq[r][c]).abs() <= 1e-4))
        && (0..3).all(|r| (s[r][3] - q[r][3]).abs() <= 1e-4)
}

/// The affine ITK uses: sform when ITK prefers it (identical to the qform, or rigid and
/// [qform unknown, or sform_code SCANNER_ANAT (1), or very similar to the qform]), else the
/// qform when its code is known. `Ok(None)` when both codes are unknown (origin 0, identity).
pub(crate) fn choose_affine(x: &NiftiXforms) -> Result<Option<Affine>, String> {
    if x.qform_code <= 0 && x.sform_code <= 0 {
        return Ok(None);
    }
    let q = if x.qform_code > 0 {
        quatern_to_affine(x.quatern, x.pixdim, x.qfac)
    } else {
        let [dx, dy, dz] = x.pixdim;
        [[dx, 0.0, 0.0, 0.0], [0.0, dy, 0.0, 0.0], [0.0, 0.0, dz, 0.0]]
    };
    let s_known = x.sform_code > 0;
    // nifti1_io leaves sto_xyz all zero (bottom row included) when sform_code <= 0.
    let mut prefer_sform = s_known && close(&x.srow, &q, 1e-5, 1e-7);
    if s_known && sform_is_rigid(&x.srow) {
        if x.qform_code <= 0 || x.sform_code == 1 {
            prefer_sform = true;
        } else {
            prefer_sform = very_similar(&x.srow, &q);
        }
    }
    if prefer_sform {
        Ok(Some(x.srow))
    } else if x.qform_code > 0 {
        Ok(Some(q))
    } else {
        Err("the sform is not orthonormal (skewed) and there is no qform; ITK refuses such files".into())
    }
}

/// RAS affine -> ITK LPS origin and unit direction columns (rows x and y negated).
pub(crate) fn affine_to_lps(m: &Affine) -> Result<LpsGeometry, String> {
    let origin = [-m[0][3], -m[1][3], m[2][3]];
    let mut dir = [[0.0; 3]; 3];
    for c in 0..3 {
        let col = [-m[0][c], -m[1][c], m[2][c]];
        let n = norm(col);
        if n <= 0.0 || !n.is_finite() {
            return Err(format!("orientation column {c} of the affine is zero or not finite"));
        }
        for r in 0..3 {
            dir[r][c] = col[r] / n;
        }
    }
    if origin.iter().any(|v| !v.is_finite()) {
        return Err("the affine's offset is not finite".into());
    }
    Ok((origin, dir))
}

/// LPS geometry -> RAS affine with columns scaled by spacing (what the writer stores as sform).
pub(crate) fn lps_to_affine(spacing: [f64; 3], origin: [f64; 3], dir: [[f64; 3]; 3]) -> Affine {
    let sign = [-1.0, -1.0, 1.0];
    let mut m = [[0.0; 4]; 3];
    for r in 0..3 {
        for c in 0..3 {
            m[r][c] = sign[r] * dir[r][c] * spacing[c];
        }
        m[r][3] = sign[r] * origin[r];
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quaternion_round_trip_for_proper_and_improper_rotations() {
        let (s, c) = (0.3f64.sin(), 0.3f64.cos());
        let rots = [
            [[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]],
            [[-1.0, 0.0, 0.0], [0.0, -1.0, 0.0], [0.0, 0.0, 1.0]],
            [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]],
            [[1.0, 0.0, 0.0], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0]],
        ];
        for r in rots {
            let (b, cq, d, qfac) = rotation_to_quatern(r);
            let m = quatern_to_affine([b, cq, d, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0], qfac);
            for i in 0..3 {
                for j in 0..3 {
                    assert!((m[i][j] - r[i][j]).abs() < 1e-12, "{r:?} -> {m:?}");
                }
            }
        }
    }
}
