//! The bad-input corpus (`tests/bad_inputs/cases.toml`) through the real binary: every case
//! must end with exit code 2 and ONE stderr line naming the file / patient / key, leave a
//! previous good report byte-identical, and leave no temporary or partial file behind.
//! Broken images and masks are written here from a generated small cohort.

mod common;
use radstudy::image::io::{read_image, read_mask, write_nifti_f32, write_nifti_u8};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
struct Corpus {
    case: Vec<Case>,
}

#[derive(Deserialize, Clone)]
struct Case {
    name: String,
    #[serde(default)]
    manifest: Option<String>,
    #[serde(default)]
    cohort: Option<String>,
    #[serde(default)]
    binary: Option<String>,
    #[serde(default)]
    out: Option<String>,
    expect: Vec<String>,
}

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/bad_inputs")
}

use common::radstudy;

/// Every regular file under `dir` (relative path → bytes), hidden files included.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            let ft = e.file_type().unwrap();
            if ft.is_symlink() {
                continue;
            } else if ft.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.strip_prefix(dir).unwrap().display().to_string(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// Names directly inside `dir`.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

/// Write the broken file of a binary case into `case/bad/` and return (original relative
/// path in the cohort table, new relative path).
///
/// Non-finite voxels: radstudy's writer refuses them, so the test writes a float32 NIfTI with a
/// sentinel voxel and patches the sentinel's bytes in the uncompressed file.
fn non_finite_image(img: &(String, PathBuf), bad: &Path, value: f32) -> (String, String) {
    let mut v = read_image(&img.1).unwrap();
    v.data[[1, 1, 1]] = 123456.0;
    let name = img.1.file_name().unwrap().to_string_lossy().replace(".nii.gz", ".nii");
    let path = bad.join(&name);
    write_nifti_f32(&path, &v).unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    let needle = 123456.0f32.to_le_bytes();
    let at = bytes.windows(4).rposition(|w| w == needle).expect("sentinel voxel");
    bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
    std::fs::write(&path, bytes).unwrap();
    (img.0.clone(), format!("bad/{name}"))
}

fn write_binary(kind: &str, cohort: &Path, case: &Path) -> (String, String) {
    let bad = case.join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    let image =
        |id: &str, seq: &str| (format!("images/{id}_{seq}.nii.gz"), cohort.join(format!("images/{id}_{seq}.nii.gz")));
    let mask = |id: &str| (format!("masks/{id}_mask.nii.gz"), cohort.join(format!("masks/{id}_mask.nii.gz")));
    let edit_mask = |id: &str, f: &dyn Fn(&mut radstudy::image::Volume<u8>)| {
        let (rel, src) = mask(id);
        let mut m = read_mask(&src, None).unwrap();
        f(&mut m);
        let name = format!("{id}_mask.nii.gz");
        write_nifti_u8(&bad.join(&name), &m).unwrap();
        (rel, format!("bad/{name}"))
    };
    let edit_image = |id: &str, seq: &str, f: &dyn Fn(&mut radstudy::image::Volume<f32>)| {
        let (rel, src) = image(id, seq);
        let mut v = read_image(&src).unwrap();
        f(&mut v);
        let name = format!("{id}_{seq}.nii.gz");
        write_nifti_f32(&bad.join(&name), &v).unwrap();
        (rel, format!("bad/{name}"))
    };
    match kind {
        "truncated_gz" => {
            let (rel, src) = image("P0004", "PVP");
            let bytes = std::fs::read(src).unwrap();
            std::fs::write(bad.join("P0004_PVP.nii.gz"), &bytes[..bytes.len() / 2]).unwrap();
            (rel, "bad/P0004_PVP.nii.gz".into())
        }
        "not_nifti" => {
            let text = "patient,notes\nP0006,this is a spreadsheet saved with the wrong name\n".repeat(20);
            std::fs::write(bad.join("P0006_AP.nii"), text).unwrap();
            (image("P0006", "AP").0, "bad/P0006_AP.nii".into())
        }
        "image_2d" => {
            let (rel, src) = image("P0008", "PVP");
            let v = read_image(&src).unwrap();
            let slice = v.data.slice(ndarray::s![.., .., 0..1]).to_owned();
            let p = bad.join("P0008_PVP.nii");
            write_nifti_f32(&p, &v.with_data(slice)).unwrap();
            let mut bytes = std::fs::read(&p).unwrap();
            bytes[40..42].copy_from_slice(&2i16.to_le_bytes()); // dim[0] = 2: a 2D image
            std::fs::write(&p, bytes).unwrap();
            (rel, "bad/P0008_PVP.nii".into())
        }
        "mask_spacing" => edit_mask("P0010", &|m| m.spacing[0] *= 1.1),
        "mask_origin" => edit_mask("P0010", &|m| m.origin[2] += 0.5),
        "mask_direction" => edit_mask("P0010", &|m| {
            let (c, s) = (10f64.to_radians().cos(), 10f64.to_radians().sin());
            m.direction = [[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]];
        }),
        "mask_shape" => edit_mask("P0010", &|m| {
            let nk = m.data.shape()[2];
            m.data = m.data.slice(ndarray::s![.., .., 0..nk - 1]).to_owned();
        }),
        "empty_mask" => edit_mask("P0012", &|m| m.data.fill(0)),
        "one_voxel_mask" => edit_mask("P0013", &|m| {
            let first = m.data.indexed_iter().find(|(_, &v)| v > 0).map(|(i, _)| i).unwrap();
            m.data.fill(0);
            m.data[first] = 1;
        }),
        "several_labels" => edit_mask("P0014", &|m| {
            let half = m.data.shape()[0] / 2;
            m.data.indexed_iter_mut().filter(|((i, _, _), v)| **v > 0 && *i < half).for_each(|(_, v)| *v = 2);
        }),
        "nan_voxels" => non_finite_image(&image("P0015", "AP"), &bad, f32::NAN),
        "inf_voxels" => non_finite_image(&image("P0015", "AP"), &bad, f32::INFINITY),
        "constant_roi" => edit_image("P0016", "AP", &|v| v.data.fill(100.0)),
        "nrrd_garbage" => {
            let header = "NRRD0004\ntype: float\ndimension: 3\nsizes: 100000 100000 100000\nencoding: raw\n\n";
            std::fs::write(bad.join("P0017_AP.nrrd"), format!("{header}0123456789")).unwrap();
            (image("P0017", "AP").0, "bad/P0017_AP.nrrd".into())
        }
        other => panic!("unknown binary case `{other}` in cases.toml"),
    }
}

/// Lay out a case folder: manifest, cohort.csv, links to the cohort's images and masks.
fn prepare(case: &Case, cohort: &Path, dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    for sub in ["images", "masks"] {
        std::os::unix::fs::symlink(cohort.join(sub), dir.join(sub)).unwrap();
    }
    let manifest = case.manifest.clone().unwrap_or_else(|| "base.toml".into());
    let mpath = dir.join(Path::new(&manifest).file_name().unwrap());
    std::fs::copy(corpus_dir().join(&manifest), &mpath).unwrap();
    let mut csv =
        std::fs::read_to_string(corpus_dir().join(case.cohort.as_deref().unwrap_or("cohort/good.csv"))).unwrap();
    if let Some(kind) = &case.binary {
        let (from, to) = write_binary(kind, cohort, dir);
        assert!(csv.contains(&from), "{from} not in the cohort table");
        csv = csv.replacen(&from, &to, 1);
    }
    std::fs::write(dir.join("cohort.csv"), csv).unwrap();
    mpath
}

/// Run one case; `Err` describes every way it misbehaved.
fn run_case(
    case: &Case,
    cohort: &Path,
    root: &Path,
    good: &BTreeMap<String, Vec<u8>>,
    good_dir: &Path,
) -> Result<(), String> {
    let dir = root.join("cases").join(&case.name);
    let mpath = prepare(case, cohort, &dir);
    let before_case = snapshot(&dir);
    // A previous good report in this case's own output folder.
    let reports = root.join("reports").join(&case.name);
    let out = reports.join("small");
    std::fs::create_dir_all(&out).unwrap();
    for (rel, bytes) in snapshot(good_dir) {
        let p = out.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    let target = match case.out.as_deref() {
        Some("under_a_file") => {
            let file = root.join("cases").join(&case.name).join("a_file");
            std::fs::write(&file, b"not a folder").unwrap();
            file.join("out")
        }
        Some(other) => panic!("unknown out `{other}`"),
        None => out.clone(),
    };
    let data = dir.join("synthetic");
    // No feature cache: a case must leave the data folder exactly as it was.
    let o = radstudy(&["run", mpath.to_str().unwrap(), "--out", target.to_str().unwrap(), "--no-cache"], &data);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    let mut problems = Vec::new();
    if o.status.code() != Some(2) {
        problems.push(format!("exit code {:?} (want 2)", o.status.code()));
    }
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.len() != 1 {
        problems.push(format!("{} stderr lines (want 1)", lines.len()));
    }
    for n in &case.expect {
        if !err.contains(n.as_str()) {
            problems.push(format!("message lacks `{n}`"));
        }
    }
    if snapshot(&out) != *good {
        problems.push("the previous good report changed".into());
    }
    if names(&reports) != ["small"] {
        problems.push(format!("left files next to the report: {:?}", names(&reports)));
    }
    let mut after_case = snapshot(&dir);
    after_case.remove("a_file");
    if after_case != before_case || data.exists() {
        problems.push("wrote into the cohort / data folder".into());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}: {} — stderr: {}", case.name, problems.join("; "), err.trim()))
    }
}

#[test]
fn every_bad_input_ends_with_one_clear_line_and_no_damage() {
    let corpus: Corpus = toml::from_str(&std::fs::read_to_string(corpus_dir().join("cases.toml")).unwrap()).unwrap();
    assert!(corpus.case.len() >= 25, "the corpus needs at least 25 cases");
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    // Generate the small cohort once, then make a good report from the base manifest.
    let data = root.join("data");
    let small = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/small_study.toml");
    let o = radstudy(&["synth", small.to_str().unwrap()], &data);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let cohort = data.join("small");
    let good_case = Case { name: "good".into(), manifest: None, cohort: None, binary: None, out: None, expect: vec![] };
    let mpath = prepare(&good_case, &cohort, &root.join("good"));
    let good_dir = root.join("good_report");
    let o = radstudy(&["run", mpath.to_str().unwrap(), "--out", good_dir.to_str().unwrap()], &data);
    assert!(o.status.success(), "the base manifest must run: {}", String::from_utf8_lossy(&o.stderr));
    let good = snapshot(&good_dir);
    assert!(good.contains_key("metrics.csv"));

    let cases = std::sync::Mutex::new(corpus.case.clone());
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| loop {
                let Some(case) = cases.lock().unwrap().pop() else { break };
                if let Err(e) = run_case(&case, &cohort, root, &good, &good_dir) {
                    failures.lock().unwrap().push(e);
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    assert!(
        failures.is_empty(),
        "{} of {} cases misbehaved:\n{}",
        failures.len(),
        corpus.case.len(),
        failures.join("\n")
    );
}

/// Warnings are not errors: the run succeeds, and each warning is on stderr and in the report.
#[test]
fn study_warnings_reach_stderr_and_the_report() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let data = root.join("data");
    let small = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/small_study.toml");
    let o = radstudy(&["synth", small.to_str().unwrap()], &data);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let cohort = data.join("small");
    let case = Case { name: "warn".into(), manifest: None, cohort: None, binary: None, out: None, expect: vec![] };
    let dir = root.join("warn");
    let mpath = prepare(&case, &cohort, &dir);
    // A published validation AUC from 30 patients and a perfect training AUC.
    let text = std::fs::read_to_string(&mpath)
        .unwrap()
        .replace("auc_test = 0.85", "auc_test = 0.85\ntest_n = 30\nauc_train = 1.0");
    std::fs::write(&mpath, text).unwrap();
    // Patient P0020's tumour mask shrunk to a 3×3×3 block (27 voxels): tiny, but not an error.
    std::fs::create_dir_all(dir.join("bad")).unwrap();
    let mut m = read_mask(&cohort.join("masks/P0020_mask.nii.gz"), None).unwrap();
    let n = m.data.iter().filter(|&&v| v > 0).count() as f64;
    let c: Vec<usize> = (0..3)
        .map(|a| {
            (m.data.indexed_iter().filter(|(_, &v)| v > 0).map(|(i, _)| [i.0, i.1, i.2][a] as f64).sum::<f64>() / n)
                .round() as usize
        })
        .collect();
    m.data.indexed_iter_mut().for_each(|((i, j, k), v)| {
        let inside = [i, j, k].iter().zip(&c).all(|(&x, &cx)| x + 1 >= cx && x <= cx + 1);
        *v = u8::from(inside);
    });
    assert_eq!(m.data.iter().filter(|&&v| v > 0).count(), 27);
    write_nifti_u8(&dir.join("bad/P0020_mask.nii.gz"), &m).unwrap();
    let csv = std::fs::read_to_string(dir.join("cohort.csv")).unwrap().replacen(
        "masks/P0020_mask.nii.gz",
        "bad/P0020_mask.nii.gz",
        1,
    );
    std::fs::write(dir.join("cohort.csv"), csv).unwrap();

    let out = root.join("out");
    let o = radstudy(&["run", mpath.to_str().unwrap(), "--out", out.to_str().unwrap()], &data);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "warnings must not fail the run: {err}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    for needle in [
        "tiny ROI",
        "P0020",
        "has only 14 patients",
        "events per variable",
        "comes from only 30 patients",
        "training AUC is 1.0",
    ] {
        assert!(err.lines().any(|l| l.starts_with("warning:") && l.contains(needle)), "stderr lacks `{needle}`: {err}");
        assert!(html.contains(needle), "report.html lacks the warning `{needle}`");
        assert!(md.contains(needle), "report.md lacks the warning `{needle}`");
    }
}
