#!/usr/bin/env bash
# One work unit of a sharded `meanfield verify`, as a task of a Slurm job array: the array index is the
# unit (`--array=0-(N-1)` for a plan of N units). A unit that fails is tried again here, up to
# MEANFIELD_ATTEMPTS times (default 3); a task whose node fails or is preempted is requeued by Slurm.
# Usage (ci/slurm/submit.sh does it): sbatch --array=0-18 ci/slurm/verify-unit.sh PLAN WORK
#SBATCH --job-name=meanfield-unit
#SBATCH --requeue
#SBATCH --cpus-per-task=1
#SBATCH --output=meanfield-unit-%A_%a.out
set -euo pipefail
plan=$1 work=$2
meanfield=${MEANFIELD:-meanfield}
attempts=${MEANFIELD_ATTEMPTS:-3}
for attempt in $(seq 1 "$attempts"); do
  code=0
  # shellcheck disable=SC2086  # MEANFIELD may be "dotnet path/meanfield.dll"
  $meanfield verify --run-unit "$SLURM_ARRAY_TASK_ID" --plan "$plan" --work "$work" --quiet || code=$?
  [[ $code == 0 ]] && exit 0
  # Exit 2 is bad input (a plan or scenario that does not match): trying again cannot help.
  [[ $code == 2 ]] && exit 2
  echo "meanfield unit $SLURM_ARRAY_TASK_ID: attempt $attempt of $attempts failed (exit $code)" >&2
done
exit 1
