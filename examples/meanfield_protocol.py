"""The meanfield solver protocol (docs/solver-protocol.md) for a solver written in Python.

    from meanfield_protocol import read_scenario, read_initial, write_snapshots, write_gradients

Only the standard library and NumPy. Every error names the file and the key or the line:

- read_scenario(path): the flat block YAML that `meanfield` writes (keys, nesting by two spaces,
  numbers, quoted strings and [a, b] lists), as nested dicts;
- read_initial(path, d): the cells of initial.csv as (x, v, m), x and v of shape (N, d), m the masses
  (1/N each unless the file has the column m);
- write_snapshots(path, d, snapshots) and write_gradients(path, d, gradients): particles.csv and
  gradient.csv, written to a temporary name and renamed, so the harness never reads half a file.

The example solvers beside this file import it with

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
"""

import os

import numpy as np


class ProtocolError(ValueError):
    """A malformed input file: the message names the file and the line or key."""


def _value(text):
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        inner = text[1:-1].strip()
        return [float(t) for t in inner.split(",")] if inner else []
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def read_scenario(path):
    root = {}
    stack = [(-1, root)]
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, start=1):
            line = raw.split("#", 1)[0].rstrip()
            if not line.strip():
                continue
            indent = len(line) - len(line.lstrip(" "))
            key, colon, value = line.strip().partition(":")
            if not colon or not key:
                raise ProtocolError(f"{path}, line {number}: expected 'key: value', got '{raw.strip()}'")
            while stack[-1][0] >= indent:
                stack.pop()
            parent = stack[-1][1]
            try:
                parent[key] = _value(value) if value.strip() else {}
            except ValueError as e:
                raise ProtocolError(f"{path}, line {number} ({key}): {e}") from e
            if not value.strip():
                stack.append((indent, parent[key]))
    return root


def section(scenario, dotted, path="scenario.yaml"):
    """The value at a dotted key ("chemotaxis.source.kind"), or a ProtocolError naming it."""
    node = scenario
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise ProtocolError(f"{path}: the key {dotted} is missing")
        node = node[part]
    return node


def read_initial(path, d):
    with open(path, encoding="utf-8") as f:
        header = f.readline().strip().split(",")
        expected = ["i"] + [f"x{a + 1}" for a in range(d)] + [f"v{a + 1}" for a in range(d)]
        if header not in (expected, expected + ["m"]):
            raise ProtocolError(f"{path}, line 1: header {','.join(header)}, expected {','.join(expected)} (with m for masses)")
        rows = []
        for number, raw in enumerate(f, start=2):
            if not raw.strip():
                continue
            fields = raw.strip().split(",")
            if len(fields) != len(header):
                raise ProtocolError(f"{path}, line {number}: {len(fields)} columns, expected {len(header)}")
            try:
                row = [float(t) for t in fields]
            except ValueError as e:
                raise ProtocolError(f"{path}, line {number}: {e}") from e
            if not all(np.isfinite(row)):
                raise ProtocolError(f"{path}, line {number}: a number that is not finite")
            rows.append(row)
    if not rows:
        raise ProtocolError(f"{path}: no cells")
    data = np.array(rows)
    x, v = data[:, 1:1 + d].copy(), data[:, 1 + d:1 + 2 * d].copy()
    if header[-1] == "m":
        if np.any(data[:, -1] <= 0):
            raise ProtocolError(f"{path}: a mass m <= 0 (line {2 + int(np.argmax(data[:, -1] <= 0))})")
        m = data[:, -1] / data[:, -1].sum()
    else:
        m = np.full(len(data), 1.0 / len(data))
    return x, v, m


def _atomic(path, lines):
    with open(path + ".partial", "w", encoding="utf-8", newline="\n") as f:
        for line in lines:
            f.write(line + "\n")
    os.replace(path + ".partial", path)


def write_snapshots(path, d, snapshots):
    """particles.csv from (t, x, v) triples."""
    header = "t,i," + ",".join([f"x{a + 1}" for a in range(d)] + [f"v{a + 1}" for a in range(d)])

    def lines():
        yield header
        for t, x, v in snapshots:
            for i in range(len(x)):
                yield ",".join([repr(float(t)), str(i)] + [repr(float(c)) for c in x[i]] + [repr(float(c)) for c in v[i]])

    _atomic(path, lines())


def write_gradients(path, d, gradients):
    """gradient.csv from (t, [g1, .., gd]) pairs, each component an array over the grid nodes (row-major)."""

    def lines():
        yield "t,node," + ",".join(f"g{a + 1}" for a in range(d))
        for t, g in gradients:
            flat = [np.asarray(component).reshape(-1) for component in g]
            for node in range(flat[0].size):
                yield ",".join([repr(float(t)), str(node)] + [repr(float(c[node])) for c in flat])

    _atomic(path, lines())
