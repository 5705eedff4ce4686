//! The `radstudy` command line. Parses arguments, runs one command, maps errors to exit
//! codes (2 = bad input, with one clear line; 1 = internal failure). No study logic here.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "radstudy", version, about = "Reproducible radiomics studies from one manifest")]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, global = true)]
    threads: Option<usize>,
    /// No progress bars.
    #[arg(long, global = true)]
    quiet: bool,
    /// Folder for generated synthetic cohorts (default data/synthetic).
    #[arg(long, global = true)]
    data: Option<PathBuf>,
    /// Feature cache folder (default data/cache, or <--data>/.cache).
    #[arg(long, global = true)]
    cache: Option<PathBuf>,
    /// Neither read nor write the feature cache.
    #[arg(long, global = true)]
    no_cache: bool,
    /// Print wall times to stderr: the stages (to modelling, modelling, writing) after `run`; the
    /// extraction, its minor page faults and each case's time after `extract`.
    #[arg(long, global = true)]
    timings: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Run the whole study: cohort, extraction, stability, selection, models, validation, report.
    Run {
        manifest: PathBuf,
        /// Output folder (default reports/<study name>/).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Validate the manifest (and the cohort table, when it is a file) without running.
    Check { manifest: PathBuf },
    /// Generate the synthetic cohort only.
    Synth { manifest: PathBuf },
    /// Extract one shard of the cohort's patients (contiguous, by table order) into a folder.
    Shard {
        manifest: PathBuf,
        /// Which shard: i/n (1 ≤ i ≤ n).
        #[arg(long)]
        shard: radstudy::pipeline::shard::ShardSpec,
        /// Folder for the shard's feature tables.
        #[arg(long)]
        out: PathBuf,
    },
    /// Merge shard folders into the feature cache; `run` then skips extraction.
    Merge {
        manifest: PathBuf,
        #[arg(required = true)]
        shards: Vec<PathBuf>,
    },
    /// List the DICOM series, DICOM-SEG segments and RTSTRUCT ROIs found under a folder.
    DicomInfo { folder: PathBuf },
    /// PyRadiomics-exact extraction of one case (--image/--mask) or a batch CSV (Image,Mask[,Label]).
    Extract {
        /// Image file (NIfTI, NRRD, …).
        #[arg(long, required_unless_present = "batch", conflicts_with = "batch")]
        image: Option<PathBuf>,
        /// Label map on the image grid.
        #[arg(long, required_unless_present = "batch", conflicts_with = "batch")]
        mask: Option<PathBuf>,
        /// CSV with `Image`, `Mask` and optional `Label` columns (paths relative to the CSV).
        #[arg(long)]
        batch: Option<PathBuf>,
        /// PyRadiomics parameter YAML (default: PyRadiomics' defaults).
        #[arg(long)]
        params: Option<PathBuf>,
        /// Label value of the ROI (overrides the parameter file's `label`).
        #[arg(long)]
        label: Option<u32>,
        /// Output CSV (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also write PyRadiomics' `diagnostics_*` columns.
        #[arg(long)]
        diagnostics: bool,
    },
    /// Run every study of a folder and write the reproduction index (index.html / .md / .csv).
    RunAll {
        /// Folder of study manifests.
        #[arg(default_value = "studies")]
        studies: PathBuf,
        /// Output folder: one sub-folder per study plus index.html, index.md, index.csv.
        #[arg(long, default_value = "reports")]
        out: PathBuf,
    },
    /// Score the IBSI feature engine against the IBSI 1 reference values.
    Ibsi {
        /// Folder holding `ibsi/` (default ../shared/reference).
        #[arg(long)]
        reference: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(n) = cli.threads {
        if let Err(e) = rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global() {
            eprintln!("error: cannot start {n} threads: {e}");
            return ExitCode::from(1);
        }
    }
    let opts = radstudy::pipeline::RunOptions {
        quiet: cli.quiet,
        data_dir: cli.data.clone(),
        cache_dir: cli.cache.clone(),
        no_cache: cli.no_cache,
    };
    let result = match cli.command {
        Command::Run { manifest, out } => {
            radstudy::pipeline::run_timed(&manifest, out.as_deref(), &opts).map(|(out, t)| {
                if cli.timings {
                    eprintln!(
                        "timings: to_modelling {:.3} s, modelling {:.3} s, writing {:.3} s, feature cache {}",
                        t.to_modelling,
                        t.modelling,
                        t.writing,
                        if t.cached { "hit" } else { "miss" }
                    );
                }
                if !cli.quiet {
                    eprintln!("report written to {}", out.display());
                }
            })
        }
        Command::Check { manifest } => radstudy::pipeline::check(&manifest).map(|msg| println!("{msg}")),
        Command::DicomInfo { folder } => radstudy::image::dicom::dicom_info(&folder)
            .map(|t| print!("{t}"))
            .map_err(|e| radstudy::pipeline::StudyError::bad(e.to_string())),
        Command::Synth { manifest } => {
            radstudy::pipeline::synth_only(&manifest, &opts).map(|p| println!("{}", p.display()))
        }
        Command::Shard { manifest, shard, out } => {
            radstudy::pipeline::shard::extract_shard(&manifest, shard, &out, &opts).map(|n| {
                if !cli.quiet {
                    eprintln!("shard {}/{}: {n} patients written to {}", shard.index, shard.count, out.display());
                }
            })
        }
        Command::Merge { manifest, shards } => {
            radstudy::pipeline::shard::merge(&manifest, &shards, &opts).map(|d| println!("{}", d.display()))
        }
        Command::Extract { image, mask, batch, params, label, out, diagnostics } => {
            extract(image, mask, batch, params, label, out, diagnostics).map(|(secs, per_case, faults)| {
                // The extraction itself (reading the files, features, the CSV text), without process
                // start and parameter parsing — the span PyRadiomics' `execute()` covers; and the
                // fresh memory pages it touched (minor page faults), a cost the VM makes large.
                // Then each case's own time (reading and features), in the batch's order.
                if cli.timings {
                    let n = per_case.len();
                    eprintln!("timings: extract {secs:.6} s, {n} case(s), {faults} page faults");
                    for (k, t) in per_case.iter().enumerate() {
                        eprintln!("timings: case {} of {n}: {t:.6} s", k + 1);
                    }
                }
            })
        }
        Command::RunAll { studies, out } => run_all(&studies, &out, &opts, cli.quiet),
        Command::Ibsi { reference } => radstudy::pipeline::ibsi(reference.as_deref()).map(|t| print!("{t}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", e.message());
            ExitCode::from(e.exit_code())
        }
    }
}

/// `radstudy extract`: one case or a batch, CSV to `out` (atomically) or standard output.
/// Returns the extraction's wall seconds, each case's wall seconds (in the batch's order) and
/// the minor page faults taken during the extraction.
fn extract(
    image: Option<PathBuf>,
    mask: Option<PathBuf>,
    batch: Option<PathBuf>,
    params: Option<PathBuf>,
    label: Option<u32>,
    out: Option<PathBuf>,
    diagnostics: bool,
) -> Result<(f64, Vec<f64>, u64), radstudy::pipeline::StudyError> {
    use radstudy::features::pyrad_batch as pb;
    use radstudy::pipeline::StudyError;
    let p = pb::load_params(params.as_deref()).map_err(StudyError::bad)?;
    let mut cases = match (batch, image, mask) {
        (Some(b), _, _) => pb::read_batch(&b).map_err(StudyError::bad)?,
        (None, Some(image), Some(mask)) => vec![pb::CaseInput { image, mask, label: None }],
        _ => return Err(StudyError::bad("give --image and --mask, or --batch cases.csv")),
    };
    if let Some(l) = label {
        for c in cases.iter_mut().filter(|c| c.label.is_none()) {
            c.label = Some(l);
        }
    }
    // Process start-up work stays outside the timed span, as PyRadiomics' imports do: the CPU
    // feature probe (cpuid, slow under a hypervisor) runs once per process, on first use.
    #[cfg(target_arch = "x86_64")]
    let _ = std::arch::is_x86_feature_detected!("avx2");
    keep_freed_memory();
    let faults_before = minor_page_faults();
    let start = std::time::Instant::now();
    let (csv, per_case) = pb::extract_csv_timed(&cases, &p, diagnostics).map_err(StudyError::bad)?;
    let secs = start.elapsed().as_secs_f64();
    let faults = minor_page_faults().saturating_sub(faults_before);
    match out {
        Some(path) => radstudy::io_util::write_atomic(&path, csv.as_bytes())
            .map_err(|e| StudyError::bad(format!("cannot write {}: {e}", path.display())))?,
        None => print!("{csv}"),
    }
    Ok((secs, per_case, faults))
}

/// Minor page faults of the process so far (getrusage); 0 where unavailable.
fn minor_page_faults() -> u64 {
    #[cfg(target_os = "linux")]
    {
        let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
        // SAFETY: getrusage writes one rusage into the valid, zeroed buffer it is given.
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) } == 0 {
            // SAFETY: getrusage succeeded, so the struct is initialised (it was zeroed anyway).
            return unsafe { usage.assume_init() }.ru_minflt.max(0) as u64;
        }
    }
    0
}

/// Extraction allocates and frees box- and volume-sized buffers (filtered images, texture
/// matrices) over and over. glibc's malloc hands freed blocks above its mmap threshold (128 KiB
/// at start) back to the kernel and trims the heap top above 128 KiB, so the next buffer faults
/// in fresh zeroed pages (on the benchmark VM ~1 µs per 4 KiB page back-to-back, 4-70 µs
/// right after another process freed a lot of memory; measured with a small C probe). For extraction,
/// keep freed memory for reuse: blocks up to 64 MiB come from the heap and up to 256 MiB of
/// free heap top stays mapped (peak RSS is then the largest working set, not less).
fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; called before any extraction thread
    // allocates (the rayon pool is idle), and both values are valid for these parameters.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 64 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 256 << 20);
    }
}

/// `radstudy run-all`: the index is written even when a study fails; the exit code then says so.
fn run_all(
    studies: &std::path::Path,
    out: &std::path::Path,
    opts: &radstudy::pipeline::RunOptions,
    quiet: bool,
) -> Result<(), radstudy::pipeline::StudyError> {
    let start = std::time::Instant::now();
    let s = radstudy::pipeline::index::run_all(studies, out, opts)?;
    if !quiet {
        for (name, secs) in &s.seconds {
            eprintln!("{name}: {secs:.1} s");
        }
        eprintln!(
            "total {:.1} s; index written to {}",
            start.elapsed().as_secs_f64(),
            out.join("index.html").display()
        );
    }
    if s.skipped > 0 {
        eprintln!("warning: {} study manifest(s) were skipped (see the status column of the index)", s.skipped);
    }
    if s.failed > 0 {
        return Err(radstudy::pipeline::StudyError::Internal(anyhow::anyhow!(
            "{} study/studies failed; see the status column of {}",
            s.failed,
            out.join("index.md").display()
        )));
    }
    Ok(())
}
