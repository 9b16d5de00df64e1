#!/usr/bin/env bash
# Sinkhorn against exact W2 on the same clouds (uniform in [0,1]^4, seeded), one size after another:
# per-stage epsilon, points per side, iterations and seconds, then the final cost, its estimated error
# and the actual error against the exact solver, with wall time and peak memory of each process.
# Usage: bash ci/bench-sinkhorn.sh [sizes, default "4000 20000 100000"]   (n = 10^5 takes about an hour)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
sizes=${1:-"4000 20000 100000"}
py=/usr/bin/python3
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
$py -c 'import numpy' 2>/dev/null || { apt-get update -qq && apt-get install -y -qq python3-numpy >/dev/null; }
dotnet build Host -c Release -nologo -v quiet >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for n in $sizes; do
  $py - "$n" "$work" <<'PY'
import sys, numpy as np
n, out = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(4000 + n)
np.savetxt(f"{out}/a.csv", rng.random((n, 4)), delimiter=",", fmt="%.17g")
np.savetxt(f"{out}/b.csv", rng.random((n, 4)), delimiter=",", fmt="%.17g")
PY
  for method in sinkhorn exact; do
    /usr/bin/time -f '%e %M' -o "$work/$method.time" \
      dotnet Host/bin/Release/net10.0/meanfield.dll distance "$work/a.csv" "$work/b.csv" --method "$method" --json > "$work/$method.json"
  done
  $py - "$n" "$work" <<'PY'
import sys, json
n, w = sys.argv[1], sys.argv[2]
s, e = json.load(open(f"{w}/sinkhorn.json")), json.load(open(f"{w}/exact.json"))
ts, te = open(f"{w}/sinkhorn.time").read().split(), open(f"{w}/exact.time").read().split()
print(f"\n### D = 4, n = {n}\n")
print("| epsilon | points per side | iterations | seconds | S_eps |")
print("|---|---|---|---|---|")
for st in s["stages"]:
    print(f"| {st['epsilon']:.3g} | {st['row_points']} | {st['iterations']} | {st['seconds']:.2f} | {st['divergence']:.6g} |")
err = abs(s["cost"] - e["cost"])
print(f"\nSinkhorn {s['cost']:.7g} (estimated error {s['estimated_error']:.2g}), exact {e['cost']:.7g}: "
      f"actual error {err:.2g} ({100 * err / e['cost']:.2f}%); "
      f"wall {ts[0]} s, peak {int(ts[1]) // 1024} MiB (Sinkhorn) against {te[0]} s, {int(te[1]) // 1024} MiB (exact)")
PY
done
