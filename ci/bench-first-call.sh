#!/usr/bin/env bash
# A user's first call, whole process, side by side in one run on this machine: one `meanfield distance
# --method exact` on each cloud family of ci/transport-clouds.py (2000 x 8000 and 4000 x 4000 points)
# against one Python process that loads the same CSVs, builds the cost matrix and calls POT's
# `ot.emd2`; and `meanfield --version`. Ours twice: the installed tool as `dotnet pack` ships it
# (ReadyToRun, RID-specific, for this machine's RID) and the plain build (`dotnet meanfield.dll`, every
# method compiled just in time). Each figure is the median of three runs, in seconds of wall time.
# Prints a Markdown table and the package sizes. Usage: bash ci/bench-first-call.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
py=/usr/bin/python3
if ! $py -c 'import numpy, scipy, ot' 2>/dev/null; then
  apt-get update -qq && apt-get install -y -qq python3-numpy python3-scipy python3-pot >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rid=$(dotnet --info | awk '/^ *RID:/ { print $2; exit }')
version="0.1.0-first-call.$(date +%s)"
dotnet build Host -c Release -nologo -v quiet >/dev/null
dotnet pack Host -c Release -nologo -v quiet -p:RuntimeIdentifiers="$rid" -p:PackageVersion="$version" -p:PackageOutputPath="$work/packages" >/dev/null
dotnet tool install --tool-path "$work/tool" --add-source "$work/packages" meanfield --version "$version" >/dev/null
tool="$work/tool/meanfield"
plain="dotnet Host/bin/Release/net10.0/meanfield.dll"

cat > "$work/pot.py" <<'PY'
import sys
import numpy as np
from scipy.spatial.distance import cdist
import ot
a = np.loadtxt(sys.argv[1], delimiter=","); b = np.loadtxt(sys.argv[2], delimiter=",")
c = cdist(a, b, "sqeuclidean")
print(ot.emd2(np.full(len(a), 1.0 / len(a)), np.full(len(b), 1.0 / len(b)), c, numItermax=10**9))
PY

# median3 COMMAND...: the median wall seconds of three runs
median3() {
  local times=()
  for _ in 1 2 3; do
    local begin end
    begin=$(date +%s.%N)
    "$@" > /dev/null
    end=$(date +%s.%N)
    times+=("$($py -c "print($end - $begin)")")
  done
  $py -c "import sys; print('%.3f' % sorted(map(float, sys.argv[1:]))[1])" "${times[@]}"
}

echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); RID $rid"
echo
echo "| clouds | n x m | D | ours, installed (s) | ours, plain build (s) | POT emd2, whole process (s) | POT / ours installed | POT / ours plain |"
echo "|---|---|---|---|---|---|---|---|"
for size in "2000 8000" "4000 4000"; do
  set -- $size
  for family in uniform-d4 uniform clusters curve; do
    $py ci/transport-clouds.py "$family" "$1" "$2" "$work"
    d=$(head -1 "$work/a.csv" | awk -F, '{ print NF }')
    ours=$(median3 "$tool" distance "$work/a.csv" "$work/b.csv" --method exact --quiet)
    jit=$(median3 $plain distance "$work/a.csv" "$work/b.csv" --method exact --quiet)
    pot=$(median3 $py "$work/pot.py" "$work/a.csv" "$work/b.csv")
    echo "| $family | $1 x $2 | $d | $ours | $jit | $pot | $($py -c "print('%.1fx' % ($pot / $ours))") | $($py -c "print('%.1fx' % ($pot / $jit))") |"
  done
done
echo
echo "| \`meanfield --version\` | installed | plain build |"
echo "|---|---|---|"
echo "| seconds (median of 3) | $(median3 "$tool" --version) | $(median3 $plain --version) |"
echo
echo "Packages: $(cd "$work/packages" && ls -l *.nupkg | awk '{ printf "%s %.1f MB; ", $9, $5 / 1e6 }')"
