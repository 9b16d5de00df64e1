#!/usr/bin/env bash
# The snapshot formats side by side: one snapshot of 10^6 cells written as CSV (the baseline), Parquet
# and VTK PolyData, with the time of each, the ratio to CSV, and the files' sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Verify.sln -c Release -nologo -v quiet
dotnet Benchmarks/bin/Release/net10.0/MeanField.Benchmarks.dll --filter '*SnapshotFormat*' "$@"
