#!/usr/bin/env bash
# The regression run a project puts in its own CI: the test suite, then the quick verification suite
# against the committed baseline, with a JUnit file for CI systems that display test cases.
#
#   bash ci/verify.sh            exit 0: every check holds and nothing regressed (an inconclusive
#                                check is reported as a warning); 1: a check is violated or worse than
#                                the baseline; 2: bad input
#   bash ci/verify.sh --update   rewrites ci/baseline.json from a fresh quick run (review the diff)
#   bash ci/verify.sh --no-tests the quick suite only (builds first); .ci/run runs the tests after it
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
  [ "$status" -le 1 ] || [ "$status" -eq 3 ] || exit "$status"
  cp verification-report/results.json ci/baseline.json
  echo "ci/baseline.json updated from a quick run (exit $status)"
  exit 0
fi
status=0
"${meanfield[@]}" verify --suite quick --baseline ci/baseline.json --junit verification-junit.xml --out verification-report --quiet || status=$?
if [ "$status" -eq 3 ]; then
  echo "warning: some checks are inconclusive (see verification-report/report.md for the replicas that would decide)"
  exit 0
fi
exit "$status"
