#!/usr/bin/env bash
# Where exact transport spends its time on each cloud family the suite measures: `meanfield distance
# --method exact --json` on clouds of the issue's table (uniform in D = 4; uniform, two clusters three
# apart, and points on a curve in phase space, each n against 4 n in D = 2), with the solver's profile:
# the seconds of seeding (nearest neighbours), augmenting (Dijkstra searches, and the paths each augments along) and pricing (passes over all n m
# pairs), the work of each, and the multiscale seed's coarse problem (clusters of each cloud). Prints a Markdown table. Usage: bash ci/profile-transport.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
py=/usr/bin/python3
$py -c 'import numpy' 2>/dev/null || { apt-get update -qq && apt-get install -y -qq python3-numpy >/dev/null; }
dotnet build Host -c Release -nologo -v quiet >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "| clouds | n x m | D | total (s) | seed (s) | augment (s) | pricing (s) | passes | arcs seed -> final | seeded flow | searches | augmentations | nodes popped | arcs relaxed | repriced rows | coarse problem |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for family in uniform-d4 uniform clusters curve; do
  $py - "$family" "$work" <<'PY'
import sys, numpy as np
family, out = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(20261202)
def cloud(n):
    if family == "uniform-d4": return rng.random((n, 4))
    if family == "uniform": return rng.random((n, 2))
    if family == "clusters":
        centre = np.where(rng.random(n) < 0.5, 0.0, 3.0)
        return np.column_stack([centre + 0.5 * rng.standard_normal(n), 0.5 * rng.standard_normal(n)])
    x = rng.uniform(-1, 1, n)  # monokinetic: v = u(x) on a curve, no spread in v
    return np.column_stack([x, 0.5 * np.sin(np.pi * x)])
n, m = (4000, 4000) if family == "uniform-d4" else (2000, 8000)
np.savetxt(f"{out}/a.csv", cloud(n), delimiter=",", fmt="%.17g")
np.savetxt(f"{out}/b.csv", cloud(m), delimiter=",", fmt="%.17g")
PY
  dotnet Host/bin/Release/net10.0/meanfield.dll distance "$work/a.csv" "$work/b.csv" --method exact --json --quiet > "$work/r.json"
  $py - "$family" "$work/r.json" <<'PY'
import sys, json
family, r = sys.argv[1], json.load(open(sys.argv[2]))
p = r["profile"]
print(f"| {family} | {r['n']} x {r['m']} | {r['dimension']} | {r['seconds']:.2f} | {p['seed_seconds']:.2f} | {p['augment_seconds']:.2f} | {p['pricing_seconds']:.2f} | "
      f"{p['pricing_passes']} | {p['seed_arcs']} -> {p['final_arcs']} | {p['seeded_flow']:.0%} | {p['searches']} | {p['augmentations']} | {p['nodes_popped']:.3g} | {p['arcs_relaxed']:.3g} | {p['repriced_rows']} | {p['coarse_rows']} x {p['coarse_columns']} |")
PY
done
