//! Format-independent part of reading: a voxel byte buffer plus its sample type, byte order,
//! linear scaling and geometry, and its conversion to `Volume<f32>` or a 0/1 mask.
//! Must not parse any file header; the NIfTI and NRRD readers fill a `RawVolume`.

use std::collections::BTreeSet;
use std::path::Path;

use ndarray::Array3;

use super::error::ImageError;
use super::volume::Volume;

/// Sample type of the stored voxels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DType {
    U8,
    I8,
    U16,
    I16,
    U32,
    I32,
    U64,
    I64,
    F32,
    F64,
}

impl DType {
    /// Bytes per sample.
    pub fn size(self) -> usize {
        match self {
            DType::U8 | DType::I8 => 1,
            DType::U16 | DType::I16 => 2,
            DType::U32 | DType::I32 | DType::F32 => 4,
            DType::U64 | DType::I64 | DType::F64 => 8,
        }
    }
}

/// Voxel bytes in file order (x fastest) with everything needed to interpret them.
#[derive(Debug)]
pub(crate) struct RawVolume {
    pub dtype: DType,
    pub big_endian: bool,
    /// (nx, ny, nz).
    pub shape: [usize; 3],
    /// Exactly `nx*ny*nz*dtype.size()` bytes.
    pub bytes: Vec<u8>,
    /// Stored value v means `v * slope + inter`.
    pub slope: f64,
    pub inter: f64,
    pub spacing: [f64; 3],
    pub origin: [f64; 3],
    pub direction: [[f64; 3]; 3],
}

/// Inclusive (x, y, z) bounding box and voxel count of a selection (`select_box`).
pub type Selection = (([usize; 3], [usize; 3]), usize);

/// The bounding box and count of selected voxels, grown one stored (y, z) row at a time.
pub(crate) struct RowBox {
    lo: [usize; 3],
    hi: [usize; 3],
    count: usize,
}

impl RowBox {
    pub(crate) fn new() -> Self {
        RowBox { lo: [usize::MAX; 3], hi: [0; 3], count: 0 }
    }

    /// Row `r` (= z·ny + y) held `n` selected voxels, the first at x = `first`, the last at `last`.
    pub(crate) fn add_row(&mut self, r: usize, ny: usize, (first, last, n): (usize, usize, usize)) {
        if n > 0 {
            let (j, k) = (r % ny, r / ny);
            self.lo = [self.lo[0].min(first), self.lo[1].min(j), self.lo[2].min(k)];
            self.hi = [self.hi[0].max(last), self.hi[1].max(j), self.hi[2].max(k)];
            self.count += n;
        }
    }

    pub(crate) fn selection(&self) -> Option<Selection> {
        (self.count > 0).then_some(((self.lo, self.hi), self.count))
    }
}

/// (spacing, origin, direction) as stored in `Volume`.
pub(crate) type Geometry = ([f64; 3], [f64; 3], [[f64; 3]; 3]);

/// Number of bytes of `shape` voxels of `dtype`, or `None` on overflow.
pub(crate) fn byte_count(shape: [usize; 3], dtype: DType) -> Option<usize> {
    shape[0].checked_mul(shape[1])?.checked_mul(shape[2])?.checked_mul(dtype.size())
}

/// Largest ratio of decompressed to compressed size deflate can reach (~1032:1), with slack.
const MAX_DEFLATE_RATIO: u64 = 1100;

/// Fail early when `needed` bytes cannot possibly be in a stream of `available` stored bytes
/// (`compressed`: gzip, bounded by the deflate ratio). Protects against absurd allocations.
pub(crate) fn check_plausible_size(
    path: &Path,
    needed: u64,
    available: u64,
    compressed: bool,
) -> Result<(), ImageError> {
    let limit = if compressed { available.saturating_mul(MAX_DEFLATE_RATIO).saturating_add(4096) } else { available };
    if needed > limit {
        return Err(ImageError::Truncated {
            path: path.to_path_buf(),
            detail: format!("the header needs {needed} bytes of voxel data but the file can hold at most {limit}"),
        });
    }
    Ok(())
}

/// A gzip decoding error of `path` as an image error.
pub(crate) fn gzip_error(path: &Path, e: super::inflate::InflateError) -> ImageError {
    match e {
        super::inflate::InflateError::Truncated => {
            ImageError::Truncated { path: path.to_path_buf(), detail: e.to_string() }
        }
        _ => ImageError::Corrupt { path: path.to_path_buf(), detail: e.to_string() },
    }
}

/// Decode all of the gzip data `compressed` and keep its first `n` bytes (the rest is decoded
/// and checksummed, not kept); fewer than `n` bytes is `Truncated`.
pub(crate) fn gunzip_prefix(path: &Path, compressed: &[u8], n: usize, what: &str) -> Result<Vec<u8>, ImageError> {
    let mut buf = Vec::with_capacity(n.min(1 << 28));
    let total = super::inflate::gunzip(compressed, |b| {
        let k = (n - buf.len()).min(b.len());
        buf.extend_from_slice(&b[..k]);
    })
    .map_err(|e| gzip_error(path, e))?;
    if buf.len() < n {
        return Err(ImageError::Truncated {
            path: path.to_path_buf(),
            detail: format!("{what}: expected {n} bytes, the data ends after {total}"),
        });
    }
    Ok(buf)
}

trait Sample: Copy {
    const SIZE: usize;
    fn value(b: &[u8], big: bool) -> f64;
}

macro_rules! sample {
    ($t:ty) => {
        impl Sample for $t {
            const SIZE: usize = std::mem::size_of::<$t>();
            fn value(b: &[u8], big: bool) -> f64 {
                let mut a = [0u8; std::mem::size_of::<$t>()];
                a.copy_from_slice(b);
                (if big { <$t>::from_be_bytes(a) } else { <$t>::from_le_bytes(a) }) as f64
            }
        }
    };
}
sample!(u8);
sample!(i8);
sample!(u16);
sample!(i16);
sample!(u32);
sample!(i32);
sample!(u64);
sample!(i64);
sample!(f32);
sample!(f64);

/// Call `f(index, stored_value)` for every sample of `bytes` (whole samples of `dtype`).
pub(crate) fn for_each_sample(dtype: DType, big: bool, bytes: &[u8], mut f: impl FnMut(usize, f64)) {
    fn go<S: Sample>(big: bool, bytes: &[u8], f: &mut impl FnMut(usize, f64)) {
        bytes.chunks_exact(S::SIZE).enumerate().for_each(|(i, c)| f(i, S::value(c, big)));
    }
    match dtype {
        DType::U8 => go::<u8>(big, bytes, &mut f),
        DType::I8 => go::<i8>(big, bytes, &mut f),
        DType::U16 => go::<u16>(big, bytes, &mut f),
        DType::I16 => go::<i16>(big, bytes, &mut f),
        DType::U32 => go::<u32>(big, bytes, &mut f),
        DType::I32 => go::<i32>(big, bytes, &mut f),
        DType::U64 => go::<u64>(big, bytes, &mut f),
        DType::I64 => go::<i64>(big, bytes, &mut f),
        DType::F32 => go::<f32>(big, bytes, &mut f),
        DType::F64 => go::<f64>(big, bytes, &mut f),
    }
}

/// Call `f(stored_value)` for every voxel, in file order (x fastest).
fn scan_samples<S: Sample>(raw: &RawVolume, mut f: impl FnMut(f64)) {
    let big = raw.big_endian;
    raw.bytes.chunks_exact(S::SIZE).for_each(|c| f(S::value(c, big)));
}

/// `f(stored_value)` of every voxel, arranged in standard layout for shape (nx, ny, nz)
/// (k fastest). Loop order j, i, k keeps both the strided reads and the writes cache-friendly.
fn collect_samples<S: Sample, T: Copy + Default>(raw: &RawVolume, mut f: impl FnMut(f64) -> T) -> Vec<T> {
    let [nx, ny, nz] = raw.shape;
    let (big, b) = (raw.big_endian, &raw.bytes);
    let mut out = vec![T::default(); nx * ny * nz];
    for j in 0..ny {
        for i in 0..nx {
            let dst = (i * ny + j) * nz;
            for (k, o) in out[dst..dst + nz].iter_mut().enumerate() {
                let off = ((k * ny + j) * nx + i) * S::SIZE;
                *o = f(S::value(&b[off..off + S::SIZE], big));
            }
        }
    }
    out
}

/// `f(stored_value)` of the half-open box `lo..hi` in standard layout (k fastest).
fn crop_samples<S: Sample>(raw: &RawVolume, lo: [usize; 3], hi: [usize; 3], f: impl Fn(f64) -> f32) -> Array3<f32> {
    let [nx, ny, _] = raw.shape;
    let (big, b) = (raw.big_endian, &raw.bytes);
    let dim = [hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]];
    let mut out = vec![0f32; dim[0] * dim[1] * dim[2]];
    for k in lo[2]..hi[2] {
        for j in lo[1]..hi[1] {
            let row = ((k * ny + j) * nx) * S::SIZE;
            for i in lo[0]..hi[0] {
                let off = row + i * S::SIZE;
                out[((i - lo[0]) * dim[1] + (j - lo[1])) * dim[2] + (k - lo[2])] =
                    f(S::value(&b[off..off + S::SIZE], big));
            }
        }
    }
    Array3::from_shape_vec((dim[0], dim[1], dim[2]), out).expect("buffer length equals the product of the shape")
}

/// Key that orders f64 like `f64::total_cmp`.
fn total_key(x: f64) -> i64 {
    let b = x.to_bits() as i64;
    b ^ (((b >> 63) as u64) >> 1) as i64
}

fn from_total_key(k: i64) -> f64 {
    f64::from_bits((k ^ (((k >> 63) as u64) >> 1) as i64) as u64)
}

impl RawVolume {
    /// Call `f(stored * slope + inter)` for every voxel, in file order.
    fn scan(&self, mut f: impl FnMut(f64)) {
        let (slope, inter) = (self.slope, self.inter);
        let g = move |v: f64| f(v * slope + inter);
        match self.dtype {
            DType::U8 => scan_samples::<u8>(self, g),
            DType::I8 => scan_samples::<i8>(self, g),
            DType::U16 => scan_samples::<u16>(self, g),
            DType::I16 => scan_samples::<i16>(self, g),
            DType::U32 => scan_samples::<u32>(self, g),
            DType::I32 => scan_samples::<i32>(self, g),
            DType::U64 => scan_samples::<u64>(self, g),
            DType::I64 => scan_samples::<i64>(self, g),
            DType::F32 => scan_samples::<f32>(self, g),
            DType::F64 => scan_samples::<f64>(self, g),
        }
    }

    /// Array of `f(stored * slope + inter)` with the volume's shape, standard layout.
    fn collect<T: Copy + Default>(&self, mut f: impl FnMut(f64) -> T) -> Array3<T> {
        let (slope, inter) = (self.slope, self.inter);
        let g = move |v: f64| f(v * slope + inter);
        let v = match self.dtype {
            DType::U8 => collect_samples::<u8, T>(self, g),
            DType::I8 => collect_samples::<i8, T>(self, g),
            DType::U16 => collect_samples::<u16, T>(self, g),
            DType::I16 => collect_samples::<i16, T>(self, g),
            DType::U32 => collect_samples::<u32, T>(self, g),
            DType::I32 => collect_samples::<i32, T>(self, g),
            DType::U64 => collect_samples::<u64, T>(self, g),
            DType::I64 => collect_samples::<i64, T>(self, g),
            DType::F32 => collect_samples::<f32, T>(self, g),
            DType::F64 => collect_samples::<f64, T>(self, g),
        };
        let [nx, ny, nz] = self.shape;
        // Invariant: collect_samples returns exactly nx·ny·nz values (`bytes` holds that many).
        Array3::from_shape_vec((nx, ny, nz), v).expect("buffer length equals the product of the shape")
    }

    fn volume<T>(&self, data: Array3<T>) -> Volume<T> {
        Volume { data, spacing: self.spacing, origin: self.origin, direction: self.direction }
    }

    /// Number of voxels whose scaled f32 value is NaN/Inf (what `into_f32` rejects). Integer
    /// samples are not scanned when both ends of their type's range map to finite values
    /// (scaling is monotone, so every sample then does).
    pub fn count_nonfinite_f32(&self) -> usize {
        let range = match self.dtype {
            DType::U8 => Some((0.0, u8::MAX as f64)),
            DType::I8 => Some((i8::MIN as f64, i8::MAX as f64)),
            DType::U16 => Some((0.0, u16::MAX as f64)),
            DType::I16 => Some((i16::MIN as f64, i16::MAX as f64)),
            DType::U32 => Some((0.0, u32::MAX as f64)),
            DType::I32 => Some((i32::MIN as f64, i32::MAX as f64)),
            _ => None,
        };
        let finite = |v: f64| ((v * self.slope + self.inter) as f32).is_finite();
        if let Some((lo, hi)) = range {
            if finite(lo) && finite(hi) {
                return 0;
            }
        }
        let mut bad = 0usize;
        self.scan(|x| bad += usize::from(!(x as f32).is_finite()));
        bad
    }

    /// Inclusive (x, y, z) bounding box and count of the voxels whose scaled f32 value (as
    /// `into_f32` gives it) satisfies `select`; `None` when there are none.
    pub fn select_box(&self, select: impl Fn(f32) -> bool) -> Option<Selection> {
        let [nx, ny, _] = self.shape;
        if self.dtype.size() <= 2 {
            return self.select_box_table(&select);
        }
        let (mut lo, mut hi, mut count, mut at) = ([usize::MAX; 3], [0usize; 3], 0usize, 0usize);
        self.scan(|x| {
            if select(x as f32) {
                let (i, j, k) = (at % nx, (at / nx) % ny, at / (nx * ny));
                lo = [lo[0].min(i), lo[1].min(j), lo[2].min(k)];
                hi = [hi[0].max(i), hi[1].max(j), hi[2].max(k)];
                count += 1;
            }
            at += 1;
        });
        (count > 0).then_some(((lo, hi), count))
    }

    /// `select_box` for 8/16-bit samples: `select` is evaluated once per possible stored value
    /// (a table indexed by the raw sample bits), then every row is scanned with the table.
    fn select_box_table(&self, select: &impl Fn(f32) -> bool) -> Option<Selection> {
        let [nx, ny, _] = self.shape;
        let size = self.dtype.size();
        let big = self.big_endian;
        let stored = |bits: usize| -> f64 {
            match self.dtype {
                DType::U8 => bits as u8 as f64,
                DType::I8 => bits as u8 as i8 as f64,
                DType::U16 => bits as u16 as f64,
                _ => bits as u16 as i16 as f64,
            }
        };
        let table: Vec<bool> =
            (0..1usize << (8 * size)).map(|b| select((stored(b) * self.slope + self.inter) as f32)).collect();
        let key = |c: &[u8]| -> usize {
            match (size, big) {
                (1, _) => c[0] as usize,
                (_, false) => u16::from_le_bytes([c[0], c[1]]) as usize,
                (_, true) => u16::from_be_bytes([c[0], c[1]]) as usize,
            }
        };
        // Label maps are mostly zero: when zero is not selected, all-zero rows (a vectorised
        // test) need no lookups.
        let zero_unselected = !table[0];
        let mut bbox = RowBox::new();
        for (r, row) in self.bytes.chunks_exact(nx * size).enumerate() {
            if zero_unselected && row.iter().fold(0u8, |a, &b| a | b) == 0 {
                continue;
            }
            let (mut first, mut last, mut n) = (usize::MAX, 0usize, 0usize);
            for (i, c) in row.chunks_exact(size).enumerate() {
                if table[key(c)] {
                    first = first.min(i);
                    last = i;
                    n += 1;
                }
            }
            bbox.add_row(r, ny, (first, last, n));
        }
        bbox.selection()
    }

    /// The half-open box `lo..hi` (x, y, z; clamped to the volume) as `into_f32` gives it there,
    /// with the origin moved to the box's first voxel. Non-finite values are not checked here
    /// (see `count_nonfinite_f32`).
    pub fn crop_f32(&self, lo: [usize; 3], hi: [usize; 3]) -> Volume<f32> {
        let hi: [usize; 3] = std::array::from_fn(|a| hi[a].min(self.shape[a]));
        let lo: [usize; 3] = std::array::from_fn(|a| lo[a].min(hi[a]));
        let (slope, inter) = (self.slope, self.inter);
        let g = move |v: f64| (v * slope + inter) as f32;
        let data = match self.dtype {
            DType::U8 => crop_samples::<u8>(self, lo, hi, g),
            DType::I8 => crop_samples::<i8>(self, lo, hi, g),
            DType::U16 => crop_samples::<u16>(self, lo, hi, g),
            DType::I16 => crop_samples::<i16>(self, lo, hi, g),
            DType::U32 => crop_samples::<u32>(self, lo, hi, g),
            DType::I32 => crop_samples::<i32>(self, lo, hi, g),
            DType::U64 => crop_samples::<u64>(self, lo, hi, g),
            DType::I64 => crop_samples::<i64>(self, lo, hi, g),
            DType::F32 => crop_samples::<f32>(self, lo, hi, g),
            DType::F64 => crop_samples::<f64>(self, lo, hi, g),
        };
        let origin = self.volume_geometry().physical_point(lo.map(|x| x as f64));
        Volume { data, spacing: self.spacing, origin, direction: self.direction }
    }

    /// The geometry with zero-sized voxels (no voxel memory), for geometry checks.
    pub fn volume_geometry(&self) -> Volume<()> {
        self.volume(Array3::<()>::from_elem(self.shape, ()))
    }

    /// Scaled intensities as f32 (`stored * slope + inter` in f64, then rounded to f32).
    /// NaN/Inf voxels (also values beyond the f32 range) are an error naming their count.
    pub fn into_f32(self, path: &Path) -> Result<Volume<f32>, ImageError> {
        let values = self.collect(|v| v as f32);
        let bad = values.iter().filter(|v| !v.is_finite()).count();
        if bad > 0 {
            return Err(ImageError::NonFinite { path: path.to_path_buf(), count: bad });
        }
        Ok(self.volume(values))
    }

    /// A 0/1 mask: voxels whose scaled value equals `label`, or (label `None`) the voxels of
    /// the single non-zero value the file must hold.
    pub fn into_mask(self, path: &Path, label: Option<u32>) -> Result<Volume<u8>, ImageError> {
        let mut bad = 0usize;
        let mut first_two: Vec<f64> = Vec::new();
        self.scan(|x| {
            if !x.is_finite() {
                bad += 1;
            } else if x != 0.0 && first_two.len() < 2 && !first_two.contains(&x) {
                first_two.push(x);
            }
        });
        if bad > 0 {
            return Err(ImageError::NonFinite { path: path.to_path_buf(), count: bad });
        }
        let target = match (label, first_two.len()) {
            (Some(l), _) => l as f64,
            (None, 0) => return Err(ImageError::EmptyMask { path: path.to_path_buf(), label: None }),
            (None, 1) => first_two[0],
            (None, _) => {
                return Err(ImageError::SeveralLabels { path: path.to_path_buf(), labels: self.distinct_nonzero() })
            }
        };
        let data = self.collect(|x| u8::from(x == target));
        if !data.iter().any(|&v| v == 1) {
            return Err(ImageError::EmptyMask { path: path.to_path_buf(), label });
        }
        Ok(self.volume(data))
    }

    /// All distinct non-zero scaled values, ascending.
    fn distinct_nonzero(&self) -> Vec<f64> {
        let mut set = BTreeSet::new();
        self.scan(|x| {
            if x != 0.0 {
                set.insert(total_key(x));
            }
        });
        set.into_iter().map(from_total_key).collect()
    }
}

#[cfg(test)]
mod tests {
    fn gz(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    /// The gzip trailer is checked: trailing non-gzip bytes are ignored (as zlib's gzread does),
    /// a wrong CRC-32 is `Corrupt`, a missing trailer `Truncated`.
    #[test]
    fn gunzip_prefix_checks_the_trailer() {
        let p = std::path::Path::new("x.nii.gz");
        let data: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
        let read = |bytes: Vec<u8>| gunzip_prefix(p, &bytes, 5000, "voxel data");
        let good = gz(&data);
        assert_eq!(read(good.clone()).unwrap(), data);
        let mut garbage = good.clone();
        garbage.extend_from_slice(b"trailing bytes that are not gzip");
        assert_eq!(read(garbage).unwrap(), data);
        let mut bad_crc = good.clone();
        let n = bad_crc.len();
        bad_crc[n - 8] ^= 1;
        assert!(matches!(read(bad_crc), Err(ImageError::Corrupt { .. })));
        assert!(matches!(read(good[..good.len() - 3].to_vec()), Err(ImageError::Truncated { .. })));
        assert!(matches!(gunzip_prefix(p, &good, 5001, "voxel data"), Err(ImageError::Truncated { .. })));
    }

    use super::*;

    fn raw(dtype: DType, big_endian: bool, bytes: Vec<u8>) -> RawVolume {
        RawVolume {
            dtype,
            big_endian,
            shape: [2, 1, 2],
            bytes,
            slope: 1.0,
            inter: 0.0,
            spacing: [1.0; 3],
            origin: [0.0; 3],
            direction: super::super::volume::IDENTITY,
        }
    }

    #[test]
    fn file_order_is_x_fastest_and_endianness_is_honoured() {
        let bytes: Vec<u8> = [1i16, 2, 3, -4].iter().flat_map(|v| v.to_be_bytes()).collect();
        let v = raw(DType::I16, true, bytes).into_f32(Path::new("t")).unwrap();
        assert!(v.data.is_standard_layout());
        assert_eq!(v.data[[0, 0, 0]], 1.0);
        assert_eq!(v.data[[1, 0, 0]], 2.0);
        assert_eq!(v.data[[0, 0, 1]], 3.0);
        assert_eq!(v.data[[1, 0, 1]], -4.0);
    }

    #[test]
    fn slope_and_intercept_are_applied() {
        let mut r = raw(DType::U8, false, vec![0, 1, 2, 3]);
        r.slope = 2.0;
        r.inter = -1.0;
        let v = r.into_f32(Path::new("t")).unwrap();
        assert_eq!(v.data[[1, 0, 1]], 5.0);
    }

    #[test]
    fn nan_voxels_are_counted() {
        let bytes: Vec<u8> = [1f32, f32::NAN, f32::INFINITY, 0.0].iter().flat_map(|v| v.to_le_bytes()).collect();
        match raw(DType::F32, false, bytes).into_f32(Path::new("t")) {
            Err(ImageError::NonFinite { count, .. }) => assert_eq!(count, 2),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn crop_equals_the_cropped_full_conversion() {
        let vals: Vec<i16> = (0..60).map(|v| v * 7 - 100).collect();
        let mk = || {
            let mut r = raw(DType::I16, false, vals.iter().flat_map(|v| v.to_le_bytes()).collect());
            r.shape = [5, 4, 3];
            r.slope = 0.5;
            r.inter = 3.0;
            r.origin = [1.0, 2.0, 3.0];
            r.spacing = [0.5, 2.0, 3.0];
            r
        };
        let full = mk().into_f32(Path::new("t")).unwrap();
        let (lo, hi) = ([1, 0, 1], [4, 3, 9]);
        let c = mk().crop_f32(lo, hi);
        assert_eq!(c.data, full.data.slice(ndarray::s![1..4, 0..3, 1..3]));
        assert_eq!(c.origin, [1.5, 2.0, 6.0]);
        assert_eq!(mk().count_nonfinite_f32(), 0);
        let sel = mk().select_box(|v| v > 60.0 && v < 70.0);
        // stored 115..131 -> values 60.5..68.5: stored = 7n - 100 for n = 31..33.
        let idx = |n: usize| [n % 5, (n / 5) % 4, n / 20];
        let ((blo, bhi), count) = sel.unwrap();
        assert_eq!(count, 3);
        let pts = [idx(31), idx(32), idx(33)];
        for a in 0..3 {
            assert_eq!(blo[a], pts.iter().map(|p| p[a]).min().unwrap());
            assert_eq!(bhi[a], pts.iter().map(|p| p[a]).max().unwrap());
        }
        assert_eq!(mk().select_box(|v| v > 1e6), None);
        // The table path (8/16-bit) agrees with the per-sample path (same values as f64).
        let mut r = mk();
        let as_f64: Vec<u8> =
            r.bytes.chunks_exact(2).flat_map(|c| (i16::from_le_bytes([c[0], c[1]]) as f64).to_le_bytes()).collect();
        let mut wide = mk();
        (wide.dtype, wide.bytes) = (DType::F64, as_f64);
        r.big_endian = false;
        for t in [-40.0f32, 0.0, 66.0, 200.0] {
            assert_eq!(r.select_box(|v| v >= t && v < t + 30.0), wide.select_box(|v| v >= t && v < t + 30.0));
        }
    }

    #[test]
    fn float_nonfinite_counted_without_conversion() {
        let bytes: Vec<u8> = [1f32, f32::NAN, f32::INFINITY, 0.0].iter().flat_map(|v| v.to_le_bytes()).collect();
        assert_eq!(raw(DType::F32, false, bytes).count_nonfinite_f32(), 2);
        let mut r = raw(DType::U8, false, vec![0, 1, 2, 255]);
        r.slope = 1e308;
        assert_eq!(r.count_nonfinite_f32(), 3);
    }

    #[test]
    fn total_key_round_trips_and_orders() {
        let xs = [-3.5, -0.0, 0.0, 1.0, 2.5, f64::MAX];
        for w in xs.windows(2) {
            assert!(total_key(w[0]) < total_key(w[1]));
        }
        for x in xs {
            assert_eq!(from_total_key(total_key(x)).to_bits(), x.to_bits());
        }
    }

    #[test]
    fn mask_labels() {
        let m = raw(DType::U8, false, vec![0, 2, 2, 0]).into_mask(Path::new("t"), None).unwrap();
        assert_eq!(m.data.sum(), 2);
        assert!(matches!(
            raw(DType::I8, false, vec![0, 2, 1, 0xFF]).into_mask(Path::new("t"), None),
            Err(ImageError::SeveralLabels { ref labels, .. }) if labels == &vec![-1.0, 1.0, 2.0]
        ));
        let m = raw(DType::U8, false, vec![0, 2, 1, 0]).into_mask(Path::new("t"), Some(1)).unwrap();
        assert_eq!(m.data[[0, 0, 1]], 1);
        assert!(matches!(
            raw(DType::U8, false, vec![0, 2, 1, 0]).into_mask(Path::new("t"), Some(3)),
            Err(ImageError::EmptyMask { label: Some(3), .. })
        ));
        assert!(matches!(
            raw(DType::U8, false, vec![0; 4]).into_mask(Path::new("t"), None),
            Err(ImageError::EmptyMask { label: None, .. })
        ));
    }
}
