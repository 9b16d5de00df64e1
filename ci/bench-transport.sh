#!/usr/bin/env bash
# Exact W2 side by side, in one run on this machine, on the cloud families of ci/transport-clouds.py:
# ours against POT's network simplex (`ot.emd2`) and SciPy's `linear_sum_assignment` (for n against
# k n, each point of the smaller cloud copied k times: the same problem). Ours and POT solve the same
# problem several times in one process and the table gives the fastest (steady state, as the suite's
# thousands of solves see it); SciPy solves once, its tens of seconds dwarfing a first call's
# overhead. The Python solvers' seconds include building their n x m cost matrix (they need it).
# For ours, the first solve (just-in-time compilation included, as one `meanfield distance` pays it)
# follows in brackets, and the ratios are given both ways. Peak resident memory is that of one
# `meanfield distance` process, and of one Python process. Then ours alone (one `meanfield distance`
# each) at 2 x 10^4 per side for every family and at 10^5 in D = 4.
# Prints a Markdown table. Usage: bash ci/bench-transport.sh [--no-large]
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
large=1
[ "${1:-}" = --no-large ] && large=0
py=/usr/bin/python3
if ! $py -c 'import numpy, scipy, ot' 2>/dev/null; then
  apt-get update -qq && apt-get install -y -qq python3-numpy python3-scipy python3-pot >/dev/null
fi
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
dotnet build Benchmarks -c Release -nologo -v quiet >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/solve.py" <<'PY'
import sys, time, json
import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist
import ot
tool = sys.argv[1]
a = np.loadtxt(sys.argv[2], delimiter=","); b = np.loadtxt(sys.argv[3], delimiter=",")
n, m = len(a), len(b)
def solve():
    if tool == "scipy":
        k = m // n
        c = cdist(np.repeat(a, k, axis=0), b, "sqeuclidean")
        r, col = linear_sum_assignment(c)
        return float(c[r, col].mean())
    c = cdist(a, b, "sqeuclidean")
    return float(ot.emd2(np.full(n, 1.0 / n), np.full(m, 1.0 / m), c, numItermax=10**9))
best = float("inf")
for _ in range(int(sys.argv[4])):
    start = time.perf_counter()
    cost = solve()
    best = min(best, time.perf_counter() - start)
print(json.dumps({"cost": cost, "seconds": best}))
PY

# ours FAMILY N M [REPEATS]: sets ours_s, ours_wall, ours_mem, ours_cost, ours_dimension (as the solver
# read the clouds) from one `meanfield distance`; with REPEATS, also ours_first and ours_steady
ours() {
  $py ci/transport-clouds.py "$1" "$2" "$3" "$work"
  local begin end
  begin=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$work/mem" dotnet Host/bin/Release/net10.0/meanfield.dll distance "$work/a.csv" "$work/b.csv" --method exact --json --quiet > "$work/ours.json"
  end=$(date +%s.%N)
  ours_s=$($py -c "import json; print('%.2f' % json.load(open('$work/ours.json'))['seconds'])")
  ours_cost=$($py -c "import json; print(repr(json.load(open('$work/ours.json'))['cost']))")
  ours_dimension=$($py -c "import json; print(json.load(open('$work/ours.json'))['dimension'])")
  ours_wall=$($py -c "print('%.2f' % ($end - $begin))")
  ours_mem=$(( $(cat "$work/mem") / 1024 ))
  if [ -n "${4:-}" ]; then
    dotnet Benchmarks/bin/Release/net10.0/MeanField.Benchmarks.dll transport-timing "$work/a.csv" "$work/b.csv" "$4" > "$work/timing.json"
    ours_first=$($py -c "import json; print('%.2f' % json.load(open('$work/timing.json'))['first_seconds'])")
    ours_steady=$($py -c "import json; print('%.2f' % json.load(open('$work/timing.json'))['steady_seconds'])")
  fi
}

repeats=5
echo "| clouds | n x m | D | ours (s): steady (first) | peak MiB | POT emd2 (s) | peak MiB | SciPy lsa (s) | peak MiB | POT / ours: steady (first) | SciPy / ours: steady (first) | max rel. cost difference |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for size in "2000 8000" "4000 4000"; do
  set -- $size
  for family in uniform-d4 uniform clusters curve; do
    ours "$family" "$1" "$2" "$repeats"
    row="| $family | $1 x $2 | $ours_dimension | $ours_steady ($ours_first) | $ours_mem |"
    ratios="" diff=0
    for tool in pot scipy; do
      # SciPy's dense assignment takes tens of seconds here, where a first call's overhead is nothing: once.
      repeat=3; [ "$tool" = scipy ] && repeat=1
      /usr/bin/time -f '%M' -o "$work/mem" $py "$work/solve.py" "$tool" "$work/a.csv" "$work/b.csv" "$repeat" > "$work/$tool.json"
      s=$($py -c "import json; print('%.2f' % json.load(open('$work/$tool.json'))['seconds'])")
      rel=$($py -c "import json; c=json.load(open('$work/$tool.json'))['cost']; print('%.1e' % (abs(c - $ours_cost) / $ours_cost))")
      diff=$($py -c "print('%.1e' % max(float('$diff'), float('$rel')))")
      row="$row $s | $(( $(cat "$work/mem") / 1024 )) |"
      ratios="$ratios $($py -c "print('%.1fx (%.1fx)' % ($s / $ours_steady, $s / $ours_first))") |"
    done
    echo "$row$ratios $diff |"
  done
done
if [ "$large" = 1 ]; then
  for family in uniform-d4 uniform clusters curve; do
    ours "$family" 20000 20000
    echo "| $family | 20000 x 20000 | $ours_dimension | $ours_s (whole process $ours_wall) | $ours_mem | - | - | - | - | - | - | - |"
  done
  ours uniform-d4 100000 100000
  echo "| uniform-d4 | 100000 x 100000 | 4 | $ours_s (whole process $ours_wall) | $ours_mem | - | - | - | - | - | - | - |"
fi
