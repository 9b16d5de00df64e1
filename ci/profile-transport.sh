#!/usr/bin/env bash
# Where exact transport spends its time on each cloud family the suite measures: `meanfield distance
# --method exact --json` on the clouds of ci/transport-clouds.py (uniform in D = 4, 4000 against
# 4000; uniform, two clusters three apart, and points on a curve in phase space, each 2000 against
# 8000 in D = 2), with the solver's profile: the seconds of seeding (nearest neighbours and the
# multiscale seed), augmenting (Dijkstra searches, and the paths each augments along) and pricing
# (passes over the n m pairs by blocks; pairs priced is the share of n m per pass whose cost was
# computed), the work of each, the units the row reduction assigned (n against k n), and the coarse problem
# (clusters of each cloud; 0 x 0 where the multiscale seed does not run). Prints a Markdown table.
# Usage: bash ci/profile-transport.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
py=/usr/bin/python3
$py -c 'import numpy' 2>/dev/null || { apt-get update -qq && apt-get install -y -qq python3-numpy >/dev/null; }
dotnet build Host -c Release -nologo -v quiet >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "| clouds | n x m | D | total (s) | seed (s) | augment (s) | pricing (s) | passes | pairs priced | arcs seed -> final | seeded flow | row reductions | searches | augmentations | nodes popped | arcs relaxed | repriced rows | coarse problem |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for family in uniform-d4 uniform clusters curve; do
  if [ "$family" = uniform-d4 ]; then n=4000 m=4000; else n=2000 m=8000; fi
  $py ci/transport-clouds.py "$family" "$n" "$m" "$work"
  dotnet Host/bin/Release/net10.0/meanfield.dll distance "$work/a.csv" "$work/b.csv" --method exact --json --quiet > "$work/r.json"
  $py - "$family" "$work/r.json" <<'PY'
import sys, json
family, r = sys.argv[1], json.load(open(sys.argv[2]))
p = r["profile"]
print(f"| {family} | {r['n']} x {r['m']} | {r['dimension']} | {r['seconds']:.2f} | {p['seed_seconds']:.2f} | {p['augment_seconds']:.2f} | {p['pricing_seconds']:.2f} | "
      f"{p['pricing_passes']} | {p['pairs_priced'] / (r['n'] * r['m'] * p['pricing_passes']):.0%} | {p['seed_arcs']} -> {p['final_arcs']} | {p['seeded_flow']:.0%} | {p['row_reductions']} | {p['searches']} | {p['augmentations']} | {p['nodes_popped']:.3g} | {p['arcs_relaxed']:.3g} | {p['repriced_rows']} | {p['coarse_rows']} x {p['coarse_columns']} |")
PY
done
