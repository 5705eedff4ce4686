#!/usr/bin/env bash
# Submit a radstudy study to Slurm as three dependent jobs:
#   1. `radstudy synth` (generates a synthetic cohort; only checks a real cohort table),
#   2. a job array of N extraction shards (scripts/slurm_extract.sbatch), after 1 succeeded,
#   3. merge + study run (scripts/slurm_study.sbatch), after every shard succeeded.
# Usage: scripts/slurm_submit.sh MANIFEST WORKDIR N [extra sbatch options...]
# Prints the three job ids. RADSTUDY (exported to the jobs) names the radstudy binary.
set -euo pipefail
MANIFEST=$(realpath "${1:?usage: slurm_submit.sh MANIFEST WORKDIR N}")
WORK=$(realpath -m "${2:?WORKDIR missing}")
N=${3:?N missing}
shift 3
HERE=$(cd "$(dirname "$0")" && pwd)
export RADSTUDY=${RADSTUDY:-$(command -v radstudy || true)}
[ -x "$RADSTUDY" ] || { echo "slurm_submit: set RADSTUDY to the radstudy binary" >&2; exit 2; }
mkdir -p "$WORK/logs"
cd "$WORK/logs"
# `radstudy synth` generates a synthetic cohort once (and only checks a real cohort table)
synth=$(sbatch --parsable "$@" --job-name=radstudy-synth --output=slurm-%x-%j.out \
  --export=ALL --wrap "\"$RADSTUDY\" --quiet --data \"$WORK/data\" synth \"$MANIFEST\"")
dep=(--dependency=afterok:"$synth")
array=$(sbatch --parsable "$@" "${dep[@]}" --export=ALL --array=1-"$N" "$HERE/slurm_extract.sbatch" "$MANIFEST" "$WORK" "$N")
study=$(sbatch --parsable "$@" --dependency=afterok:"$array" --export=ALL "$HERE/slurm_study.sbatch" "$MANIFEST" "$WORK" "$N")
echo "synth $synth"
echo "shards $array"
echo "study $study"
