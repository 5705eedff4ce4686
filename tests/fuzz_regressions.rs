//! Replays every input the fuzzers found (or review found while preparing the fuzz run), kept
//! under `fuzz/regressions/<target>/`, through the same public reader the fuzz target calls
//! (`fuzz/src/lib.rs`): each must end in an `Err`, without panicking, hanging or allocating
//! without bound. The seed corpus (`fuzz/seeds/<target>/`) must still read `Ok`, so the
//! harness is known to feed the readers correctly. Must not need the reference data.

use std::path::{Path, PathBuf};

fn fuzz_dir(sub: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz").join(sub)
}

/// Files of `fuzz/<sub>/<target>/`, in name order.
fn files(sub: &str, target: &str) -> Vec<PathBuf> {
    let dir = fuzz_dir(sub).join(target);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    v.sort();
    v
}

/// Feed `bytes` to the reader of `target` as the fuzz target does; the error text, or `Ok`.
fn run(target: &str, bytes: &[u8]) -> Result<(), String> {
    let tmp = tempfile::tempdir().unwrap();
    match target {
        "nifti" => {
            let name = if bytes.starts_with(&[0x1f, 0x8b]) { "x.nii.gz" } else { "x.nii" };
            let p = tmp.path().join(name);
            std::fs::write(&p, bytes).unwrap();
            let image = radstudy::image::io::read_image(&p).map(|_| ()).map_err(|e| e.to_string());
            // The fuzz target reads it as a mask too (must not panic); a seed image need not be
            // a valid mask, so only the image result counts.
            let _ = radstudy::image::io::read_mask(&p, None);
            image
        }
        "nrrd" => {
            let p = tmp.path().join("x.nrrd");
            std::fs::write(&p, bytes).unwrap();
            radstudy::image::io::read_image(&p).map(|_| ()).map_err(|e| e.to_string())
        }
        "dicom" => {
            let dir = tmp.path().join("series");
            std::fs::create_dir(&dir).unwrap();
            std::fs::write(dir.join("x.dcm"), bytes).unwrap();
            radstudy::image::dicom::read_series(&dir, radstudy::image::dicom::SeriesSelect::Only)
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
        "manifest" => {
            let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
            radstudy::manifest::parse(text).map(|_| ()).map_err(|e| e.to_string())
        }
        other => panic!("unknown fuzz target {other}"),
    }
}

fn check_target(target: &str) {
    for p in files("regressions", target) {
        let bytes = std::fs::read(&p).unwrap();
        match run(target, &bytes) {
            Ok(()) => panic!("{}: expected an error, the reader accepted it", p.display()),
            Err(e) => {
                eprintln!("{}: {e}", p.display());
                assert!(!e.trim().is_empty(), "{}: empty error message", p.display())
            }
        }
    }
    for p in files("seeds", target) {
        if let Err(e) = run(target, &std::fs::read(&p).unwrap()) {
            panic!("seed {} no longer reads: {e}", p.display());
        }
    }
}

#[test]
fn nifti_regressions() {
    check_target("nifti");
}

#[test]
fn nrrd_regressions() {
    check_target("nrrd");
}

#[test]
fn dicom_regressions() {
    check_target("dicom");
}

#[test]
fn manifest_regressions() {
    check_target("manifest");
}

#[test]
fn every_target_folder_is_replayed() {
    let mut dirs: Vec<String> = std::fs::read_dir(fuzz_dir("regressions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| Path::new(n).extension().is_none())
        .collect();
    dirs.sort();
    assert_eq!(dirs, ["dicom", "manifest", "nifti", "nrrd"]);
}
