#!/usr/bin/env bash
# The regression run a project puts in its own CI: the test suite, then the quick verification suite
# against the committed baseline, with a JUnit file for CI systems that display test cases.
#
#   bash ci/verify.sh            exit 0: every check is decided and holds, and nothing regressed;
#                                1: a check is violated, errored or worse than the baseline; 2: bad
#                                input; 3: a check is inconclusive (a CI gate that cannot decide fails)
#   bash ci/verify.sh --update   rewrites ci/baseline.json from a fresh quick run (review the diff)
#   bash ci/verify.sh --no-tests the quick suite only (builds first); .ci/run runs it after the tests
#
# Outputs: verification-report/ (report.md, results.json, data.csv, SVG plots), verification-junit.xml.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [ "${1:-}" = "--no-tests" ]; then
  shift
  bash ci/setup.sh
  dotnet build Verify.sln -c Release -nologo -v quiet
else
  bash ci/test.sh
fi
meanfield=(dotnet run --project Host -c Release --no-build --)
if [ "${1:-}" = "--update" ]; then
  status=0
  "${meanfield[@]}" verify --suite quick --out verification-report --quiet || status=$?
  if [ "$status" -ne 0 ]; then
    echo "ci/baseline.json NOT updated: the quick run exited $status (a baseline must have every check decided and holding)"
    exit "$status"
  fi
  cp verification-report/results.json ci/baseline.json
  echo "ci/baseline.json updated from a quick run"
  exit 0
fi
status=0
"${meanfield[@]}" verify --suite quick --baseline ci/baseline.json --junit verification-junit.xml --out verification-report --quiet || status=$?
if [ "$status" -eq 3 ]; then
  echo "error: some checks are inconclusive after their replica budget (see verification-report/report.md for the looks and the replicas that would decide)"
fi
exit "$status"
