#!/usr/bin/env bash
# `just slurm-demo`: a real single-node Slurm cluster on this machine (Debian's slurm-wlm:
# munged, slurmctld and slurmd on localhost, state in a temp folder), then the default study
# through scripts/slurm_submit.sh: synth job → 3-task extraction array → merge + study run.
# Checks the sharded study's metrics.csv is byte-identical to an unsharded run, prints the
# job ids, the accounting of each step and where the report is. Needs root for apt and the
# daemons (as in CI). STUDY and SHARDS override the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
STUDY=${STUDY:-studies/tace_response.toml}
SHARDS=${SHARDS:-3}
if ! command -v sbatch >/dev/null || ! command -v slurmctld >/dev/null; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm >/dev/null
fi
if [ -z "${RADSTUDY:-}" ]; then
  cargo build --release --quiet --bin radstudy
  RADSTUDY=$ROOT/target/release/radstudy
fi
export RADSTUDY

DIR=$(mktemp -d /tmp/radstudy-slurm.XXXXXX)
mkdir -p "$DIR/state" "$DIR/spool" "$DIR/munge"
cleanup() {
  [ -f "$DIR/slurmd.pid" ] && kill "$(cat "$DIR/slurmd.pid")" 2>/dev/null || true
  [ -f "$DIR/slurmctld.pid" ] && kill "$(cat "$DIR/slurmctld.pid")" 2>/dev/null || true
  [ -f "$DIR/munge/munged.pid" ] && kill "$(cat "$DIR/munge/munged.pid")" 2>/dev/null || true
}
trap cleanup EXIT

# munge: the package's key, our own socket and pid file
[ -f /etc/munge/munge.key ] || { mkdir -p /etc/munge; dd if=/dev/urandom of=/etc/munge/munge.key bs=1k count=1 2>/dev/null; }
chmod 600 /etc/munge/munge.key
export MUNGE_SOCKET=$DIR/munge/munge.socket
munged --force --socket="$MUNGE_SOCKET" --pid-file="$DIR/munge/munged.pid" \
  --log-file="$DIR/munge/munged.log" --seed-file="$DIR/munge/munged.seed"

HOST=$(hostname -s)
NODE=$(slurmd -C | head -1 | sed -e "s/NodeName=[^ ]*/NodeName=$HOST/" -e 's/ UpTime=.*//')
MEM=$(echo "$NODE" | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
NODE=$(echo "$NODE" | sed "s/RealMemory=[0-9]*/RealMemory=$((MEM * 9 / 10))/")
cat >"$DIR/slurm.conf" <<CONF
ClusterName=radstudy-demo
SlurmctldHost=$HOST
AuthType=auth/munge
AuthInfo=socket=$MUNGE_SOCKET
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MinJobAge=3600
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
$NODE State=UNKNOWN
PartitionName=demo Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$DIR/slurm.conf
slurmctld -c
slurmd -c
for _ in $(seq 60); do
  state=$(sinfo -h -o %T 2>/dev/null | head -1 || true)
  [ "$state" = idle ] && break
  sleep 1
done
echo "slurm: $(sinfo -h -o '%P %D %T %c cpus')"
[ "$state" = idle ] || { echo "slurm node did not become idle (state: $state)"; tail -20 "$DIR/slurmctld.log" "$DIR/slurmd.log"; exit 1; }

WORK=$DIR/work
t0=$(date +%s)
mapfile -t ids < <(scripts/slurm_submit.sh "$STUDY" "$WORK" "$SHARDS")
printf '  %s\n' "${ids[@]}"
study=$(printf '%s\n' "${ids[@]}" | sed -n 's/^study //p')
while squeue -h -j "$study" 2>/dev/null | grep -q .; do sleep 2; done
t1=$(date +%s)
echo "== jobs (scontrol)"
for id in $(printf '%s\n' "${ids[@]}" | awk '{print $2}'); do
  scontrol -o show job "$id" | while read -r line; do
    tr ' ' '\n' <<<"$line" | grep -E '^(JobId|ArrayTaskId|JobName|JobState|ExitCode|RunTime)=' | paste -sd' '
  done
done
state=$(scontrol -o show job "$study" | tr ' ' '\n' | sed -n 's/^JobState=//p')
[ "$state" = COMPLETED ] || { echo "study job ended $state"; tail -n 30 "$WORK"/logs/*.out; exit 1; }
echo "== the sharded study finished in $((t1 - t0)) s; report: $WORK/report/report.html"

"$RADSTUDY" --quiet --data "$DIR/plain-data" --no-cache run "$STUDY" --out "$DIR/plain-report" 2>"$DIR/plain.err"
if cmp -s "$WORK/report/metrics.csv" "$DIR/plain-report/metrics.csv"; then
  echo "== metrics.csv of the Slurm run ($SHARDS shards) equals the unsharded run byte for byte"
else
  echo "== metrics.csv differs from the unsharded run"; diff "$WORK/report/metrics.csv" "$DIR/plain-report/metrics.csv" | head; exit 1
fi
