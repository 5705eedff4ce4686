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

# Run every study in studies/ and write the reproduction index reports/index.html (.md, .csv)
run-all *args:
    cargo run --release --quiet -- run-all studies --out reports {{args}}
