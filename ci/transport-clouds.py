"""The cloud families the transport benchmarks measure, written as CSV for `meanfield distance`.

Usage: python3 ci/transport-clouds.py FAMILY N M OUT_DIR   (writes OUT_DIR/a.csv with N points, OUT_DIR/b.csv with M)

Families (D = 2 unless noted):
  uniform-d4  uniform in the unit cube, D = 4 (phase space of d = 2)
  uniform     uniform in the unit square
  clusters    two Gaussian clusters three apart (sd 0.5): mass must cross the gap
  curve       points on a curve in phase space, v = 0.5 sin(pi x): a monokinetic cloud, a thin set
The seed is fixed, so every run of a benchmark measures the same clouds.
"""
import sys
import numpy as np

family, n, m, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = np.random.default_rng(20261202)


def cloud(count):
    if family == "uniform-d4":
        return rng.random((count, 4))
    if family == "uniform":
        return rng.random((count, 2))
    if family == "clusters":
        centre = np.where(rng.random(count) < 0.5, 0.0, 3.0)
        return np.column_stack([centre + 0.5 * rng.standard_normal(count), 0.5 * rng.standard_normal(count)])
    if family == "curve":
        x = rng.uniform(-1, 1, count)
        return np.column_stack([x, 0.5 * np.sin(np.pi * x)])
    raise SystemExit(f"transport-clouds.py: unknown family '{family}' (uniform-d4, uniform, clusters, curve)")


np.savetxt(f"{out}/a.csv", cloud(n), delimiter=",", fmt="%.17g")
np.savetxt(f"{out}/b.csv", cloud(m), delimiter=",", fmt="%.17g")
