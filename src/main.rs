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
    let opts = radstudy::pipeline::RunOptions { quiet: cli.quiet, data_dir: cli.data.clone() };
    let result = match cli.command {
        Command::Run { manifest, out } => radstudy::pipeline::run(&manifest, out.as_deref(), &opts).map(|out| {
            if !cli.quiet {
                eprintln!("report written to {}", out.display());
            }
        }),
        Command::Check { manifest } => radstudy::pipeline::check(&manifest).map(|msg| println!("{msg}")),
        Command::Synth { manifest } => {
            radstudy::pipeline::synth_only(&manifest, &opts).map(|p| println!("{}", p.display()))
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
