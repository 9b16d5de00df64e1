#!/usr/bin/env bash
# What the tests need beyond the .NET SDK: Debian's python3-vtk9, which reads the VTK output back in
# its test (Tests/Host/SnapshotOutputTests.fs; skipped where it cannot be installed), and NumPy for the example Python solver
# (examples/python-solver), from Debian's python3-numpy (it serves /usr/bin/python3; the first
# python3 on PATH may be a pyenv shim without it, and the example then re-runs itself there).
set -euo pipefail
# SciPy for the spectral, adaptive example (examples/spectral-solver: DOP853 from python3-scipy).
if ! /usr/bin/python3 -c 'import numpy, scipy.integrate' >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ci/setup.sh: installing python3-numpy and python3-scipy"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq python3-numpy python3-scipy >/dev/null
  else
    echo "ci/setup.sh: NumPy or SciPy is missing for /usr/bin/python3 and this is not root: install python3-numpy and python3-scipy for the example solvers' tests" >&2
  fi
fi
if ! /usr/bin/python3 -c 'import vtk' >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ci/setup.sh: installing python3-vtk9"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq python3-vtk9 >/dev/null || echo "ci/setup.sh: python3-vtk9 could not be installed; its test is skipped" >&2
fi
# The C++ example solver's test (Tests/Contract/ExampleSolverTests.fs) builds examples/cpp-solver with
# Debian's cmake and g++.
if ! { command -v cmake && command -v g++ && command -v make; } >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ci/setup.sh: installing cmake, g++ and make"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq cmake g++ make >/dev/null
  else
    echo "ci/setup.sh: cmake, g++ or make is missing and this is not root: install them for the C++ example's test" >&2
  fi
fi
# The HTML report's test (Tests/Host/HtmlReportTests.fs) opens report.html in Debian's headless Chromium.
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ci/setup.sh: installing chromium"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq chromium >/dev/null
  else
    echo "ci/setup.sh: chromium is missing and this is not root: install it for the HTML report's test" >&2
  fi
fi
