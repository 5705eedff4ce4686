//! Kill and re-run: `radstudy run` on the small study is SIGKILLed at seeded random moments
//! (during synthetic generation, extraction, and writing), then re-run to completion. The
//! outputs and the synthetic cohort must be byte-identical to an uninterrupted run, a killed
//! run must never leave a half report or half cohort where a reader would look, and no
//! temporary file may survive the re-run.

use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/small_study.toml")
}

fn command(root: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_radstudy"));
    c.arg("run")
        .arg(manifest())
        .arg("--out")
        .arg(root.join("reports/out"))
        .arg("--data")
        .arg(root.join("data"))
        .arg("--quiet")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    c
}

/// Run to completion; returns the wall time.
fn run_complete(root: &Path) -> Duration {
    let t = Instant::now();
    let o = command(root).output().expect("run radstudy");
    assert!(o.status.success(), "radstudy run failed");
    t.elapsed()
}

/// Start a run and SIGKILL it after `after`; true when it was still running.
fn run_and_kill(root: &Path, after: Duration) -> bool {
    let mut child = command(root).spawn().expect("start radstudy");
    let deadline = Instant::now() + after;
    while Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let killed = child.try_wait().unwrap().is_none();
    child.kill().expect("SIGKILL");
    child.wait().unwrap();
    killed
}

/// Every file under `dir` (relative path → bytes).
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                stack.push(p);
            } else {
                out.insert(p.strip_prefix(dir).unwrap().display().to_string(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// Entries directly in `dir` whose names start with a dot (temporary files and folders).
fn hidden(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            // `.cache` is the content-addressed feature cache (entries are renamed into place whole).
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with('.') && n != ".cache")
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn killed_runs_rerun_to_identical_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let cold = run_complete(root);
    let reference_out = snapshot(&root.join("reports/out"));
    let reference_data = snapshot(&root.join("data/small"));
    assert!(reference_out.contains_key("metrics.csv") && reference_data.contains_key("cohort.csv"));
    let warm = run_complete(root);

    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20240611);
    // (wipe the synthetic cohort first, total time of that kind of run, window as fractions of it)
    let trials: [(&str, bool, Duration, f64, f64); 5] = [
        ("synthetic generation", true, cold, 0.05, 0.45),
        ("synthetic generation", true, cold, 0.1, 0.6),
        ("anywhere in a cold run", true, cold, 0.05, 1.0),
        ("extraction", false, warm, 0.1, 0.7),
        ("writing", false, warm, 0.7, 1.0),
    ];
    let mut killed = 0;
    for (phase, wipe, total, lo, hi) in trials {
        if wipe {
            std::fs::remove_dir_all(root.join("data")).unwrap();
        }
        let at = total.mul_f64(rng.random_range(lo..hi));
        let was_running = run_and_kill(root, at);
        killed += usize::from(was_running);
        // Right after the kill: whatever a reader can see is complete (or absent).
        let out = root.join("reports/out");
        if out.exists() {
            assert_eq!(snapshot(&out), reference_out, "killed during {phase} at {at:?}: a half report is visible");
        }
        if root.join("data/small/synth_stamp.txt").exists() {
            assert_eq!(snapshot(&root.join("data/small")), reference_data, "killed during {phase}: half cohort");
        }
        run_complete(root);
        assert_eq!(snapshot(&out), reference_out, "outputs differ after a kill during {phase} at {at:?} and a re-run");
        assert_eq!(snapshot(&root.join("data/small")), reference_data, "cohort differs after a kill during {phase}");
        for d in [root.join("reports"), root.join("data"), root.join("data/small"), out.clone()] {
            assert!(hidden(&d).is_empty(), "temporary files left in {}: {:?}", d.display(), hidden(&d));
        }
    }
    assert!(
        killed >= 3,
        "only {killed} of 5 runs were still running when killed; the machine is too fast for the windows"
    );
}
