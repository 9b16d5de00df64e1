#!/usr/bin/env bash
# The external-solver protocol's overhead per run: the own solver in-process against the same run as
# `meanfield solve` through the protocol (process start and CSV), N = 125 and 4000, side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Verify.sln -c Release -nologo -v quiet
dotnet Benchmarks/bin/Release/net10.0/MeanField.Benchmarks.dll --filter '*SolverProtocol*' "$@"
