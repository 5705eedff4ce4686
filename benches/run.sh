#!/usr/bin/env bash
# `just bench`: radstudy's speed and scale benchmarks on this machine. Writes
# benches/results/<date>-<host>.md with the machine, the versions and every time, ratio and
# peak RSS. Python peers (scikit-learn, scikit-survival, MIRP) live in a venv outside the
# repository: BENCH_VENV (default /work/venvs/speed) — created with pip when missing.
# BENCH_SIZES (default "100 1000") sets the cohort-scaling sizes; add 10000 for the big one.
# The default study's Python peer (benches/study_python.py: PyRadiomics + scikit-learn) runs in
# BENCH_PYRAD_VENV (default /work/venvs/pyrad) — created with pip when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV=${BENCH_VENV:-/work/venvs/speed}
SIZES=${BENCH_SIZES:-"100 1000"}
REF=${BENCH_REFERENCE:-../shared/reference}
WORK=$(mktemp -d /tmp/radstudy-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
OUT=benches/results/$(date +%Y-%m-%d)-$(hostname -s).md
BIN=$ROOT/target/release/radstudy

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q mirp scikit-learn scikit-survival pandas
fi
PY=$VENV/bin/python
PYRAD_VENV=${BENCH_PYRAD_VENV:-/work/venvs/pyrad}
if [ ! -x "$PYRAD_VENV/bin/python" ]; then
  python3 -m venv "$PYRAD_VENV"
  "$PYRAD_VENV/bin/pip" install -q pyradiomics-bhklab scikit-learn scipy
fi
PYRAD=$PYRAD_VENV/bin/python

cargo build --release --quiet --bin radstudy --example bench_radstudy
BENCH=$ROOT/target/release/examples/bench_radstudy

# run LABEL CMD... : wall seconds and peak RSS (MB) of CMD into $WORK/LABEL.{wall,rss,err}
run() {
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/$label.time" "$@" >"$WORK/$label.out" 2>"$WORK/$label.err" || {
    echo "bench step $label failed:"; cat "$WORK/$label.err"; exit 1; }
  read -r wall rss <"$WORK/$label.time"
  echo "$wall" >"$WORK/$label.wall"
  echo $((rss / 1024)) >"$WORK/$label.rss"
}
val() { cat "$WORK/$1"; }
ratio() { "$PY" -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{a/b:.1f}' if b>0 else 'n/a')" "$1" "$2"; }
json() { "$PY" -c "import json,sys; print(json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])[sys.argv[2]])" "$WORK/$1.out" "$2"; }
fmt() { "$PY" -c "import sys; print(f'{float(sys.argv[1]):.2f}')" "$1"; }

echo "== whole default study (2 threads): cold, warm, then no cache"
run study_cold "$BIN" --quiet --timings --threads 2 --data "$WORK/data" --cache "$WORK/cache" run studies/tace_response.toml --out "$WORK/study"
run study_warm "$BIN" --quiet --timings --threads 2 --data "$WORK/data" --cache "$WORK/cache" run studies/tace_response.toml --out "$WORK/study2"
run study_nocache "$BIN" --quiet --timings --threads 2 --data "$WORK/data" --no-cache run studies/tace_response.toml --out "$WORK/study3"
cmp -s "$WORK/study/metrics.csv" "$WORK/study2/metrics.csv" && WARM_SAME=yes || WARM_SAME=NO
to_model() { sed -n 's/.*to_modelling \([0-9.]*\) s, modelling \([0-9.]*\) s, writing \([0-9.]*\) s.*/\1 \2 \3/p' "$WORK/$1.err"; }
read -r COLD_TO COLD_MOD COLD_WR <<<"$(to_model study_cold)"
read -r WARM_TO WARM_MOD WARM_WR <<<"$(to_model study_warm)"
read -r NOC_TO NOC_MOD NOC_WR <<<"$(to_model study_nocache)"

echo "== the same study in Python (PyRadiomics + scikit-learn) on the cold run's cohort: Pool of 2, then 1 process"
for w in 2 1; do
  run "pystudy_$w" "$PYRAD" benches/study_python.py --data "$WORK/data/tace_response" \
    --manifest studies/tace_response.toml --workers "$w" --out "$WORK/pystudy_$w"
done
pyrow() {
  echo "| PyRadiomics + scikit-learn, $2 | $(json "$1" extraction_s) | $(json "$1" modelling_s) | $(val "$1.wall") | $(ratio "$(val "$1.wall")" "$(val study_cold.wall)") | $(ratio "$(val "$1.wall")" "$(val study_nocache.wall)") | $(ratio "$(val "$1.wall")" "$(val study_warm.wall)") | $(val "$1.rss") |"
}
PYSTUDY_ROWS="$(pyrow pystudy_2 "Pool of 2 workers")"$'\n'"$(pyrow pystudy_1 "one process")"

echo "== cohort scaling: $SIZES"
SCALE_ROWS=$(bash benches/scaling.sh "$BIN" "$WORK/scaling" "$SIZES")

echo "== IBSI CT phantom C-E, one core: radstudy vs MIRP"
run ibsi_rs env RAYON_NUM_THREADS=1 taskset -c 0 "$BENCH" ibsi "$REF/ibsi"
run ibsi_mirp env OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 taskset -c 0 "$PY" benches/ibsi_mirp.py "$REF/ibsi"

echo "== gzip decoding of the PyRadiomics sample images, one core: radstudy vs zlib-rs"
run gzip_rs taskset -c 0 "$BENCH" gzip "$REF/pyradiomics/data"
GZIP_ROWS=""
for c in brain1 brain2 breast1 lung1 lung2; do
  GZIP_ROWS+="| $c | $(json gzip_rs ${c}_mb) | $(json gzip_rs ${c}_ours_ms) | $(json gzip_rs ${c}_zlib_ms) | $(ratio "$(json gzip_rs ${c}_zlib_ms)" "$(json gzip_rs ${c}_ours_ms)") |"$'\n'
done

echo "== selection chain and LASSO-Cox on 300 x 1,500"
"$PY" benches/gen_data.py "$WORK/bench.csv"
run sel_rs "$BENCH" selection "$WORK/bench.csv"
run sel_py env OMP_NUM_THREADS=2 "$PY" benches/selection_sklearn.py "$WORK/bench.csv"
run cox_rs "$BENCH" coxnet "$WORK/bench.csv"
run cox_py env OMP_NUM_THREADS=2 "$PY" benches/coxnet_sksurv.py "$WORK/bench.csv"

SEL_RS=$(json sel_rs selection_nested_s); SEL_FIX=$(json sel_py fixed_s); SEL_NEST=$(json sel_py nested_s)
SEL_NEST10=$(json sel_py nested10_s)
COX_RS=$(json cox_rs coxnet_cv_s); COX_PY=$(json cox_py coxnet_cv_s)
pyrad_ver() { "$PYRAD" -c "import importlib.metadata as m; print(m.version('$1'))" 2>/dev/null || echo "not installed"; }
pyver() { "$PY" -c "import importlib.metadata as m; print(m.version('$1'))" 2>/dev/null || echo "not installed"; }

mkdir -p benches/results
cat >"$OUT" <<MD
# radstudy benchmarks — $(date -u +"%Y-%m-%d %H:%M UTC")

## Machine
- CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), nproc $(nproc)
- RAM: $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)
- radstudy $("$BIN" --version | cut -d' ' -f2) ($(git rev-parse --short HEAD)), $(rustc --version)
- Python $("$PY" -c 'import platform; print(platform.python_version())'), scikit-learn $(pyver scikit-learn), scikit-survival $(pyver scikit-survival), MIRP $(pyver mirp), numpy $(pyver numpy)

## Whole default study (\`studies/tace_response.toml\`, release, \`--threads 2\`) — target ≤ 60 s

| run | wall s | to modelling s | modelling s | writing s | peak RSS MB |
| --- | ---: | ---: | ---: | ---: | ---: |
| cold (fresh synthetic cohort + extraction) | $(val study_cold.wall) | $(fmt "$COLD_TO") | $(fmt "$COLD_MOD") | $(fmt "$COLD_WR") | $(val study_cold.rss) |
| no cache (existing cohort: extraction, no synthesis) | $(val study_nocache.wall) | $(fmt "$NOC_TO") | $(fmt "$NOC_MOD") | $(fmt "$NOC_WR") | $(val study_nocache.rss) |
| warm (feature cache hit) | $(val study_warm.wall) | $(fmt "$WARM_TO") | $(fmt "$WARM_MOD") | $(fmt "$WARM_WR") | $(val study_warm.rss) |

Warm run reaches modelling in $(fmt "$WARM_TO") s (target ≤ 2 s); metrics.csv identical to the cold run: $WARM_SAME.

The same pipeline in Python (\`benches/study_python.py\`, PyRadiomics $(pyrad_ver pyradiomics-bhklab), scikit-learn $(pyrad_ver scikit-learn); target radstudy ≥ 10× faster). The Python wall excludes synthesis (it reads the cold run's cohort); radstudy's cold wall includes it, its no-cache wall does not.

| run | extraction s | rest s | wall s | ratio / radstudy cold | ratio / radstudy no cache | ratio / radstudy warm | peak RSS MB |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${PYSTUDY_ROWS}

## Cohort scaling (synthetic, 3 sequences × 2 ROIs × 2 observers, \`--threads 2\`; \`benches/scaling.sh\`)
Extraction = \`radstudy shard --shard 1/1\` (hash inputs, extract, write tables). CPU = user + sys; compare
CPU ms / patient across sizes when the machine is shared.

| patients | synth wall s | synth CPU ms / patient | extraction wall s | extraction wall ms / patient | extraction CPU s | extraction CPU ms / patient | extraction peak RSS MB | load average (1 min) before → after |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |
${SCALE_ROWS}

## IBSI CT phantom, configurations C–E, one core (taskset, 1 thread)

| | radstudy s | MIRP s | ratio MIRP / radstudy | radstudy rows passed |
| --- | ---: | ---: | ---: | ---: |
| C | $(json ibsi_rs C_s) | $(json ibsi_mirp C_s) | $(ratio "$(json ibsi_mirp C_s)" "$(json ibsi_rs C_s)") | $(json ibsi_rs C_passed)/$(json ibsi_rs C_rows) |
| D | $(json ibsi_rs D_s) | $(json ibsi_mirp D_s) | $(ratio "$(json ibsi_mirp D_s)" "$(json ibsi_rs D_s)") | $(json ibsi_rs D_passed)/$(json ibsi_rs D_rows) |
| E | $(json ibsi_rs E_s) | $(json ibsi_mirp E_s) | $(ratio "$(json ibsi_mirp E_s)" "$(json ibsi_rs E_s)") | $(json ibsi_rs E_passed)/$(json ibsi_rs E_rows) |

## gzip decoding, PyRadiomics sample images (voxel data of \`<case>_image.nrrd\`), one core
radstudy's decoder (\`src/image/inflate.rs\`) vs zlib-rs 0.6 through flate2's \`MultiGzDecoder\`
(256 KiB reads, radstudy's reader before); both check the CRC-32; minimum of 9 runs; the outputs
are compared.

| case | compressed MB | radstudy ms | zlib-rs ms | ratio zlib-rs / radstudy |
| --- | ---: | ---: | ---: | ---: |
${GZIP_ROWS}
## Selection chain, 300 × 1,500, 20 × 5-fold repeated CV (2 threads / OMP 2)
|r| > 0.9 filter → L1 logistic (radstudy: 50 λ, inner 5-fold CV, rule min) → L2 logistic, in every
training split (\`benches/selection_sklearn.py\` is the scikit-learn peer; the |r| filter's
relevance is a vectorised AUC there, equal to \`roc_auc_score\`).

| | seconds | mean CV AUC | ratio peer / radstudy |
| --- | ---: | ---: | ---: |
| radstudy (nested λ search) | $SEL_RS | $(json sel_rs mean_repeat_auc) | |
| scikit-learn, fixed C = 0.1 | $(fmt "$SEL_FIX") | $(json sel_py auc_fixed) | $(ratio "$SEL_FIX" "$SEL_RS") |
| scikit-learn, nested (LogisticRegressionCV, 50 C = radstudy's 50 λ, 5-fold) | $(fmt "$SEL_NEST") | $(json sel_py auc_nested) | $(ratio "$SEL_NEST" "$SEL_RS") |
| scikit-learn, nested (LogisticRegressionCV, its default 10 C, 5-fold) | $(fmt "$SEL_NEST10") | $(json sel_py auc_nested10) | $(ratio "$SEL_NEST10" "$SEL_RS") |

## LASSO-Cox path (100 λ) + 10-fold CV, 300 × 1,500

| | seconds | ratio scikit-survival / radstudy |
| --- | ---: | ---: |
| radstudy (tol 1e-7) | $COX_RS | |
| scikit-survival CoxnetSurvivalAnalysis (tol 1e-7) | $(fmt "$COX_PY") | $(ratio "$COX_PY" "$COX_RS") |

Raw JSON: radstudy selection $(cat "$WORK/sel_rs.out"); coxnet $(cat "$WORK/cox_rs.out"); sksurv $(cat "$WORK/cox_py.out").
MD
echo "wrote $OUT"
cat "$OUT"
