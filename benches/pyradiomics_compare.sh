#!/usr/bin/env bash
# radstudy vs PyRadiomics 3.1.4 on the five PyRadiomics sample cases (1,316 features each):
# prepares a venv OUTSIDE the repository (default /tmp/radstudy-pyradiomics-venv, override with
# PYRAD_VENV), builds the release binary and writes benches/results/pyradiomics_compare.md.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${PYRAD_VENV:-/tmp/radstudy-pyradiomics-venv}"
DATA="${RADSTUDY_REFERENCE:-../shared/reference}/pyradiomics/data"
PY="${PYTHON:-python3.11}"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import radiomics" 2>/dev/null; then
  "$PY" -m venv "$VENV"
  # plain `pyradiomics` does not install on Python 3.11; the bhklab build is the same 3.1 code.
  "$VENV/bin/pip" install --quiet pyradiomics-bhklab==3.1.4
fi
cargo build --release --quiet
mkdir -p benches/results
"$VENV/bin/python" benches/pyradiomics_compare.py --radstudy target/release/radstudy --data "$DATA" \
  --out benches/results/pyradiomics_compare.md "$@"
