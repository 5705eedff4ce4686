//! The feature cache and sharded extraction, through the real binary on the small synthetic
//! study: a re-run reuses the cache (reported by `--timings`) and writes byte-identical
//! outputs; changing one mask's voxels invalidates the entry; three shards merged give the
//! same outputs as one unsharded run, byte for byte, and `run` then skips extraction.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/small_study.toml")
}

fn radstudy(args: &[&str], data: &Path, cache: &Path) -> Output {
    let o = Command::new(env!("CARGO_BIN_EXE_radstudy"))
        .args(args)
        .args(["--quiet", "--timings", "--threads", "2", "--data"])
        .arg(data)
        .arg("--cache")
        .arg(cache)
        .output()
        .expect("run radstudy");
    assert!(o.status.success(), "radstudy {args:?} failed: {}", String::from_utf8_lossy(&o.stderr));
    o
}

/// Run the study into `out`; returns whether the feature cache was hit.
fn run(out: &Path, data: &Path, cache: &Path) -> bool {
    let o = radstudy(&["run", manifest().to_str().unwrap(), "--out", out.to_str().unwrap()], data, cache);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(err.contains("feature cache "), "no timings line: {err}");
    err.contains("feature cache hit")
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

const SAME: &[&str] =
    &["features.parquet", "metrics.csv", "icc.csv", "predictions.csv", "selected_features.csv", "report.md"];

/// Remove one ROI voxel from a gzip NIfTI uint8 mask (header 352 bytes).
fn drop_one_voxel(mask: &Path) {
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(mask).unwrap()).read_to_end(&mut raw).unwrap();
    let i = 352 + raw[352..].iter().position(|&v| v == 1).expect("mask has an ROI voxel");
    raw[i] = 0;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&raw).unwrap();
    std::fs::write(mask, enc.finish().unwrap()).unwrap();
}

#[test]
fn rerun_hits_cache_and_a_changed_mask_invalidates_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cache) = (tmp.path().join("data"), tmp.path().join("cache"));
    let (a, b, c) = (tmp.path().join("a"), tmp.path().join("b"), tmp.path().join("c"));
    assert!(!run(&a, &data, &cache), "first run cannot hit an empty cache");
    assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 1, "one cache entry, no temporary folders");
    assert!(run(&b, &data, &cache), "second run with unchanged inputs must use the cache");
    for f in SAME {
        assert_eq!(read(&a.join(f)), read(&b.join(f)), "{f} differs between the extracting and the cached run");
    }
    drop_one_voxel(&data.join("small/masks/P0003_mask.nii.gz"));
    assert!(!run(&c, &data, &cache), "a changed mask must invalidate the cache");
    assert_ne!(read(&a.join("features.parquet")), read(&c.join("features.parquet")));
    assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 2);
}

#[test]
fn three_shards_merged_equal_one_unsharded_run() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let whole = tmp.path().join("whole");
    assert!(!run(&whole, &data, &tmp.path().join("cache_whole")));

    let cache = tmp.path().join("cache_sharded");
    let m = manifest();
    let mut dirs = Vec::new();
    for i in 1..=3 {
        let d = tmp.path().join(format!("shard{i}"));
        let spec = format!("{i}/3");
        radstudy(&["shard", m.to_str().unwrap(), "--shard", &spec, "--out", d.to_str().unwrap()], &data, &cache);
        dirs.push(d);
    }
    assert!(!cache.exists(), "a shard must not write the cache entry");
    let mut args = vec!["merge", m.to_str().unwrap()];
    args.extend(dirs.iter().map(|d| d.to_str().unwrap()));
    radstudy(&args, &data, &cache);
    let merged = tmp.path().join("merged");
    assert!(run(&merged, &data, &cache), "run after merge must skip extraction");
    for f in SAME {
        assert_eq!(read(&whole.join(f)), read(&merged.join(f)), "{f}: 3 merged shards differ from one unsharded run");
    }
}

#[test]
fn merge_rejects_missing_or_foreign_shards() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cache) = (tmp.path().join("data"), tmp.path().join("cache"));
    let m = manifest();
    let d1 = tmp.path().join("s1");
    radstudy(&["shard", m.to_str().unwrap(), "--shard", "1/2", "--out", d1.to_str().unwrap()], &data, &cache);
    let o = Command::new(env!("CARGO_BIN_EXE_radstudy"))
        .args(["merge", m.to_str().unwrap(), d1.to_str().unwrap(), "--quiet", "--data"])
        .arg(&data)
        .arg("--cache")
        .arg(&cache)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("every shard 1..2 of 2"), "{err}");
    assert!(!cache.exists());
}
