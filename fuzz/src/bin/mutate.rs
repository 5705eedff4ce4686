//! Stable-toolchain fuzzing: a seeded mutation loop over the seed corpus in `fuzz/seeds/<target>/`
//! (bit flips, interesting integers at random offsets, truncation, insertion, splicing). Each
//! input runs under `catch_unwind`; a panic saves the input to `fuzz/artifacts/<target>/` and
//! counts as a finding. Allocations above 2 GiB abort the process with the input kept in
//! `fuzz/artifacts/<target>/current` (what libFuzzer's -malloc_limit_mb does).
//! Usage: `mutate <nifti|nrrd|dicom|manifest|all> <seconds per target> [seed]`.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The system allocator with a size limit, so an unbounded allocation is a finding, not an OOM.
struct Limited;
const LIMIT: usize = 2 << 30;
unsafe impl GlobalAlloc for Limited {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        if l.size() > LIMIT {
            return std::ptr::null_mut();
        }
        System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        System.dealloc(p, l)
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        if l.size() > LIMIT {
            return std::ptr::null_mut();
        }
        System.alloc_zeroed(l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        if n > LIMIT {
            return std::ptr::null_mut();
        }
        System.realloc(p, l, n)
    }
}
#[global_allocator]
static A: Limited = Limited;

const INTERESTING: &[i64] =
    &[0, 1, -1, 2, 3, 4, 7, 8, 16, 127, 128, 255, 256, 1024, 32767, -32768, 65535, 2147483647, -2147483648, 4294967295];

fn mutate(rng: &mut ChaCha8Rng, input: &mut Vec<u8>, seeds: &[Vec<u8>]) {
    let n = rng.random_range(1..=4);
    for _ in 0..n {
        let len = input.len();
        match rng.random_range(0..8) {
            0 if len > 0 => {
                let i = rng.random_range(0..len);
                input[i] ^= 1 << rng.random_range(0..8);
            }
            1 if len > 0 => {
                let i = rng.random_range(0..len);
                input[i] = rng.random();
            }
            2 if len >= 8 => {
                let v = INTERESTING[rng.random_range(0..INTERESTING.len())];
                let w = [1usize, 2, 4, 8][rng.random_range(0..4)];
                let i = rng.random_range(0..=len - w);
                input[i..i + w].copy_from_slice(&v.to_le_bytes()[..w]);
            }
            3 if len > 1 => input.truncate(rng.random_range(0..len)),
            4 => {
                let i = rng.random_range(0..=len);
                let k = rng.random_range(1..=16);
                let chunk: Vec<u8> = (0..k).map(|_| rng.random()).collect();
                input.splice(i..i, chunk);
            }
            5 if len > 0 => {
                let a = rng.random_range(0..len);
                let b = rng.random_range(a..=len.min(a + 64));
                let i = rng.random_range(0..=len);
                let chunk = input[a..b].to_vec();
                input.splice(i..i, chunk);
            }
            6 if !seeds.is_empty() => {
                let other = &seeds[rng.random_range(0..seeds.len())];
                let cut = rng.random_range(0..=input.len());
                let from = rng.random_range(0..=other.len());
                input.truncate(cut);
                input.extend_from_slice(&other[from..]);
            }
            7 if len > 0 => {
                // ASCII digits: hits text headers (NRRD sizes, TOML numbers).
                let i = rng.random_range(0..len);
                input[i] = b"0123456789-.e \n"[rng.random_range(0..15)];
            }
            _ => {}
        }
    }
}

fn run(target: &str, seconds: u64, seed: u64, root: &Path) -> (u64, usize) {
    let body: fn(&[u8]) = match target {
        "nifti" => radstudy_fuzz::nifti,
        "nrrd" => radstudy_fuzz::nrrd,
        "dicom" => radstudy_fuzz::dicom,
        "manifest" => radstudy_fuzz::manifest,
        other => panic!("unknown target {other}"),
    };
    let mut seeds: Vec<Vec<u8>> = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("seeds").join(target))
        .map(|r| r.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    for f in files {
        seeds.push(std::fs::read(f).expect("read seed"));
    }
    assert!(!seeds.is_empty(), "no seeds in fuzz/seeds/{target}");
    let artifacts = root.join("artifacts").join(target);
    std::fs::create_dir_all(&artifacts).expect("artifacts folder");
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let (mut execs, mut crashes) = (0u64, 0usize);
    std::panic::set_hook(Box::new(|_| {}));
    for s in &seeds {
        body(s);
    }
    while Instant::now() < deadline {
        let mut input = seeds[rng.random_range(0..seeds.len())].clone();
        mutate(&mut rng, &mut input, &seeds);
        if execs % 64 == 0 {
            let _ = std::fs::write(artifacts.join("current"), &input);
        }
        execs += 1;
        if std::panic::catch_unwind(|| body(&input)).is_err() {
            crashes += 1;
            let name = format!("crash-{execs}");
            let _ = std::fs::write(artifacts.join(&name), &input);
            eprintln!("{target}: panic, input saved to {}", artifacts.join(name).display());
        }
    }
    let _ = std::fs::remove_file(artifacts.join("current"));
    (execs, crashes)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let which = args.get(1).map(String::as_str).unwrap_or("all");
    let seconds: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(60);
    let seed: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let targets: Vec<&str> = if which == "all" { vec!["nifti", "nrrd", "dicom", "manifest"] } else { vec![which] };
    let mut failed = false;
    for t in targets {
        let (execs, crashes) = run(t, seconds, seed, &root);
        println!("{t}: {execs} executions in {seconds} s, {crashes} panicking input(s)");
        failed |= crashes > 0;
    }
    if failed {
        std::process::exit(1);
    }
}
