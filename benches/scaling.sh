#!/usr/bin/env bash
# Cohort scaling benchmark (called by benches/run.sh; runnable alone):
#   benches/scaling.sh BIN WORKDIR "100 1000 10000"
# For each size n: a copy of studies/tace_response.toml with n patients (70 % / 30 % over the two
# centres), `radstudy synth`, then `radstudy shard --shard 1/1` (hash inputs, extract every
# patient × sequence × ROI × observer, write the tables). Records wall, CPU (user + sys) and peak
# RSS of each step. CPU ms / patient is the number to compare across sizes when the machine is
# shared (wall time then depends on the load). Prints markdown table rows on stdout; each
# cohort's images are deleted after its run (10,000 patients ≈ 3 GB of NIfTI).
set -euo pipefail
BIN=$1; WORK=$2; SIZES=$3
THREADS=${SCALING_THREADS:-2}
mkdir -p "$WORK"
measure() { # LABEL CMD... → $WORK/LABEL.time = "wall user sys rss_kb"
  local label=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/$label.time" "$@" >"$WORK/$label.out" 2>"$WORK/$label.err" || {
    echo "scaling step $label failed:" >&2; cat "$WORK/$label.err" >&2; exit 1; }
}
for n in $SIZES; do
  a=$((n * 7 / 10)); b=$((n - a))
  sed -e "s/^name = \"tace_response\"/name = \"scale_$n\"/" \
      -e "s/patients = 85,/patients = $a,/" -e "s/patients = 37,/patients = $b,/" \
      studies/tace_response.toml >"$WORK/scale_$n.toml"
  load0=$(cut -d' ' -f1 /proc/loadavg)
  measure "synth_$n" "$BIN" --quiet --threads "$THREADS" --data "$WORK/sdata" synth "$WORK/scale_$n.toml"
  measure "extract_$n" "$BIN" --quiet --threads "$THREADS" --data "$WORK/sdata" shard "$WORK/scale_$n.toml" \
    --shard 1/1 --out "$WORK/shard_$n"
  load1=$(cut -d' ' -f1 /proc/loadavg)
  read -r sw su ss _ <"$WORK/synth_$n.time"
  read -r ew eu es erss <"$WORK/extract_$n.time"
  awk -v n="$n" -v sw="$sw" -v su="$su" -v ss="$ss" -v ew="$ew" -v eu="$eu" -v es="$es" -v rss="$erss" \
      -v l0="$load0" -v l1="$load1" 'BEGIN {
    printf "| %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %s → %s |\n",
      n, sw, 1000 * (su + ss) / n, ew, 1000 * ew / n, eu + es, 1000 * (eu + es) / n, rss / 1024, l0, l1 }'
  rm -rf "$WORK/sdata/scale_$n" "$WORK/shard_$n"
done
