#!/usr/bin/env bash
# A step of (P) at scale, whole and phase by phase, beside the machine's limit (Benchmarks/StepSplit.cs):
# d = 2 at 10^5, 10^6 and 10^7 cells, d = 3 at 10^5 and 10^6, then the scatter kernel's rate on one core
# and on every core. Prints Markdown tables (the README's "The engine at scale" comes from them).
# Usage: bash ci/bench-step.sh [CELLS,... [DIMENSIONS,...]]   (about 8 minutes on 2 cores by default)
# BEFORE=DIR: also run the build in DIR (a checkout of another commit) first, for a before/after in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
run() {
  local tree=$1
  shift
  dotnet build "$tree/Benchmarks" -c Release -nologo -v quiet >/dev/null
  dotnet "$tree/Benchmarks/bin/Release/net10.0/MeanField.Benchmarks.dll" step-split "$@"
}
args=("$@")
for tree in ${BEFORE:+"$BEFORE"} .; do
  echo "## $(git -C "$tree" log -1 --format='%h %s' | cut -c1-80)"
  if [ ${#args[@]} -gt 0 ]; then
    run "$tree" "${args[@]}"
  else
    run "$tree" 100000,1000000,10000000 2
    run "$tree" 100000,1000000 3
  fi
done
