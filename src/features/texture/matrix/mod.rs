//! Texture matrix builders (GLCM, GLRLM, GLSZM, GLDZM, NGTDM, NGLDM) and the count-matrix
//! type they share. Builders only count; they compute no feature and do no aggregation
//! beyond the element-wise merge (sum) that IBSI defines.

pub mod glcm;
pub mod gldzm;
pub mod glrlm;
pub mod glszm;
pub mod ngldm;
pub mod ngtdm;

/// A grey level × (co-level | run length | zone size | distance | dependence) count matrix.
/// Row r is grey level r + 1, column c is value c + 1 (for the GLCM: grey level c + 1).
#[derive(Debug, Clone, PartialEq)]
pub struct CountMatrix {
    pub n_rows: usize,
    pub n_cols: usize,
    /// Row-major counts, `counts[r * n_cols + c]`.
    pub counts: Vec<f64>,
    /// Number of ROI voxels the matrix was built from (summed when matrices are merged, as
    /// IBSI requires for run/zone percentage).
    pub n_voxels: f64,
}

impl CountMatrix {
    /// All-zero matrix.
    pub fn zeros(n_rows: usize, n_cols: usize, n_voxels: f64) -> CountMatrix {
        CountMatrix { n_rows, n_cols, counts: vec![0.0; n_rows * n_cols], n_voxels }
    }

    /// Count at grey level `i` (1-based) and column value `j` (1-based); 0 outside the matrix.
    pub fn get(&self, i: usize, j: usize) -> f64 {
        if i == 0 || j == 0 || i > self.n_rows || j > self.n_cols {
            return 0.0;
        }
        self.counts[(i - 1) * self.n_cols + (j - 1)]
    }

    /// Sum of all counts.
    pub fn total(&self) -> f64 {
        self.counts.iter().sum()
    }

    /// Build from (grey level, column value) pairs, both 1-based; columns = largest value.
    pub fn from_pairs(n_rows: usize, pairs: &[(u32, u32)], n_voxels: f64) -> CountMatrix {
        let n_cols = pairs.iter().map(|p| p.1 as usize).max().unwrap_or(0);
        let mut m = CountMatrix::zeros(n_rows, n_cols, n_voxels);
        for &(l, v) in pairs {
            m.counts[(l as usize - 1) * n_cols + (v as usize - 1)] += 1.0;
        }
        m
    }

    /// Element-wise sum of matrices (columns padded to the widest); `n_voxels` is summed.
    /// Returns an empty matrix with `n_rows` rows when `mats` is empty.
    pub fn merge<'a>(n_rows: usize, mats: impl IntoIterator<Item = &'a CountMatrix>) -> CountMatrix {
        let mats: Vec<&CountMatrix> = mats.into_iter().collect();
        let n_cols = mats.iter().map(|m| m.n_cols).max().unwrap_or(0);
        let mut out = CountMatrix::zeros(n_rows, n_cols, 0.0);
        for m in mats {
            out.n_voxels += m.n_voxels;
            for r in 0..m.n_rows.min(n_rows) {
                for c in 0..m.n_cols {
                    out.counts[r * n_cols + c] += m.counts[r * m.n_cols + c];
                }
            }
        }
        out
    }
}
