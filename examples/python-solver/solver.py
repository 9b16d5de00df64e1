#!/usr/bin/env python3
"""An independent solver of the particle system (P), written to the meanfield solver protocol, version 1.1.

    python3 solver.py WORKDIR      reads WORKDIR/scenario.yaml and WORKDIR/initial.csv,
                                   writes WORKDIR/particles.csv (and gradient.csv when
                                   WORKDIR/wants-gradient exists)
    python3 solver.py --version    prints its version
    python3 solver.py --capabilities   prints what it solves (protocol 1.1)
    python3 solver.py --alignment-only ...   the same solver declaring no chemotaxis: a flocking
                                   code's capabilities (it refuses eta != 0)

The model (d = 1, 2 or 3):

    dx_i/dt = v_i
    dv_i/dt = sum_j m_j beta psi(|x_j - x_i|) (v_j - v_i) + eta grad phi(x_i) + F_ext(x_i)
    dphi/dt = D lap phi - kappa phi + sum_j m_j chi(x - x_j)

with psi(r) = (1 + r^2/R^2)^(-sigma), chi(x) = c (1 - |x|^2/r^2)^3 (polynomial_bump) or
c exp(-a s^2/(1 - s^2)) with s = |x|/r (smooth_bump) on |x| < r, m_j = 1/N unless initial.csv
gives masses. Its numerics are its own, not the toolkit's:

- alignment: direct sum over all pairs, in row blocks;
- field: Fourier modes of the periodic box, each advanced with the integrating factor
  exp(-(D |k|^2 + kappa) t); the source is chi sampled at the grid nodes around each cell (no
  mass correction), transformed by FFT;
- grad phi: spectral differentiation at the nodes, then tensor-product cubic Lagrange
  interpolation at the cells (error O(h^4));
- time: the explicit midpoint rule (RK2) on (x, v) with the integrating factor on the modes,
  second order in dt.

Only Python 3 and NumPy are needed. Failures print a message on standard error and exit 1.
"""

import os
import sys

try:
    import numpy as np
except ImportError:
    # The first python3 on PATH may lack NumPy (a pyenv shim, say) where the system's has it.
    if os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3") and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from meanfield_protocol import capabilities, cucker_smale, external_force, read_initial, serve, wants_gradient  # noqa: E402

VERSION = "python-solver 1.1"

# --- the model -----------------------------------------------------------------------------------

class Model:
    def __init__(self, s):
        self.d = int(s["dimension"])
        if self.d not in (1, 2, 3):
            raise ValueError(f"dimension {self.d}: this example solves d = 1, 2 and 3")
        self.beta, self.R, self.sigma = cucker_smale(s)
        ch = s["chemotaxis"]
        self.eta, self.D, self.kappa = float(ch["eta"]), float(ch["diffusion"]), float(ch["decay"])
        self.source = ch["source"]["kind"]
        if self.source not in ("polynomial_bump", "smooth_bump"):
            raise ValueError(f"chemotaxis.source.kind {self.source}: this example knows polynomial_bump and smooth_bump")
        self.r, self.c = float(ch["source"]["radius"]), float(ch["source"]["amplitude"])
        self.sharpness = float(ch["source"]["sharpness"]) if self.source == "smooth_bump" else 0.0
        self.external = external_force(s)
        dom = s["domain"]
        self.n, self.L = int(dom["grid"]), float(dom["box"])
        self.origin = np.array(dom.get("center", [0.0] * self.d), dtype=float) - self.L / 2
        self.h = self.L / self.n
        k1 = 2 * np.pi * np.fft.fftfreq(self.n, d=self.h)
        self.k = np.meshgrid(*([k1] * self.d), indexing="ij")
        k2 = sum(k * k for k in self.k)
        self.rate = self.D * k2 + self.kappa
        # Odd derivatives have no Nyquist mode on an even grid.
        nyquist = np.zeros(self.n, dtype=bool)
        nyquist[self.n // 2] = True
        self.ik = []
        for a in range(self.d):
            ka = self.k[a].copy()
            index = [slice(None)] * self.d
            index[a] = nyquist
            ka[tuple(index)] = 0.0
            self.ik.append(1j * ka)
        tm = s["time"]
        self.dt, self.T, self.every = float(tm["step"]), float(tm["horizon"]), float(tm["output_interval"])
        init = s["chemotaxis"]["initial_field"]
        self.phi0 = np.zeros([self.n] * self.d)
        if init["kind"] == "gaussian":
            nodes = np.meshgrid(*[self.origin[a] + self.h * np.arange(self.n) for a in range(self.d)], indexing="ij")
            r2 = 0.0
            for a in range(self.d):
                y = nodes[a] - init["center"][a]
                y = y - self.L * np.round(y / self.L)
                r2 = r2 + y * y
            self.phi0 = float(init["amplitude"]) * np.exp(-r2 / (2 * float(init["width"]) ** 2))
        # The node offsets within the source's reach of a cell.
        reach = int(np.ceil(self.r / self.h)) + 1
        offsets = np.arange(-reach, reach + 1)
        self.stencil = np.stack([g.reshape(-1) for g in np.meshgrid(*([offsets] * self.d), indexing="ij")], axis=1)

    def alignment(self, x, v, m):
        if self.beta == 0:
            return np.zeros_like(v)
        out = np.empty_like(v)
        block = max(1, 2_000_000 // len(x))
        for start in range(0, len(x), block):
            xs, vs = x[start:start + block], v[start:start + block]
            r2 = ((x[None, :, :] - xs[:, None, :]) ** 2).sum(axis=2)
            w = m[None, :] * self.beta * (1 + r2 / self.R ** 2) ** (-self.sigma)
            out[start:start + block] = w @ v - w.sum(axis=1)[:, None] * vs
        return out

    def source_hat(self, x, m):
        """FFT of sum_j m_j chi(x - x_j) at the nodes."""
        base = np.floor((x - self.origin) / self.h).astype(int)
        nodes = base[:, None, :] + self.stencil[None, :, :]
        y = self.origin + nodes * self.h - x[:, None, :]
        u = 1 - (y ** 2).sum(axis=2) / self.r ** 2
        inside = u > 0
        if self.source == "smooth_bump":
            safe = np.where(inside, u, 1.0)
            values = np.where(inside, self.c * np.exp(-self.sharpness * (1 - safe) / safe), 0.0)
        else:
            values = np.where(inside, self.c * u ** 3, 0.0)
        values = values * m[:, None]
        grid = np.zeros([self.n] * self.d)
        index = tuple(np.mod(nodes[:, :, a], self.n).reshape(-1) for a in range(self.d))
        np.add.at(grid, index, values.reshape(-1))
        return np.fft.fftn(grid)

    def gradient_nodes(self, a_hat):
        return [np.real(np.fft.ifftn(ik * a_hat)) for ik in self.ik]

    def interpolate(self, fields, x):
        """Tensor-product cubic Lagrange interpolation of nodal fields at the cells."""
        s = (x - self.origin) / self.h
        base = np.floor(s).astype(int) - 1
        f = s - np.floor(s)
        # Weights of nodes base, base+1, base+2, base+3 at offset 1 + f.
        t = f + 1
        w = np.stack([-(t - 1) * (t - 2) * (t - 3) / 6, t * (t - 2) * (t - 3) / 2, -t * (t - 1) * (t - 3) / 2, t * (t - 1) * (t - 2) / 6], axis=2)
        out = np.zeros((len(x), len(fields)))
        for combo in np.ndindex(*([4] * self.d)):
            weight = np.ones(len(x))
            index = []
            for a in range(self.d):
                weight = weight * w[:, a, combo[a]]
                index.append(np.mod(base[:, a] + combo[a], self.n))
            for q, field in enumerate(fields):
                out[:, q] += weight * field[tuple(index)]
        return out

    def acceleration(self, x, v, m, a_hat):
        acc = self.alignment(x, v, m) + self.external(x)
        if self.eta != 0:
            acc = acc + self.eta * self.interpolate(self.gradient_nodes(a_hat), x)
        return acc

    def check_finite(self, step, x, v):
        if not (np.all(np.isfinite(x)) and np.all(np.isfinite(v))):
            bad = int(np.argmax(~(np.isfinite(x).all(axis=1) & np.isfinite(v).all(axis=1))))
            raise FloatingPointError(f"blow-up at step {step} (t = {step * self.dt:g}): cell {bad} is not finite")

    def run_cells(self, x, v, m):
        """The cells alone, when the field does not act on them (eta = 0): the same midpoint rule."""
        steps = int(round(self.T / self.dt))
        every = max(1, int(round(self.every / self.dt)))
        outputs = set(range(every, steps + 1, every)) | {steps}
        snapshots = [(0.0, x.copy(), v.copy())]
        for step in range(1, steps + 1):
            acc0 = self.alignment(x, v, m) + self.external(x)
            xh, vh = x + 0.5 * self.dt * v, v + 0.5 * self.dt * acc0
            x, v = x + self.dt * vh, v + self.dt * (self.alignment(xh, vh, m) + self.external(xh))
            self.check_finite(step, x, v)
            if step in outputs:
                snapshots.append((step * self.dt, x.copy(), v.copy()))
        return snapshots

    def run(self, x, v, m, wants_gradient):
        if self.eta == 0 and not wants_gradient:
            return self.run_cells(x, v, m), []
        steps = int(round(self.T / self.dt))
        every = max(1, int(round(self.every / self.dt)))
        outputs = set(range(every, steps + 1, every)) | {steps}
        a_hat = np.fft.fftn(self.phi0)
        half = np.exp(-self.rate * self.dt / 2)
        full = half * half
        snapshots, gradients = [(0.0, x.copy(), v.copy())], []
        for step in range(1, steps + 1):
            # Explicit midpoint with the integrating factor on the modes.
            s0 = self.source_hat(x, m)
            acc0 = self.acceleration(x, v, m, a_hat)
            xh, vh = x + 0.5 * self.dt * v, v + 0.5 * self.dt * acc0
            ah = half * (a_hat + 0.5 * self.dt * s0)
            sh = self.source_hat(xh, m)
            acch = self.acceleration(xh, vh, m, ah)
            x, v = x + self.dt * vh, v + self.dt * acch
            a_hat = full * a_hat + self.dt * half * sh
            self.check_finite(step, x, v)
            if step in outputs:
                t = step * self.dt
                snapshots.append((t, x.copy(), v.copy()))
                if wants_gradient:
                    gradients.append((t, self.gradient_nodes(a_hat)))
        return snapshots, gradients


def main(argv):
    args = argv[1:]
    alignment_only = "--alignment-only" in args

    def solve(scenario, work):
        model = Model(scenario)
        if alignment_only and model.eta != 0:
            raise ValueError(f"chemotaxis.eta {model.eta:g}: --alignment-only solves eta = 0 (its capabilities say so)")
        x, v, m = read_initial(os.path.join(work, "initial.csv"), model.d)
        snapshots, gradients = model.run(x, v, m, wants_gradient(work))
        return model.d, snapshots, gradients

    version = f"{VERSION}{' (alignment only)' if alignment_only else ''} (numpy {np.__version__})"
    return serve([a for a in args if a != "--alignment-only"], version, capabilities(chemotaxis=not alignment_only), solve)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
