"""The meanfield solver protocol (docs/solver-protocol.md) for a solver written in Python.

    from meanfield_protocol import read_scenario, read_initial, write_snapshots, write_gradients

Only the standard library and NumPy. Every error names the file and the key or the line:

- read_scenario(path): the flat block YAML that `meanfield` writes (keys, nesting by two spaces,
  numbers, quoted strings and [a, b] lists), as nested dicts;
- read_initial(path, d): the cells of initial.csv as (x, v, m), x and v of shape (N, d), m the masses
  (1/N each unless the file has the column m);
- write_snapshots(path, d, snapshots) and write_gradients(path, d, gradients): particles.csv and
  gradient.csv, written to a temporary name and renamed, so the harness never reads half a file;
- cucker_smale(scenario) and external_force(scenario): the model's alignment constants and F_ext, as
  the protocol's kinds define them;
- capabilities(chemotaxis): the `--capabilities` text (protocol 1.1) of a solver that takes every kind
  but the ONNX kernels;
- serve(args, version, capabilities, solve): the whole command line of a protocol solver (--version,
  --capabilities, WORKDIR), around solve(scenario, workdir) -> (d, snapshots, gradients).

The example solvers beside this file import it with

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
"""

import os
import sys

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


def cucker_smale(scenario):
    """(beta, R, sigma) of psi(r) = (1 + r^2/R^2)^(-sigma): the scenario's Cucker-Smale alignment, or none (beta = 0)."""
    al = section(scenario, "alignment")
    if al["kind"] == "cucker_smale":
        return float(al["beta"]), float(al["radius"]), float(al["sigma"])
    if al["kind"] == "none":
        return 0.0, 1.0, 0.0
    raise ProtocolError(f"scenario.yaml: alignment.kind {al['kind']}: this solver knows cucker_smale and none")


def external_force(scenario):
    """F_ext as a function of the positions x (shape (N, d)): none, constant (vector) or confinement
    -k x / sqrt(1 + |x|^2 / l^2) (strength k, length l)."""
    force = section(scenario, "external_force")
    kind = force["kind"]
    if kind == "constant":
        vector = np.array(force["vector"], dtype=float)
        return lambda x: np.broadcast_to(vector, x.shape)
    if kind == "confinement":
        k, length = float(force["strength"]), float(force["length"])
        return lambda x: -k * x / np.sqrt(1 + (x ** 2).sum(axis=1, keepdims=True) / length ** 2)
    if kind == "none":
        return np.zeros_like
    raise ProtocolError(f"scenario.yaml: external_force.kind {kind}: this solver knows none, constant and confinement")


def capabilities(chemotaxis=True):
    """The --capabilities text (protocol 1.1) of a solver taking d = 1, 2, 3, every alignment, force, initial
    field and source kind but the ONNX ones, and unequal masses; with chemotaxis=False, only eta = 0."""
    lines = ["protocol: 1.1", "dimensions: [1, 2, 3]", "alignment: [cucker_smale, none]", f"chemotaxis: {'true' if chemotaxis else 'false'}",
             "external_force: [none, constant, confinement]"]
    if chemotaxis:
        lines += ["initial_field: [zero, gaussian]", "source: [polynomial_bump, smooth_bump]"]
    return "\n".join(lines + ["masses: true"]) + "\n"


def serve(args, version, capabilities_text, solve, name="solver.py"):
    """The protocol's command line, args without the program's name: `--version` prints version,
    `--capabilities` the capabilities, `WORKDIR` reads its scenario.yaml and calls
    solve(scenario, workdir) -> (d, snapshots, gradients or None), then writes particles.csv (and
    gradient.csv when the harness asked for it). A failure prints its message on standard error and
    gives 1; a bad command line 2. The exit code is returned."""
    if args == ["--version"]:
        print(version)
        return 0
    if args == ["--capabilities"]:
        print(capabilities_text, end="")
        return 0
    if len(args) != 1:
        print(f"usage: {name} WORKDIR | --version | --capabilities", file=sys.stderr)
        return 2
    work = args[0]
    try:
        d, snapshots, gradients = solve(read_scenario(os.path.join(work, "scenario.yaml")), work)
    except (OSError, ValueError, KeyError, FloatingPointError) as e:
        print(f"{name}: {e}", file=sys.stderr)
        return 1
    write_snapshots(os.path.join(work, "particles.csv"), d, snapshots)
    if wants_gradient(work):
        write_gradients(os.path.join(work, "gradient.csv"), d, gradients)
    return 0


def wants_gradient(work):
    """Whether the harness asks for grad phi at the nodes (the empty file WORKDIR/wants-gradient)."""
    return os.path.exists(os.path.join(work, "wants-gradient"))
