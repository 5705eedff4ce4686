# radstudy recipes. `just run studies/tace_response.toml` runs the default study.

default:
    @just --list

# Run a whole study (cohort, extraction, stability, selection, models, validation, report)
run manifest *args:
    cargo run --release --quiet -- run {{manifest}} {{args}}

# Validate a manifest without running it
check manifest:
    cargo run --release --quiet -- check {{manifest}}

# Generate a study's synthetic cohort only
synth manifest:
    cargo run --release --quiet -- synth {{manifest}}

# Score the IBSI feature engine against the IBSI 1 reference values
ibsi:
    cargo run --release --quiet -- ibsi

# The test suite (the same command CI runs)
test:
    cargo test --release

# Benchmarks (writes benches/results/*.md)
bench:
    bash benches/run.sh

fmt:
    cargo fmt --all

lint:
    cargo clippy --all-targets -- -D warnings

# Fuzz the NIfTI, NRRD and DICOM readers and the manifest parser for `secs` seconds each:
# libFuzzer via cargo-fuzz on nightly when available, then the stable seeded mutation loop.
fuzz secs="60":
    #!/usr/bin/env bash
    set -euo pipefail
    cd fuzz
    if rustup toolchain list | grep -q nightly && command -v cargo-fuzz >/dev/null; then
        for t in nifti nrrd dicom manifest; do
            mkdir -p corpus/"$t"; cargo +nightly fuzz run --features libfuzzer -s none "$t" corpus/"$t" seeds/"$t" -- \
                -max_total_time={{secs}} -rss_limit_mb=4096 -malloc_limit_mb=2048 -print_final_stats=1
        done
    fi
    CARGO_TARGET_DIR=../target cargo run --release --quiet --bin mutate -- all {{secs}}

# Open the small study's report.html in headless Chromium; screenshot in target/report-check/
report-check:
    cargo test --release --test report_check -- --nocapture

# radstudy vs PyRadiomics 3.1.4 (installs it into a venv outside the repo; writes benches/results/pyradiomics_compare.md)
pyradiomics-compare:
    bash benches/pyradiomics_compare.sh

# Run every study in studies/ and write the reproduction index reports/index.html (.md, .csv)
run-all *args:
    cargo run --release --quiet -- run-all studies --out reports {{args}}

# A real single-node Slurm (Debian slurm-wlm) on this machine: synth → shard array → merge + study
slurm-demo:
    bash scripts/slurm_demo.sh
