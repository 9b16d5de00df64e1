#!/usr/bin/env bash
# A sharded run without a scheduler: plans the suite, runs every unit of a wave as its own process,
# JOBS at a time (xargs), merges, and runs the next wave while the merge asks for one (exit 4), until
# the report is written. Each merge prints every wave's measured total, longest unit and simulated wall
# times on 16, 64 and 256 workers; the units' results (their measured seconds) stay in WORK.
# It measures the cost of every unit of a suite on one machine, and is what a user without Slurm or
# Kubernetes runs on a workstation.
# Usage: bash ci/waves-local.sh WORK OUT [verify suite options, e.g. --suite full]
# JOBS units at a time (default 1: each unit uses every core, and its seconds are measured alone);
# BASELINE the stored run the plan's costs come from (default ci/baseline.json, the quick suite's);
# MEANFIELD names the tool (default: this tree's build).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(realpath -m "$1") out=$(realpath -m "$2")
shift 2
jobs=${JOBS:-1}
if [[ -z ${MEANFIELD:-} ]]; then
  dotnet build Host/Host.csproj -c Release -nologo -v quiet
  MEANFIELD="dotnet $(pwd)/Host/bin/Release/net10.0/meanfield.dll"
fi
mkdir -p "$work"
$MEANFIELD verify "$@" --baseline "${BASELINE:-ci/baseline.json}" --plan "$work/plan.json"
plan=$work/plan.json
started=$(date +%s)
while :; do
  wave=$(basename "$plan" .json)
  units=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["units"]))' "$plan")
  echo "waves-local: $(basename "$plan"): $units units, $jobs at a time"
  # A unit that fails is named by the merge (exit 2), as on a scheduler.
  seq 0 $((units - 1)) | xargs -P "$jobs" -I{} sh -c "$MEANFIELD verify --run-unit {} --plan '$plan' --work '$work' --quiet > '$work/$wave-unit-{}.log' 2>&1 || echo 'waves-local: unit {} failed, see $work/$wave-unit-{}.log'"
  rc=0
  $MEANFIELD verify --merge "$work" --plan "$plan" --out "$out" || rc=$?
  [[ $rc == 4 ]] || break
  plan=$(find "$work" -maxdepth 1 -name 'plan-wave-*.json' | sort | tail -1)
done
echo "waves-local: ended with exit $rc after $(( $(date +%s) - started )) s"
exit "$rc"
