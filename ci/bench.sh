#!/usr/bin/env bash
# Benchmarks: BenchmarkDotNet (direct alignment in pairs/s, chemical field step), then the wall time
# and peak memory of the default `simulate` as a whole process.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Verify.sln -c Release -nologo -v quiet
dotnet Benchmarks/bin/Release/net10.0/MeanField.Benchmarks.dll --filter '*' "$@"
out=$(mktemp -d)
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
/usr/bin/time -f 'simulate (default scenario): %e s wall, %M KiB peak resident' \
  dotnet Host/bin/Release/net10.0/meanfield.dll simulate --quiet --out "$out/run"
rm -rf "$out"
