#!/usr/bin/env bash
# Submits a wave of a plan written by `meanfield verify [suite options] --plan PLAN` to Slurm: a job
# array of one task per unit, then the merge, which waits for all of them. A merge that finds a
# sequential check undecided (exit 4) submits the next wave the same way, with the same sbatch options,
# until the report is written. Prints the two job ids of this wave.
# Usage: ci/slurm/submit.sh PLAN WORK OUT [extra sbatch options...]
# MEANFIELD names the tool (default `meanfield`, e.g. "dotnet /path/meanfield.dll"); PLAN, WORK and
# OUT must be on a file system every node sees.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
plan=$(realpath "$1") work=$(realpath -m "$2") out=$(realpath -m "$3")
shift 3
units=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["units"]))' "$plan")
mkdir -p "$work"
# For the merge's next wave: where these scripts are (Slurm runs a copy of a batch script, elsewhere)
# and the sbatch options, one per line.
export MEANFIELD_SLURM_DIR=$here
printf '%s\n' "$@" > "$work/sbatch-options"
array=$(sbatch --parsable --array="0-$((units - 1))" --chdir="$work" "$@" "$here/verify-unit.sh" "$plan" "$work")
merge=$(sbatch --parsable --dependency="afterany:$array" --chdir="$work" "$@" "$here/verify-merge.sh" "$plan" "$work" "$out")
echo "units: job $array ($units tasks); merge: job $merge -> $out"
