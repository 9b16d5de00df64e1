#!/usr/bin/env bash
# The project's test command: installs what the tests need (ci/setup.sh), builds the whole solution (benchmarks included, warnings as errors),
# then runs the Expecto suite. Its last line is `Tests: N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
bash ci/setup.sh
dotnet build Verify.sln -c Release -nologo -v quiet
dotnet run --project Tests -c Release --no-build -- "$@"
