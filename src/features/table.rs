//! The feature table: patients × feature columns, with a deterministic Parquet/CSV writer.
//! Column names are `SEQ.ROI.family.feature` (e.g. `PVP.peri5.glcm.joint_entropy`).
//! Must not compute features or decide which columns are kept.

use ndarray::Array2;
use polars::prelude::*;
use std::path::Path;

/// Patients (rows) × features (columns).
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureTable {
    pub patients: Vec<String>,
    pub columns: Vec<String>,
    pub values: Array2<f64>,
}

impl FeatureTable {
    /// Index of a column by name.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// Keep only the named columns, in the given order.
    pub fn select_columns(&self, keep: &[usize]) -> FeatureTable {
        let values = self.values.select(ndarray::Axis(1), keep);
        FeatureTable {
            patients: self.patients.clone(),
            columns: keep.iter().map(|&j| self.columns[j].clone()).collect(),
            values,
        }
    }

    /// As a polars DataFrame with a leading `patient` column.
    pub fn to_dataframe(&self) -> PolarsResult<DataFrame> {
        let mut cols: Vec<Column> = Vec::with_capacity(self.columns.len() + 1);
        cols.push(Column::new("patient".into(), &self.patients));
        for (j, name) in self.columns.iter().enumerate() {
            let v: Vec<f64> = self.values.column(j).to_vec();
            cols.push(Column::new(name.as_str().into(), v));
        }
        DataFrame::new(self.patients.len(), cols)
    }

    /// Write Parquet atomically (temp file + rename). Bytes are identical for identical tables.
    pub fn write_parquet(&self, path: &Path) -> anyhow::Result<()> {
        let mut df = self.to_dataframe()?;
        let mut buf: Vec<u8> = Vec::new();
        ParquetWriter::new(&mut buf).with_compression(ParquetCompression::Uncompressed).finish(&mut df)?;
        crate::io_util::write_atomic(path, &buf)?;
        Ok(())
    }

    /// Read a table written by `write_parquet` (or any Parquet with a `patient` column and
    /// numeric feature columns).
    pub fn read_parquet(path: &Path) -> anyhow::Result<FeatureTable> {
        let f = std::fs::File::open(path)?;
        let df = ParquetReader::new(f).finish()?;
        Self::from_dataframe(&df).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
    }

    /// Build from a DataFrame with a `patient` column and numeric columns.
    pub fn from_dataframe(df: &DataFrame) -> anyhow::Result<FeatureTable> {
        let pcol = df.column("patient").map_err(|_| anyhow::anyhow!("no `patient` column"))?;
        let pcol = pcol.cast(&DataType::String)?;
        let patients: Vec<String> = pcol.str()?.iter().map(|v| v.unwrap_or_default().to_string()).collect();
        let mut columns = Vec::new();
        let mut data: Vec<Vec<f64>> = Vec::new();
        for c in df.columns() {
            if c.name().as_str() == "patient" {
                continue;
            }
            let f = c.cast(&DataType::Float64).map_err(|e| anyhow::anyhow!("column `{}`: {e}", c.name()))?;
            data.push(f.f64()?.iter().map(|v| v.unwrap_or(f64::NAN)).collect());
            columns.push(c.name().to_string());
        }
        let n = patients.len();
        let values = Array2::from_shape_fn((n, columns.len()), |(i, j)| data[j][i]);
        Ok(FeatureTable { patients, columns, values })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parquet_round_trip_is_exact() {
        let t = FeatureTable {
            patients: vec!["p1".into(), "p2".into()],
            columns: vec!["AP.tumour.stats.mean".into(), "AP.tumour.glcm.joint_entropy".into()],
            values: ndarray::array![[1.5, f64::NAN], [-2.25e-7, 3.0]],
        };
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.parquet");
        t.write_parquet(&p).unwrap();
        let back = FeatureTable::read_parquet(&p).unwrap();
        assert_eq!(back.patients, t.patients);
        assert_eq!(back.columns, t.columns);
        assert_eq!(back.values[[0, 0]], 1.5);
        assert!(back.values[[0, 1]].is_nan());
        assert_eq!(back.values[[1, 0]], -2.25e-7);
        let b1 = std::fs::read(&p).unwrap();
        t.write_parquet(&p).unwrap();
        assert_eq!(b1, std::fs::read(&p).unwrap());
    }
}
