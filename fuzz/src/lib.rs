//! Fuzz target bodies shared by the libFuzzer entry points (`fuzz_targets/`) and the stable
//! mutation loop (`src/bin/mutate.rs`). Each feeds arbitrary bytes to one public reader and
//! only requires that it returns (Ok or Err) without panicking or allocating without bound.
//! Must not assert anything about the parsed values.

use std::cell::RefCell;
use std::path::PathBuf;

thread_local! {
    static DIR: RefCell<Option<tempfile::TempDir>> = const { RefCell::new(None) };
}

/// Write `data` to `name` in this thread's scratch folder (tmpfs when available).
fn scratch(name: &str, data: &[u8]) -> PathBuf {
    DIR.with(|d| {
        let mut d = d.borrow_mut();
        let dir = d.get_or_insert_with(|| {
            let base = if std::path::Path::new("/dev/shm").is_dir() { "/dev/shm" } else { "/tmp" };
            tempfile::Builder::new().prefix("radstudy-fuzz").tempdir_in(base).expect("scratch folder")
        });
        let p = dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("scratch folder");
        }
        std::fs::write(&p, data).expect("write scratch file");
        p
    })
}

thread_local! {
    static PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Run one target body under libFuzzer, aborting (a finding) only on a panic that escapes
/// radstudy. libFuzzer's own panic hook aborts on every panic, even one radstudy catches on
/// purpose around a third-party pixel decoder; this hook only records the message.
pub fn guard(body: impl FnOnce()) {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| std::panic::set_hook(Box::new(|info| PANIC.with(|p| *p.borrow_mut() = Some(info.to_string())))));
    if std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)).is_err() {
        let msg = PANIC.with(|p| p.borrow_mut().take()).unwrap_or_default();
        eprintln!("panic escaped radstudy: {msg}");
        std::process::abort();
    }
}

/// NIfTI reader: plain `.nii` and, when the bytes are gzip, `.nii.gz`.
pub fn nifti(data: &[u8]) {
    let gz = data.starts_with(&[0x1f, 0x8b]);
    let p = scratch(if gz { "x.nii.gz" } else { "x.nii" }, data);
    let _ = radstudy::image::io::read_image(&p);
    let _ = radstudy::image::io::read_mask(&p, None);
}

/// NRRD reader (attached header, any encoding).
pub fn nrrd(data: &[u8]) {
    let p = scratch("x.nrrd", data);
    let _ = radstudy::image::io::read_image(&p);
}

/// DICOM series reader on a folder holding one file.
pub fn dicom(data: &[u8]) {
    let p = scratch("series/x.dcm", &[]);
    let dir = p.parent().expect("scratch file has a folder").to_path_buf();
    std::fs::write(&p, data).expect("write scratch file");
    let _ = radstudy::image::dicom::read_series(&dir, radstudy::image::dicom::SeriesSelect::Only);
}

/// Manifest parser and validator.
pub fn manifest(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = radstudy::manifest::parse(text);
    }
}
