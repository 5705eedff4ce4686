//! Benchmark driver (built as the example `bench_radstudy`, run by benches/run.sh): times
//! radstudy's public functions on the shared benchmark data so that the Python scripts next to
//! this file can do the same work on identical inputs. Prints one JSON line per task.
//!
//!   bench_radstudy selection <data.csv>   20 × 5-fold repeated CV of |r|>0.9 filter → L1
//!                                         logistic with inner 5-fold CV → L2 logistic
//!   bench_radstudy coxnet <data.csv>      LASSO-Cox path (100 λ) + 10-fold CV
//!   bench_radstudy ibsi <reference/ibsi>  IBSI CT phantom configurations C, D, E
//!
//! Must not change or tune anything: it only calls the library as a study would.

use ndarray::{Array1, Array2, Axis};
use radstudy::model::cox::Surv;
use radstudy::model::coxnet::{coxnet_lambda_max, coxnet_path, CoxnetOptions};
use radstudy::model::coxnet_cv::cv_coxnet_path;
use std::path::Path;
use std::time::Instant;

const MANIFEST: &str = r#"
[study]
name = "bench_selection"
title = "Selection-chain benchmark"
kind = "binary"
outcome = "y"
seed = 1
[cohort]
table = "unused.csv"
[[sequence]]
name = "X"
[[roi]]
name = "tumour"
[select]
steps = [
  { method = "correlation", max_abs_r = 0.9 },
  { method = "lasso", folds = 5, rule = "min" },
]
[[model]]
name = "chain"
kind = "logistic"
penalty = "l2"
c = 1.0
[validation]
internal = { scheme = "repeated_kfold", folds = 5, repeats = 20 }
"#;

struct Data {
    x: Array2<f64>,
    y: Vec<f64>,
    time: Vec<f64>,
    event: Vec<bool>,
    columns: Vec<String>,
}

fn read_csv(path: &Path) -> Result<Data, String> {
    let mut rdr = csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let columns: Vec<String> = rdr.headers().map_err(|e| e.to_string())?.iter().skip(3).map(String::from).collect();
    let (mut y, mut time, mut event, mut flat) = (vec![], vec![], vec![], vec![]);
    for rec in rdr.records() {
        let rec = rec.map_err(|e| e.to_string())?;
        let v: Vec<f64> =
            rec.iter().map(|s| s.parse::<f64>().map_err(|e| format!("{s}: {e}"))).collect::<Result<_, _>>()?;
        y.push(v[0]);
        time.push(v[1]);
        event.push(v[2] == 1.0);
        flat.extend_from_slice(&v[3..]);
    }
    let x = Array2::from_shape_vec((y.len(), columns.len()), flat).map_err(|e| e.to_string())?;
    Ok(Data { x, y, time, event, columns })
}

fn selection(d: &Data) -> Result<String, String> {
    let m = radstudy::manifest::parse(MANIFEST).map_err(|e| e.to_string())?;
    let n = d.y.len();
    let y = Array1::from(d.y.clone());
    let time = Array1::from_elem(n, f64::NAN);
    let centres = vec!["A".to_string(); n];
    let patients: Vec<String> = (0..n).map(|i| format!("p{i}")).collect();
    let extra = radstudy::validate::DesignColumns::default();
    let design = radstudy::validate::Design {
        x: &d.x,
        y: &y,
        time: &time,
        columns: &d.columns,
        n_radiomics: d.columns.len(),
        centres: &centres,
        patients: &patients,
        extra: &extra,
    };
    let t0 = Instant::now();
    let res = radstudy::validate::run(&m, &design, &|_| {}).map_err(|e| format!("{e:#}"))?;
    let secs = t0.elapsed().as_secs_f64();
    let cv = res[0].cohorts.iter().find(|c| c.cohort == "internal CV").ok_or("no internal CV predictions")?;
    let auc = cv.per_repeat_auc.iter().sum::<f64>() / cv.per_repeat_auc.len() as f64;
    Ok(format!(r#"{{"selection_nested_s": {secs:.3}, "mean_repeat_auc": {auc:.4}, "splits": {}}}"#, res[0].n_splits))
}

fn coxnet(d: &Data) -> Result<String, String> {
    let t0 = Instant::now();
    let mut x = d.x.clone();
    for mut c in x.axis_iter_mut(Axis(1)) {
        let mean = c.mean().unwrap_or(0.0);
        let sd = c.std(0.0).max(1e-12);
        c.mapv_inplace(|v| (v - mean) / sd);
    }
    let surv = Surv { time: d.time.clone(), event: d.event.clone() };
    let opts = CoxnetOptions { tol: 1e-7, ..CoxnetOptions::default() };
    let lmax = coxnet_lambda_max(&x, &surv, 1.0).map_err(|e| e.to_string())?;
    let lambdas: Vec<f64> = (0..100).map(|k| lmax * 0.01f64.powf(k as f64 / 99.0)).collect();
    let full = coxnet_path(&x, &surv, &lambdas, &opts).map_err(|e| e.to_string())?;
    let folds: Vec<usize> = (0..x.nrows()).map(|i| i % 10).collect();
    let cv = cv_coxnet_path(&x, &surv, &folds, &lambdas, &opts).map_err(|e| e.to_string())?;
    let secs = t0.elapsed().as_secs_f64();
    Ok(format!(
        r#"{{"coxnet_cv_s": {secs:.3}, "n_lambdas": {}, "best_index": {}, "best_c": {:.4}, "nonzero_at_best": {}}}"#,
        lambdas.len(),
        cv.index_best_c,
        cv.cv_c[cv.index_best_c],
        full.selected(cv.index_best_c).len()
    ))
}

fn ibsi(dir: &Path) -> Result<String, String> {
    use radstudy::features::ibsi_score::{load_reference, run_benchmark, IbsiDataSet};
    let rows = load_reference(&dir.join("reference_values/ibsi_1_reference_values.csv"))?;
    let mut parts = Vec::new();
    for (name, ds) in [("C", IbsiDataSet::ConfigC), ("D", IbsiDataSet::ConfigD), ("E", IbsiDataSet::ConfigE)] {
        let t0 = Instant::now();
        let r = run_benchmark(dir, ds, &rows)?;
        let secs = t0.elapsed().as_secs_f64();
        let (p, f, _) = r.totals(None);
        parts.push(format!(r#""{name}_s": {secs:.3}, "{name}_passed": {p}, "{name}_rows": {}"#, p + f));
    }
    Ok(format!("{{{}}}", parts.join(", ")))
}

/// gzip decoding of the PyRadiomics sample images: radstudy's decoder vs zlib-rs (flate2's
/// `MultiGzDecoder` read through 256 KiB buffers, radstudy's reader before), one thread,
/// minimum of 9 runs each, outputs compared byte for byte.
fn gzip(dir: &Path) -> Result<String, String> {
    use std::io::Read;
    let mut parts = Vec::new();
    for case in ["brain1", "brain2", "breast1", "lung1", "lung2"] {
        let file = std::fs::read(dir.join(format!("{case}_image.nrrd"))).map_err(|e| e.to_string())?;
        let start = file.windows(2).position(|w| w == b"\n\n").ok_or("no NRRD header end")? + 2;
        let gz = &file[start..];
        let (mut ours, mut zlib) = (f64::MAX, f64::MAX);
        let mut buf = vec![0u8; 1 << 18];
        for _ in 0..9 {
            let (mut h1, mut h2) = (crc32fast::Hasher::new(), crc32fast::Hasher::new());
            let t = Instant::now();
            radstudy::image::inflate::gunzip(gz, |b| h1.update(b)).map_err(|e| e.to_string())?;
            ours = ours.min(t.elapsed().as_secs_f64());
            let t = Instant::now();
            let mut dec = flate2::read::MultiGzDecoder::new(gz);
            loop {
                let n = dec.read(&mut buf).map_err(|e| e.to_string())?;
                if n == 0 {
                    break;
                }
                h2.update(&buf[..n]);
            }
            zlib = zlib.min(t.elapsed().as_secs_f64());
            if h1.finalize() != h2.finalize() {
                return Err(format!("{case}: the two decoders disagree"));
            }
        }
        parts.push(format!(
            r#""{case}_ours_ms": {:.2}, "{case}_zlib_ms": {:.2}, "{case}_mb": {:.1}"#,
            ours * 1e3,
            zlib * 1e3,
            gz.len() as f64 / 1e6
        ));
    }
    Ok(format!("{{{}}}", parts.join(", ")))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: bench_radstudy selection|coxnet|ibsi|gzip <path>");
        std::process::exit(2);
    }
    let path = Path::new(&args[2]);
    let out = match args[1].as_str() {
        "selection" => read_csv(path).and_then(|d| selection(&d)),
        "coxnet" => read_csv(path).and_then(|d| coxnet(&d)),
        "ibsi" => ibsi(path),
        "gzip" => gzip(path),
        other => Err(format!("unknown task `{other}`")),
    };
    match out {
        Ok(line) => println!("{line}"),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
