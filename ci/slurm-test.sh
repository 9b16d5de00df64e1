#!/usr/bin/env bash
# The sharded quick suite on a real Slurm cluster of one node, started here from Debian's packages:
# munged and slurmctld/slurmd (proctrack/linuxproc, task/none, this machine's CPUs), the suite planned,
# submitted as a job array with a merge that waits for it (and submits the next wave while a sequential check
# needs another look), and the merged results.json compared with a
# single-process run's, byte for byte but the wall-clock seconds. The daemons it started are stopped by
# PID at the end. Needs root (apt-get, munge). Not part of .ci/run (about 10 minutes on 2 cores).
# Usage: bash ci/slurm-test.sh [verify suite options, default: the quick suite]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
suite=("$@")

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  echo "slurm-test: installing slurmctld, slurmd, slurm-client and munge"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurmctld slurmd slurm-client munge >/dev/null
fi

t=$(mktemp -d /tmp/meanfield-slurm.XXXXXX)
chmod 755 "$t"
pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  echo "slurm-test: stopped the daemons it started (PIDs ${pids[*]:-none}); files in $t"
}
trap stop EXIT

# munge: a key of its own, and a munged of its own on its own socket.
# The key and munged's own files in a private folder; the socket in one every user can reach.
mkdir -p "$t/munge" "$t/munge-socket"
chown munge:munge "$t/munge" "$t/munge-socket"
chmod 700 "$t/munge"
chmod 755 "$t/munge-socket"
runuser -u munge -- mungekey --create --keyfile "$t/munge/munge.key"
runuser -u munge -- munged --key-file "$t/munge/munge.key" --socket "$t/munge-socket/socket" \
  --pid-file "$t/munge/munged.pid" --log-file "$t/munge/munged.log" --seed-file "$t/munge/seed"
for _ in $(seq 1 50); do [[ -s $t/munge/munged.pid ]] && break; sleep 0.1; done
pids+=("$(cat "$t/munge/munged.pid")")

host=$(hostname -s)
cpus=$(nproc)
memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
mkdir -p "$t/state" "$t/spool"
cat > "$t/slurm.conf" <<CONF
ClusterName=meanfield-test
SlurmctldHost=$host
AuthType=auth/munge
AuthInfo=socket=$t/munge-socket/socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$t/state
SlurmdSpoolDir=$t/spool
SlurmctldPidFile=$t/slurmctld.pid
SlurmdPidFile=$t/slurmd.pid
SlurmctldLogFile=$t/slurmctld.log
SlurmdLogFile=$t/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$t/slurm.conf
slurmctld -f "$t/slurm.conf"
for _ in $(seq 1 100); do [[ -s $t/slurmctld.pid ]] && break; sleep 0.1; done
pids+=("$(cat "$t/slurmctld.pid")")
slurmd -f "$t/slurm.conf"
for _ in $(seq 1 100); do [[ -s $t/slurmd.pid ]] && break; sleep 0.1; done
pids+=("$(cat "$t/slurmd.pid")")
for _ in $(seq 1 100); do
  state=$(sinfo -h -N -o %t 2>/dev/null | head -1)
  [[ $state == idle ]] && break
  sleep 0.2
done
echo "slurm-test: cluster up: node $host, $cpus CPUs, state ${state:-unknown}"
[[ $state == idle ]] || { cat "$t/slurmctld.log" "$t/slurmd.log" >&2; exit 1; }

dotnet build Host/Host.csproj -c Release -nologo -v quiet
export MEANFIELD="dotnet $root/Host/bin/Release/net10.0/meanfield.dll"
$MEANFIELD verify "${suite[@]}" --baseline ci/baseline.json --plan "$t/plan.json"
read -r array merge < <(bash ci/slurm/submit.sh "$t/plan.json" "$t/work" "$t/merged" --output="$t/%x-%A_%a.out" | sed -E 's/units: job ([0-9]+).*merge: job ([0-9]+).*/\1 \2/')
echo "slurm-test: submitted wave 0's units as array job $array and its merge as job $merge"
started=$(date +%s)
# A merge that needs another wave submits it: wait until this cluster has no job left.
while squeue -h 2>/dev/null | grep -q .; do sleep 5; done
waves=$(find "$t/work" -maxdepth 1 -name 'plan-wave-*.json' | wc -l)
echo "slurm-test: $((waves + 1)) waves of units and merges ended after $(( $(date +%s) - started )) s"
sacct_state() { scontrol show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z]*' | head -1; }
cat "$t"/meanfield-merge-*.out
[[ -f $t/merged/results.json ]] || { echo "slurm-test: the merge wrote no report" >&2; tail -n 20 "$t"/meanfield-unit-*.out >&2; exit 1; }

echo "slurm-test: the same suite in one process"
single_started=$(date +%s)
$MEANFIELD verify "${suite[@]}" --out "$t/single" --quiet > "$t/single.log" 2>&1 || true
echo "slurm-test: single process took $(( $(date +%s) - single_started )) s"
python3 - "$t/merged/results.json" "$t/single/results.json" <<'PY'
import json, sys
def strip(o):
    if isinstance(o, dict): return {k: strip(v) for k, v in o.items() if k != "seconds"}
    if isinstance(o, list): return [strip(v) for v in o]
    return o
merged, single = (json.dumps(strip(json.load(open(p))), sort_keys=False) for p in sys.argv[1:])
if merged != single:
    print("slurm-test: FAILED: the merged results.json differs from the single-process one"); sys.exit(1)
checks = json.load(open(sys.argv[1]))["checks"]
print(f"slurm-test: passed: the merged results.json of {len(checks)} checks equals the single-process one byte for byte but the wall-clock seconds")
PY
