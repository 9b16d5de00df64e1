#!/usr/bin/env python3
"""A solver of the particle system (P) that is spectral in space and adaptive in time, written to the
meanfield solver protocol, version 1.1. It shares no numerics with the toolkit or its other examples.

    python3 solver.py WORKDIR        reads WORKDIR/scenario.yaml and WORKDIR/initial.csv, writes
                                     WORKDIR/particles.csv (and gradient.csv when asked for)
    python3 solver.py --version      prints its version
    python3 solver.py --capabilities prints what it solves

The model (d = 1, 2 or 3), as in the protocol:

    dx_i/dt = v_i
    dv_i/dt = sum_j m_j beta psi(|x_j - x_i|) (v_j - v_i) + eta grad phi(x_i) + F_ext(x_i)
    dphi/dt = D lap phi - kappa phi + sum_j m_j chi(x - x_j)

Its numerics:

- the field is a truncated Fourier series on the periodic box, phi(x) = sum_k a_k e^{i k.(x - o)} over
  the modes -K .. K per axis, K half the scenario's grid: no grid, no interpolation. The source's
  coefficients come from the Fourier transform of chi (a radial integral, by Gauss-Legendre quadrature
  on 16 panels of 48 nodes), and grad phi at a cell is summed from the series, axis by axis;
- time: the whole system (cells and modes) integrated by SciPy's DOP853 (an eighth-order Runge-Kutta
  pair with its own step control) at rtol 1e-13: the scenario's time.step is ignored, as the protocol
  allows a solver with its own step control. Declare it to the harness with --solver-order adaptive;
- with eta = 0 the field does not act on the cells, and only the cells are integrated (the field's
  constants then cannot change the cells' steps).

Python 3, NumPy and SciPy (Debian: python3-numpy, python3-scipy). Failures print a message on standard
error and exit 1.
"""

import os
import sys

try:
    import numpy as np
    from scipy.integrate import solve_ivp
    from scipy.special import j0
except ImportError:
    # The first python3 on PATH may lack NumPy or SciPy (a pyenv shim, say) where the system's has them.
    if os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3") and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from meanfield_protocol import ProtocolError, capabilities, cucker_smale, external_force, read_initial, section, serve, wants_gradient  # noqa: E402

VERSION = "spectral-solver 1.0"

RTOL, ATOL = 1e-13, 1e-15


def profile(kind, source):
    """chi(s) on 0 <= s < r as a function of s (radial)."""
    r, c = float(source["radius"]), float(source["amplitude"])
    if kind == "polynomial_bump":
        return r, lambda s: c * (1 - (s / r) ** 2) ** 3
    if kind == "smooth_bump":
        a = float(source["sharpness"])

        def smooth(s):
            u = (s / r) ** 2
            out = np.zeros_like(s)
            inside = u < 1
            out[inside] = c * np.exp(-a * u[inside] / (1 - u[inside]))
            return out

        return r, smooth
    raise ProtocolError(f"scenario.yaml: chemotaxis.source.kind {kind}: this solver knows polynomial_bump and smooth_bump")


def radial_transform(d, r, chi, k):
    """int chi(|x|) e^{-i k.x} dx over R^d at the wavenumbers |k| (an array), by Gauss-Legendre on [0, r]."""
    nodes, weights = np.polynomial.legendre.leggauss(48)
    panels = 16
    width = r / panels
    s = ((np.arange(panels)[:, None] + (nodes[None, :] + 1) / 2) * width).reshape(-1)
    w = np.tile(weights * width / 2, panels)
    f = chi(s) * w
    ks = np.outer(k, s)
    if d == 1:
        return 2 * (np.cos(ks) @ f)
    if d == 2:
        return 2 * np.pi * (j0(ks) @ (f * s))
    return 4 * np.pi * (np.sinc(ks / np.pi) @ (f * s * s))


class Model:
    def __init__(self, s):
        self.d = d = int(section(s, "dimension"))
        if d not in (1, 2, 3):
            raise ProtocolError(f"scenario.yaml: dimension {d}: this solver solves d = 1, 2 and 3")
        self.beta, self.R, self.sigma = cucker_smale(s)
        ch = section(s, "chemotaxis")
        self.eta, self.D, self.kappa = float(ch["eta"]), float(ch["diffusion"]), float(ch["decay"])
        self.external = external_force(s)
        dom = section(s, "domain")
        self.L = float(dom["box"])
        self.K = int(dom["grid"]) // 2
        self.grid = int(dom["grid"])
        self.origin = np.array(dom.get("center", [0.0] * d), dtype=float) - self.L / 2
        tm = section(s, "time")
        self.T, self.every = float(tm["horizon"]), float(tm["output_interval"])
        # The modes -K .. K per axis: wavenumbers, each mode's decay rate and source weight chi^(k) / L^d.
        self.m = np.arange(-self.K, self.K + 1)
        self.k1 = 2 * np.pi * self.m / self.L
        grids = np.meshgrid(*([self.k1] * d), indexing="ij")
        k2 = sum(g * g for g in grids)
        self.rate = self.D * k2 + self.kappa
        r, chi = profile(ch["source"]["kind"], ch["source"])
        norms = np.sqrt(k2).reshape(-1)
        unique, inverse = np.unique(np.round(norms, 12), return_inverse=True)
        self.weight = (radial_transform(d, r, chi, unique)[inverse] / self.L ** d).reshape(k2.shape)
        init = ch["initial_field"]
        self.a0 = np.zeros(k2.shape, dtype=complex)
        if init["kind"] == "gaussian":
            # The periodised Gaussian's coefficients, exactly.
            width, amplitude = float(init["width"]), float(init["amplitude"])
            phase = sum(g * (float(init["center"][a]) - self.origin[a]) for a, g in enumerate(grids))
            self.a0 = amplitude * (2 * np.pi * width * width) ** (d / 2) / self.L ** d * np.exp(-width * width * k2 / 2) * np.exp(-1j * phase)
        elif init["kind"] != "zero":
            raise ProtocolError(f"scenario.yaml: chemotaxis.initial_field.kind {init['kind']}: this solver knows zero and gaussian")

    def powers(self, x):
        """e^{-i k_a (x_a - o_a)} per axis: an (N, 2K + 1) array for each axis."""
        return [np.exp(-1j * np.outer(x[:, a] - self.origin[a], self.k1)) for a in range(self.d)]

    def source(self, e, m):
        """sum_j m_j e^{-i k.(x_j - o)} over the modes."""
        if self.d == 1:
            return m @ e[0]
        if self.d == 2:
            return (e[0] * m[:, None]).T @ e[1]
        return np.einsum("i,ia,ib,ic->abc", m, e[0], e[1], e[2], optimize=True)

    def gradient(self, a, e):
        """grad phi at the cells: Re sum_k i k a_k e^{i k.(x - o)}, contracted axis by axis."""
        c = [np.conj(p) for p in e]
        ik = 1j * self.k1
        if self.d == 1:
            return np.real(c[0] @ (ik * a))[:, None]
        if self.d == 2:
            g1 = np.einsum("ia,ab,ib->i", c[0] * ik, a, c[1], optimize=True)
            g2 = np.einsum("ia,ab,ib->i", c[0], a * ik[None, :], c[1], optimize=True)
            return np.real(np.stack([g1, g2], axis=1))
        g = [np.einsum("ia,abc,ib,ic->i", c[0] * ik if q == 0 else c[0], a, c[1] * ik if q == 1 else c[1], c[2] * ik if q == 2 else c[2], optimize=True)
             for q in range(3)]
        return np.real(np.stack(g, axis=1))

    def alignment(self, x, v, m):
        if self.beta == 0:
            return np.zeros_like(v)
        r2 = ((x[None, :, :] - x[:, None, :]) ** 2).sum(axis=2)
        w = m[None, :] * self.beta * (1 + r2 / self.R ** 2) ** (-self.sigma)
        return w @ v - w.sum(axis=1)[:, None] * v

    def gradient_at_nodes(self, a):
        """grad phi at the scenario's grid nodes: the series folded onto the n-point DFT and inverted."""
        n = self.grid
        out = []
        for q in range(self.d):
            shape = [1] * self.d
            shape[q] = -1
            coefficients = 1j * self.k1.reshape(shape) * a
            folded = np.zeros([n] * self.d, dtype=complex)
            index = np.ix_(*([np.mod(self.m, n)] * self.d))
            np.add.at(folded, index, coefficients)
            out.append(np.real(np.fft.ifftn(folded) * n ** self.d))
        return out

    def run(self, x0, v0, m, wants_gradient):
        n, d = x0.shape
        times = [self.every * j for j in range(1, int(np.floor(self.T / self.every * (1 + 1e-12))) + 1)]
        if not times or abs(times[-1] - self.T) > 1e-9 * self.T:
            times.append(self.T)
        with_field = self.eta != 0 or wants_gradient
        size = n * d

        def unpack(y):
            modes = y[2 * size:].reshape(self.a0.shape) if with_field else None
            return y[:size].real.reshape(n, d), y[size:2 * size].real.reshape(n, d), modes

        def rhs(_, y):
            x, v, a = unpack(y)
            acc = self.alignment(x, v, m) + self.external(x)
            if not with_field:
                return np.concatenate([v.reshape(-1), acc.reshape(-1)]).astype(complex)
            e = self.powers(x)
            if self.eta != 0:
                acc = acc + self.eta * self.gradient(a, e)
            da = -self.rate * a + self.weight * self.source(e, m)
            return np.concatenate([v.reshape(-1).astype(complex), acc.reshape(-1).astype(complex), da.reshape(-1)])

        y0 = np.concatenate([x0.reshape(-1), v0.reshape(-1)]).astype(complex)
        if with_field:
            y0 = np.concatenate([y0, self.a0.reshape(-1)])
        solution = solve_ivp(rhs, (0.0, self.T), y0, method="DOP853", t_eval=times, rtol=RTOL, atol=ATOL)
        if solution.status != 0:
            raise FloatingPointError(f"DOP853 stopped at t = {solution.t[-1] if len(solution.t) else 0:g}: {solution.message}")
        snapshots, gradients = [(0.0, x0, v0)], []
        for j, t in enumerate(solution.t):
            x, v, a = unpack(solution.y[:, j])
            if not (np.all(np.isfinite(x)) and np.all(np.isfinite(v))):
                bad = int(np.argmax(~(np.isfinite(x).all(axis=1) & np.isfinite(v).all(axis=1))))
                raise FloatingPointError(f"blow-up by t = {t:g}: cell {bad} is not finite")
            snapshots.append((t, x.copy(), v.copy()))
            if wants_gradient:
                gradients.append((t, self.gradient_at_nodes(a)))
        return snapshots, gradients


def main(argv):
    import scipy

    def solve(scenario, work):
        model = Model(scenario)
        x, v, m = read_initial(os.path.join(work, "initial.csv"), model.d)
        snapshots, gradients = model.run(x, v, m, wants_gradient(work))
        return model.d, snapshots, gradients

    return serve(argv[1:], f"{VERSION} (numpy {np.__version__}, scipy {scipy.__version__})", capabilities(), solve)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
