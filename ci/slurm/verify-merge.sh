#!/usr/bin/env bash
# The merge of a sharded `meanfield verify`, run after every task of the unit array has ended
# (--dependency=afterany, so that missing units are named rather than the merge never running).
# Usage (ci/slurm/submit.sh does it): sbatch --dependency=afterany:JOB ci/slurm/verify-merge.sh PLAN WORK OUT
#SBATCH --job-name=meanfield-merge
#SBATCH --cpus-per-task=1
#SBATCH --output=meanfield-merge-%j.out
set -euo pipefail
plan=$1 work=$2 out=$3
meanfield=${MEANFIELD:-meanfield}
# shellcheck disable=SC2086
exec $meanfield verify --merge "$work" --plan "$plan" --out "$out" --quiet
