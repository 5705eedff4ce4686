//! Small dense linear algebra for Newton steps (Cholesky factorisation, solve, inverse of
//! symmetric positive-definite matrices). Must not be used for anything ill-posed: it reports
//! a non-positive pivot as `ModelError::Singular` instead of regularising silently.
use super::ModelError;
use ndarray::{Array1, Array2};

/// Lower Cholesky factor L of a symmetric positive-definite A (A = L Lᵀ).
pub fn cholesky(a: &Array2<f64>) -> Result<Array2<f64>, ModelError> {
    let n = a.nrows();
    if a.ncols() != n {
        return Err(ModelError::DimensionMismatch("cholesky needs a square matrix".into()));
    }
    let mut l = Array2::<f64>::zeros((n, n));
    for j in 0..n {
        let mut d = a[[j, j]];
        for k in 0..j {
            d -= l[[j, k]] * l[[j, k]];
        }
        let scale = a[[j, j]].abs().max(1e-300);
        if d.is_nan() || d <= 1e-13 * scale || !d.is_finite() {
            return Err(ModelError::Singular(format!("pivot {j} is {d:e}")));
        }
        let ljj = d.sqrt();
        l[[j, j]] = ljj;
        for i in (j + 1)..n {
            let mut s = a[[i, j]];
            for k in 0..j {
                s -= l[[i, k]] * l[[j, k]];
            }
            l[[i, j]] = s / ljj;
        }
    }
    Ok(l)
}

/// Solve A x = b given the Cholesky factor L of A (forward then back substitution).
pub fn cholesky_solve(l: &Array2<f64>, b: &Array1<f64>) -> Array1<f64> {
    let n = l.nrows();
    let mut y = b.clone();
    for i in 0..n {
        let mut s = y[i];
        for k in 0..i {
            s -= l[[i, k]] * y[k];
        }
        y[i] = s / l[[i, i]];
    }
    for i in (0..n).rev() {
        let mut s = y[i];
        for k in (i + 1)..n {
            s -= l[[k, i]] * y[k];
        }
        y[i] = s / l[[i, i]];
    }
    y
}

/// Inverse of a symmetric positive-definite matrix via its Cholesky factor.
pub fn spd_inverse(a: &Array2<f64>) -> Result<Array2<f64>, ModelError> {
    let l = cholesky(a)?;
    let n = a.nrows();
    let mut inv = Array2::<f64>::zeros((n, n));
    for j in 0..n {
        let mut e = Array1::<f64>::zeros(n);
        e[j] = 1.0;
        inv.column_mut(j).assign(&cholesky_solve(&l, &e));
    }
    Ok(inv)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn solves_known_system() {
        // A = [[4,2],[2,3]], b = [2,1] -> x = [0.5, 0] (by hand: 4*0.5+2*0 = 2, 2*0.5+0 = 1).
        let a = array![[4.0, 2.0], [2.0, 3.0]];
        let l = cholesky(&a).unwrap();
        let x = cholesky_solve(&l, &array![2.0, 1.0]);
        assert!((x[0] - 0.5).abs() < 1e-15 && x[1].abs() < 1e-15);
        let inv = spd_inverse(&a).unwrap();
        // inverse = 1/8 [[3,-2],[-2,4]]
        assert!((inv[[0, 0]] - 0.375).abs() < 1e-15 && (inv[[0, 1]] + 0.25).abs() < 1e-15);
        assert!(cholesky(&array![[1.0, 1.0], [1.0, 1.0]]).is_err());
    }
}
