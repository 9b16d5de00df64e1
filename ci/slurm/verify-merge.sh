#!/usr/bin/env bash
# The merge of a wave of a sharded `meanfield verify`, run after every task of the wave's unit array
# has ended (--dependency=afterany, so that missing units are named rather than the merge never
# running). If a sequential check needs another look (exit 4), the merge has written the next wave's
# plan into WORK, and this submits it (ci/slurm/submit.sh, found through MEANFIELD_SLURM_DIR).
# Usage (ci/slurm/submit.sh does it): sbatch --dependency=afterany:JOB ci/slurm/verify-merge.sh PLAN WORK OUT
#SBATCH --job-name=meanfield-merge
#SBATCH --cpus-per-task=1
#SBATCH --output=meanfield-merge-%j.out
set -euo pipefail
plan=$1 work=$2 out=$3
meanfield=${MEANFIELD:-meanfield}
code=0
# shellcheck disable=SC2086
$meanfield verify --merge "$work" --plan "$plan" --out "$out" --quiet || code=$?
if [[ $code == 4 ]]; then
  next=$(find "$work" -maxdepth 1 -name 'plan-wave-*.json' | sort | tail -n 1)
  options=()
  [[ -s $work/sbatch-options ]] && mapfile -t options < "$work/sbatch-options"
  exec bash "${MEANFIELD_SLURM_DIR:?set by ci/slurm/submit.sh}/submit.sh" "$next" "$work" "$out" "${options[@]}"
fi
exit "$code"
