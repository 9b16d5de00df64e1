#!/usr/bin/env bash
# Runs a sharded `meanfield verify` on Kubernetes wave by wave: for each wave, the Indexed Job of
# verify-job.yaml with as many completions as the wave's plan has units, then the merge Job of
# verify-merge.yaml; a merge that exits 4 wrote the next wave's plan into /work/units, which the loop
# runs next. Ends with the merge's exit code (0 passed, 1 violated, 3 inconclusive, 2 bad input).
# Usage: bash deploy/k8s/run-waves.sh PLAN   (PLAN: the local copy of /work/plan.json, for its size)
# Needs kubectl with a context, the volume of verify-job.yaml, and plan.json copied to /work on it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
local_plan=$1
plan=/work/plan.json
wave=0
count() { python3 -c 'import json, sys; print(len(json.load(sys.stdin)["units"]))'; }
units=$(count < "$local_plan")
while true; do
  echo "run-waves: wave $wave: $units units, plan $plan"
  # The Job of this wave only (the PersistentVolumeClaim is the first document, applied already).
  python3 - "$here/verify-job.yaml" "$units" "$plan" <<'PY' | kubectl apply -f -
import re, sys
text = open(sys.argv[1]).read().split("\n---\n", 1)[1]
text = re.sub(r"completions: \d+", f"completions: {sys.argv[2]}", text)
text = re.sub(r"maxFailedIndexes: \d+", f"maxFailedIndexes: {sys.argv[2]}", text)
print(text.replace("value: /work/plan.json", f"value: {sys.argv[3]}"))
PY
  kubectl wait --for=condition=complete job/meanfield-verify-units --timeout=24h
  sed "s#value: /work/plan.json#value: $plan#" "$here/verify-merge.yaml" | kubectl apply -f -
  kubectl wait --for=jsonpath='{.status.conditions[0].type}' job/meanfield-verify-merge --timeout=24h || true
  code=$(kubectl get pods -l job-name=meanfield-verify-merge -o jsonpath='{.items[0].status.containerStatuses[0].state.terminated.exitCode}')
  kubectl logs job/meanfield-verify-merge | tail -n 20
  kubectl delete job meanfield-verify-units meanfield-verify-merge --wait
  [[ $code == 4 ]] || exit "$code"
  wave=$((wave + 1))
  plan=$(printf '/work/units/plan-wave-%02d.json' "$wave")
  units=$(kubectl run "meanfield-plan-$wave" --rm -i --restart=Never --image=busybox \
    --overrides='{"spec":{"volumes":[{"name":"w","persistentVolumeClaim":{"claimName":"meanfield-work"}}],"containers":[{"name":"c","image":"busybox","command":["cat","'"$plan"'"],"volumeMounts":[{"name":"w","mountPath":"/work"}]}]}}' \
    | count)
done
