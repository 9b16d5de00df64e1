#!/usr/bin/env bash
# Exact W2 side by side: `meanfield distance --method exact` against SciPy's linear_sum_assignment
# and POT's network simplex (ot.emd) on the same clouds, in one run on this machine. The Python
# solvers get a precomputed n x n cost matrix (their usual use); ours computes costs on the fly.
# Prints a Markdown table: seconds (solve only, as each tool reports it) and peak resident memory
# of the whole process. Usage: bash ci/bench-transport.sh [max n for the Python solvers, default 4000]
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
python_max=${1:-4000}
py=/usr/bin/python3
if ! $py -c 'import scipy, ot' 2>/dev/null; then
  apt-get update -qq && apt-get install -y -qq python3-scipy python3-pot time >/dev/null
fi
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
dotnet build Host -c Release -nologo -v quiet >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/solve.py" <<'PY'
import sys, time, json
import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist
import ot
a = np.loadtxt(sys.argv[2], delimiter=","); b = np.loadtxt(sys.argv[3], delimiter=",")
a = a.reshape(len(a), -1); b = b.reshape(len(b), -1)
start = time.perf_counter()
c = cdist(a, b, "sqeuclidean")
built = time.perf_counter()
if sys.argv[1] == "scipy":
    r, k = linear_sum_assignment(c)
    cost = c[r, k].mean()
else:
    n = len(a)
    w = np.full(n, 1.0 / n)
    cost = float(np.sum(ot.emd(w, w, c, numItermax=10**9) * c))
done = time.perf_counter()
print(json.dumps({"cost": float(cost), "seconds": done - built, "matrix_seconds": built - start}))
PY

echo "| D | n | meanfield exact (s) | peak MiB | scipy lsa (s) | peak MiB | POT emd (s) | peak MiB | max rel. cost difference |"
echo "|---|---|---|---|---|---|---|---|---|"
for d in 2 4 6; do
  for n in 1000 4000 10000 20000; do
    $py - "$d" "$n" "$work" <<'PY'
import sys, numpy as np
d, n, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = np.random.default_rng(1000 * d + n)
np.savetxt(f"{out}/a.csv", rng.random((n, d)), delimiter=",", fmt="%.17g")
np.savetxt(f"{out}/b.csv", rng.random((n, d)), delimiter=",", fmt="%.17g")
PY
    /usr/bin/time -f '%M' -o "$work/mem" dotnet Host/bin/Release/net10.0/meanfield.dll distance "$work/a.csv" "$work/b.csv" --method exact --json > "$work/ours.json"
    ours_s=$($py -c "import json; print('%.3f' % json.load(open('$work/ours.json'))['seconds'])")
    ours_cost=$($py -c "import json; print(json.load(open('$work/ours.json'))['cost'])")
    ours_mem=$(( $(cat "$work/mem") / 1024 ))
    row="| $d | $n | $ours_s | $ours_mem |"
    diff=0
    for tool in scipy pot; do
      if [ "$n" -le "$python_max" ]; then
        /usr/bin/time -f '%M' -o "$work/mem" $py "$work/solve.py" "$tool" "$work/a.csv" "$work/b.csv" > "$work/$tool.json"
        s=$($py -c "import json; print('%.3f' % json.load(open('$work/$tool.json'))['seconds'])")
        rel=$($py -c "import json; c=json.load(open('$work/$tool.json'))['cost']; print('%.1e' % (abs(c - $ours_cost) / $ours_cost))")
        diff=$($py -c "print(max(float('$diff'), float('$rel')))")
        row="$row $s | $(( $(cat "$work/mem") / 1024 )) |"
      else
        row="$row - | - |"
      fi
    done
    echo "$row $diff |"
  done
done
