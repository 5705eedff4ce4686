//! Streaming reads of gzip-compressed voxel data (NRRD `encoding: gzip`): the data is inflated
//! (`inflate.rs`) row by row through one small reusable buffer instead of being materialised
//! whole. Gives a
//! label map's bounding box (keeping only its non-zero rows) and one box of an image. Every
//! stream is inflated to its end so that the gzip checksum and size are verified (a corrupt or
//! truncated file is an error, as with the whole-image read), but only the box is kept. Values are
//! exactly those `RawVolume::crop_f32` gives. Must not parse headers (nrrd.rs) or decide when a
//! box read gives the same features as a whole-image read (the caller does).

use std::path::PathBuf;

use ndarray::Array3;

use super::error::ImageError;
use super::file_bytes::FileBytes;
use super::inflate::gunzip;
use super::raw::{for_each_sample, DType, RowBox, Selection};
use super::volume::Volume;

/// How to interpret the stored samples, and the volume's geometry.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub dtype: DType,
    pub big_endian: bool,
    /// (nx, ny, nz).
    pub shape: [usize; 3],
    /// Stored value v means `v * slope + inter`.
    pub slope: f64,
    pub inter: f64,
    pub spacing: [f64; 3],
    pub origin: [f64; 3],
    pub direction: [[f64; 3]; 3],
}

impl Layout {
    fn row_bytes(&self) -> usize {
        self.shape[0] * self.dtype.size()
    }

    fn rows(&self) -> usize {
        self.shape[1] * self.shape[2]
    }

    /// Scaled f32 value of stored sample `v` (as `RawVolume::into_f32`).
    fn scaled(&self, v: f64) -> f32 {
        (v * self.slope + self.inter) as f32
    }

    /// Whether every sample of the type maps to a finite f32 (no scan needed).
    fn always_finite(&self) -> bool {
        let range = match self.dtype {
            DType::U8 => (0.0, u8::MAX as f64),
            DType::I8 => (i8::MIN as f64, i8::MAX as f64),
            DType::U16 => (0.0, u16::MAX as f64),
            DType::I16 => (i16::MIN as f64, i16::MAX as f64),
            DType::U32 => (0.0, u32::MAX as f64),
            DType::I32 => (i32::MIN as f64, i32::MAX as f64),
            _ => return false,
        };
        self.scaled(range.0).is_finite() && self.scaled(range.1).is_finite()
    }

    /// The geometry with zero-sized voxels.
    pub fn geometry(&self) -> Volume<()> {
        Volume {
            data: Array3::from_elem(self.shape, ()),
            spacing: self.spacing,
            origin: self.origin,
            direction: self.direction,
        }
    }

    /// Convert the samples `lo[0]..hi[0]` of stored row `row` (at y `j`, z `k`) into `out`, the
    /// box `lo..hi` in standard layout (k fastest).
    fn put_row(&self, row: &[u8], (j, k): (usize, usize), lo: [usize; 3], hi: [usize; 3], out: &mut [f32]) {
        let size = self.dtype.size();
        let (d1, d2) = (hi[1] - lo[1], hi[2] - lo[2]);
        let base = (j - lo[1]) * d2 + (k - lo[2]);
        let stride = d1 * d2;
        let (slope, inter) = (self.slope, self.inter);
        for_each_sample(self.dtype, self.big_endian, &row[lo[0] * size..hi[0] * size], |i, v| {
            out[base + i * stride] = (v * slope + inter) as f32;
        });
    }

    /// The box's voxels (all `fill`) and its geometry, origin at the box's first voxel.
    fn empty_box(&self, lo: [usize; 3], hi: [usize; 3], fill: f32) -> (Vec<f32>, [usize; 3], [f64; 3]) {
        let dim: [usize; 3] = std::array::from_fn(|a| hi[a] - lo[a]);
        let origin = self.geometry().physical_point(lo.map(|x| x as f64));
        (vec![fill; dim[0] * dim[1] * dim[2]], dim, origin)
    }

    fn volume(&self, data: Vec<f32>, dim: [usize; 3], origin: [f64; 3]) -> Volume<f32> {
        let data = Array3::from_shape_vec((dim[0], dim[1], dim[2]), data)
            .expect("buffer length equals the product of the shape");
        Volume { data, spacing: self.spacing, origin, direction: self.direction }
    }

    /// `lo..hi` clamped to the volume, `lo <= hi`.
    fn clamp(&self, lo: [usize; 3], hi: [usize; 3]) -> ([usize; 3], [usize; 3]) {
        let hi: [usize; 3] = std::array::from_fn(|a| hi[a].min(self.shape[a]));
        (std::array::from_fn(|a| lo[a].min(hi[a])), hi)
    }
}

/// A gzip stream of voxel data in a file, and how to read it.
#[derive(Debug)]
pub(crate) struct GzSource {
    /// The file holding the compressed data (the header, or a detached data file).
    pub path: PathBuf,
    /// That file's bytes.
    pub data: FileBytes,
    /// Offset of the gzip stream in `data`.
    pub data_start: usize,
    /// Decompressed bytes before the voxels.
    pub byte_skip: u64,
    pub layout: Layout,
}

/// The non-zero rows of a label map (all-zero rows hold stored value 0 in every type).
pub(crate) struct LabelRows {
    layout: Layout,
    /// (row index in file order, offset in `bytes`), ascending.
    rows: Vec<(usize, usize)>,
    bytes: Vec<u8>,
}

impl LabelRows {
    /// The half-open box `lo..hi` (clamped) as `RawVolume::crop_f32` gives it.
    pub fn crop_f32(&self, lo: [usize; 3], hi: [usize; 3]) -> Volume<f32> {
        let l = &self.layout;
        let (lo, hi) = l.clamp(lo, hi);
        let (mut out, dim, origin) = l.empty_box(lo, hi, l.scaled(0.0));
        let rb = l.row_bytes();
        for &(r, off) in &self.rows {
            let (j, k) = (r % l.shape[1], r / l.shape[1]);
            if (lo[1]..hi[1]).contains(&j) && (lo[2]..hi[2]).contains(&k) {
                l.put_row(&self.bytes[off..off + rb], (j, k), lo, hi, &mut out);
            }
        }
        l.volume(out, dim, origin)
    }
}

impl GzSource {
    /// Inflate the voxel rows in file order and call `f(row_index, row_bytes)` for each, then
    /// decode to the end of the stream (checksum). A stream that ends early is `Truncated`, a
    /// checksum mismatch an error too.
    fn for_each_row(&self, mut f: impl FnMut(usize, &[u8])) -> Result<(), ImageError> {
        let path = &self.path;
        let compressed = self.data.get(self.data_start..).unwrap_or(&[]);
        let (rb, rows) = (self.layout.row_bytes(), self.layout.rows());
        let mut skip = self.byte_skip;
        let (mut r, mut carry) = (0usize, Vec::with_capacity(rb));
        gunzip(compressed, |mut b| {
            let k = (skip.min(b.len() as u64)) as usize;
            (b, skip) = (&b[k..], skip - k as u64);
            if !carry.is_empty() && r < rows {
                let k = (rb - carry.len()).min(b.len());
                carry.extend_from_slice(&b[..k]);
                b = &b[k..];
                if carry.len() == rb {
                    f(r, &carry);
                    r += 1;
                    carry.clear();
                }
            }
            while r < rows && b.len() >= rb {
                f(r, &b[..rb]);
                r += 1;
                b = &b[rb..];
            }
            if r < rows {
                carry.extend_from_slice(b);
            }
        })
        .map_err(|e| super::raw::gzip_error(path, e))?;
        if r < rows {
            let what = if skip > 0 { "byte skip" } else { "voxel data" };
            return Err(ImageError::Truncated {
                path: path.clone(),
                detail: format!("the gzip data ends inside the {what}"),
            });
        }
        Ok(())
    }

    /// Bounding box and count of the voxels whose scaled f32 value satisfies `select`, the
    /// non-zero rows, and the number of non-finite voxels. `select(value of stored 0)` must
    /// be false (else `None`: all-zero rows would be selected).
    pub fn scan_labels(
        &self,
        select: impl Fn(f32) -> bool,
    ) -> Result<Option<(Option<Selection>, LabelRows, usize)>, ImageError> {
        let l = &self.layout;
        if select(l.scaled(0.0)) {
            return Ok(None);
        }
        let ny = l.shape[1];
        let (mut bbox, mut bad) = (RowBox::new(), 0usize);
        let (mut rows, mut bytes) = (Vec::new(), Vec::new());
        self.for_each_row(|r, row| {
            if row.iter().fold(0u8, |a, &b| a | b) == 0 {
                return;
            }
            rows.push((r, bytes.len()));
            bytes.extend_from_slice(row);
            let (mut first, mut last, mut n) = (usize::MAX, 0usize, 0usize);
            for_each_sample(l.dtype, l.big_endian, row, |i, v| {
                let x = l.scaled(v);
                bad += usize::from(!x.is_finite());
                if select(x) {
                    first = first.min(i);
                    last = i;
                    n += 1;
                }
            });
            bbox.add_row(r, ny, (first, last, n));
        })?;
        let selection = bbox.selection();
        Ok(Some((selection, LabelRows { layout: l.clone(), rows, bytes }, bad)))
    }

    /// The half-open box `lo..hi` (clamped) as `RawVolume::crop_f32` gives it, or `None` when
    /// the volume holds non-finite values (then the whole stream is read to count them).
    pub fn crop_f32(&self, lo: [usize; 3], hi: [usize; 3]) -> Result<Option<Volume<f32>>, ImageError> {
        let l = &self.layout;
        let (lo, hi) = l.clamp(lo, hi);
        let (mut out, dim, origin) = l.empty_box(lo, hi, 0.0);
        let check_all = !l.always_finite();
        let ny = l.shape[1];
        let mut bad = 0usize;
        self.for_each_row(|r, row| {
            let (j, k) = (r % ny, r / ny);
            if (lo[1]..hi[1]).contains(&j) && (lo[2]..hi[2]).contains(&k) {
                l.put_row(row, (j, k), lo, hi, &mut out);
            }
            if check_all {
                for_each_sample(l.dtype, l.big_endian, row, |_, v| bad += usize::from(!l.scaled(v).is_finite()));
            }
        })?;
        Ok((bad == 0).then(|| l.volume(out, dim, origin)))
    }
}
