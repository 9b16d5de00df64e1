// An independent solver of the particle system (P) in C++17, written to the meanfield external-solver
// protocol, version 1 (meanfield/protocol.hpp reads and writes its files), not to the project's code.
//
//   meanfield-cpp-solver WORKDIR      reads WORKDIR/scenario.yaml and WORKDIR/initial.csv, writes
//                                     WORKDIR/particles.csv (and gradient.csv when WORKDIR/wants-gradient exists)
//   meanfield-cpp-solver --version    prints its version
//
// The model, d = 1, 2 or 3:
//
//   dx_i/dt = v_i
//   dv_i/dt = sum_j m_j beta psi(|x_j - x_i|) (v_j - v_i) + eta grad phi(x_i) + F_ext(x_i)
//   dphi/dt = D lap phi - kappa phi + sum_j m_j chi(x - x_j)
//
// with psi(r) = (1 + r^2/R^2)^(-sigma); chi(x) = c (1 - |x|^2/r^2)^3 (polynomial_bump) or
// c exp(-a s^2/(1 - s^2)), s = |x|/r (smooth_bump), on |x| < r; phi(0) zero or a Gaussian; F_ext none,
// constant or the confinement -k x / sqrt(1 + |x|^2/l^2).
//
// Its numerics:
// - alignment: the direct sum over all pairs;
// - field: the Fourier modes of the periodic box (its own mixed-radix FFT), the source chi sampled at
//   the nodes around each cell;
// - grad phi at a cell: spectral derivative at the nodes, then tensor-product cubic Lagrange
//   interpolation (error O(h^4));
// - time: Heun's predictor-corrector on (x, v) with the integrating factor exp(-(D |k|^2 + kappa) dt)
//   on the modes (second order in dt).
//
// Failures (a malformed input, a refused kind, a blow-up) print one line on standard error and exit 1.
#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "meanfield/protocol.hpp"

namespace {

using cd = std::complex<double>;
constexpr double pi = 3.14159265358979323846;
constexpr const char* version = "cpp-solver 1.0";

// --- a mixed-radix FFT: any size, fastest for sizes whose prime factors are small ---------------------

class Fft {
 public:
  explicit Fft(int n) : n_(n), roots_(static_cast<size_t>(n)), scratch_(static_cast<size_t>(n)) {
    for (int j = 0; j < n; j++) roots_[j] = std::polar(1.0, 2 * pi * j / n);
  }

  // out = sum_j in[j stride] exp(sign 2 pi i j k / n), k = 0 .. n-1 (unnormalised).
  void transform(const cd* in, size_t stride, cd* out, int sign) const { step(in, stride, out, n_, sign); }

 private:
  static int smallest_factor(int n) {
    for (int p = 2; p * p <= n; p++)
      if (n % p == 0) return p;
    return n;
  }

  // exp(sign 2 pi i e / n) for a size n dividing n_, from the table of n_-th roots of unity.
  cd root(long e, int n, int sign) const {
    cd w = roots_[static_cast<size_t>(e % n) * static_cast<size_t>(n_ / n)];
    return sign > 0 ? w : std::conj(w);
  }

  // Decimation in time by the smallest prime factor p: p transforms of n/p, then butterflies of p.
  void step(const cd* in, size_t stride, cd* out, int n, int sign) const {
    if (n == 1) {
      out[0] = in[0];
      return;
    }
    int p = smallest_factor(n), m = n / p;
    for (int r = 0; r < p; r++) step(in + r * stride, stride * p, out + r * m, m, sign);
    if (p == 2) {
      for (int k = 0; k < m; k++) {
        cd even = out[k], odd = root(k, n, sign) * out[m + k];
        out[k] = even + odd;
        out[m + k] = even - odd;
      }
      return;
    }
    // The general butterfly; the scratch holds its p inputs (the deeper levels have finished with it).
    cd* y = scratch_.data();
    for (int k = 0; k < m; k++) {
      for (int r = 0; r < p; r++) y[r] = root(static_cast<long>(r) * k, n, sign) * out[r * m + k];
      for (int q = 0; q < p; q++) {
        cd sum = 0;
        for (int r = 0; r < p; r++) sum += y[r] * root(static_cast<long>(r) * q * m, n, sign);
        out[k + q * m] = sum;
      }
    }
  }

  int n_;
  std::vector<cd> roots_;
  mutable std::vector<cd> scratch_;
};

// The d-dimensional transform of a row-major n^d array, axis by axis.
class GridFft {
 public:
  GridFft(int d, int n) : d_(d), n_(n), fft_(n), line_(static_cast<size_t>(n)), out_(static_cast<size_t>(n)) {
    nodes_ = 1;
    for (int a = 0; a < d; a++) nodes_ *= static_cast<size_t>(n);
  }

  void forward(std::vector<cd>& f) { apply(f, -1); }

  // The inverse, normalised: inverse(forward(f)) = f.
  void inverse(std::vector<cd>& f) {
    apply(f, +1);
    for (cd& c : f) c /= static_cast<double>(nodes_);
  }

 private:
  void apply(std::vector<cd>& f, int sign) {
    for (int a = 0; a < d_; a++) {
      size_t stride = 1;
      for (int b = a + 1; b < d_; b++) stride *= static_cast<size_t>(n_);
      size_t block = stride * static_cast<size_t>(n_);
      for (size_t outer = 0; outer < nodes_; outer += block)
        for (size_t inner = 0; inner < stride; inner++) {
          cd* first = f.data() + outer + inner;
          for (int j = 0; j < n_; j++) line_[j] = first[j * stride];
          fft_.transform(line_.data(), 1, out_.data(), sign);
          for (int j = 0; j < n_; j++) first[j * stride] = out_[j];
        }
    }
  }

  int d_, n_;
  size_t nodes_;
  Fft fft_;
  std::vector<cd> line_, out_;
};

// --- the model ------------------------------------------------------------------------------------

struct Model {
  int d = 0, n = 0;
  size_t nodes = 1;
  double beta = 0, R = 1, sigma = 0;
  double eta = 0, D = 0, kappa = 0;
  bool smooth = false;
  double r = 0, c = 0, sharpness = 0;
  enum class Force { none, constant, confinement } force = Force::none;
  std::vector<double> force_vector;
  double k_conf = 0, l_conf = 1;
  double L = 0, h = 0;
  std::vector<double> origin;
  double dt = 0, horizon = 0;
  std::vector<double> rate;             // D |k|^2 + kappa per mode
  std::vector<std::vector<double>> ik;  // k_a per mode, the Nyquist mode's odd derivative zero
  std::vector<double> phi0;             // phi(0) at the nodes

  explicit Model(const meanfield::Scenario& s) {
    d = static_cast<int>(s.integer("dimension"));
    if (d < 1 || d > 3) throw meanfield::protocol_error("dimension = " + std::to_string(d) + ": this solver takes d = 1, 2 and 3");
    const std::string& alignment = s.text("alignment.kind");
    if (alignment == "cucker_smale") {
      beta = s.number("alignment.beta"), R = s.number("alignment.radius"), sigma = s.number("alignment.sigma");
    } else if (alignment != "none") {
      throw meanfield::protocol_error("alignment.kind = " + alignment + ": this solver takes cucker_smale and none");
    }
    eta = s.number("chemotaxis.eta"), D = s.number("chemotaxis.diffusion"), kappa = s.number("chemotaxis.decay");
    const std::string& source = s.text("chemotaxis.source.kind");
    if (source != "polynomial_bump" && source != "smooth_bump")
      throw meanfield::protocol_error("chemotaxis.source.kind = " + source + ": this solver takes polynomial_bump and smooth_bump");
    smooth = source == "smooth_bump";
    r = s.number("chemotaxis.source.radius"), c = s.number("chemotaxis.source.amplitude");
    if (smooth) sharpness = s.number("chemotaxis.source.sharpness");
    const std::string& force_kind = s.text("external_force.kind");
    if (force_kind == "constant") {
      force = Force::constant, force_vector = s.numbers("external_force.vector", d);
    } else if (force_kind == "confinement") {
      force = Force::confinement, k_conf = s.number("external_force.strength"), l_conf = s.number("external_force.length");
    } else if (force_kind != "none") {
      throw meanfield::protocol_error("external_force.kind = " + force_kind + ": this solver takes none, constant and confinement");
    }
    n = static_cast<int>(s.integer("domain.grid")), L = s.number("domain.box"), h = L / n;
    std::vector<double> center = s.has("domain.center") ? s.numbers("domain.center", d) : std::vector<double>(d, 0.0);
    for (int a = 0; a < d; a++) origin.push_back(center[a] - L / 2);
    dt = s.number("time.step"), horizon = s.number("time.horizon");
    for (int a = 0; a < d; a++) nodes *= static_cast<size_t>(n);

    rate.resize(nodes);
    ik.assign(d, std::vector<double>(nodes));
    std::vector<int> index(d);
    for (size_t k = 0; k < nodes; k++) {
      unflatten(k, index);
      double k2 = 0;
      for (int a = 0; a < d; a++) {
        int j = index[a] <= n / 2 ? index[a] : index[a] - n;
        double ka = 2 * pi * j / L;
        k2 += ka * ka;
        ik[a][k] = (n % 2 == 0 && index[a] == n / 2) ? 0.0 : ka;
      }
      rate[k] = D * k2 + kappa;
    }

    phi0.assign(nodes, 0.0);
    const std::string& initial = s.text("chemotaxis.initial_field.kind");
    if (initial == "gaussian") {
      double amplitude = s.number("chemotaxis.initial_field.amplitude"), width = s.number("chemotaxis.initial_field.width");
      std::vector<double> at = s.numbers("chemotaxis.initial_field.center", d);
      for (size_t k = 0; k < nodes; k++) {
        unflatten(k, index);
        double r2 = 0;
        for (int a = 0; a < d; a++) {
          double y = origin[a] + index[a] * h - at[a];
          y -= L * std::round(y / L);
          r2 += y * y;
        }
        phi0[k] = amplitude * std::exp(-r2 / (2 * width * width));
      }
    } else if (initial != "zero") {
      throw meanfield::protocol_error("chemotaxis.initial_field.kind = " + initial + ": this solver takes zero and gaussian");
    }
  }

  void unflatten(size_t k, std::vector<int>& index) const {
    for (int a = d - 1; a >= 0; a--) {
      index[a] = static_cast<int>(k % n);
      k /= n;
    }
  }

  double chi(double y2) const {
    double u = 1 - y2 / (r * r);
    if (u <= 0) return 0;
    return smooth ? c * std::exp(-sharpness * (1 - u) / u) : c * u * u * u;
  }

  double psi(double r2) const { return beta * std::pow(1 + r2 / (R * R), -sigma); }
};

// The solver's state and work arrays: cells row-major (x[i * d + a]), modes row-major.
class Solver {
 public:
  Solver(const Model& model, const std::vector<double>& masses) : m_(model), mass_(masses), fft_(model.d, model.n) {
    grid_.resize(model.nodes);
    for (int a = 0; a < model.d; a++) gradient_nodes_.emplace_back(model.nodes);
    reach_ = static_cast<int>(std::ceil(model.r / model.h)) + 1;
  }

  // The modes of phi(0).
  std::vector<cd> initial_modes() {
    std::vector<cd> modes(m_.phi0.begin(), m_.phi0.end());
    fft_.forward(modes);
    return modes;
  }

  // The modes of sum_j m_j chi(x - x_j), chi sampled at the nodes around each cell.
  void source_modes(const std::vector<double>& x, std::vector<cd>& out) {
    int d = m_.d, n = m_.n, width = 2 * reach_ + 1;
    std::fill(out.begin(), out.end(), cd(0));
    std::vector<int> base(d), offset(d, 0);
    size_t count = mass_.size(), stencil = 1;
    for (int a = 0; a < d; a++) stencil *= static_cast<size_t>(width);
    for (size_t i = 0; i < count; i++) {
      for (int a = 0; a < d; a++) base[a] = static_cast<int>(std::floor((x[i * d + a] - m_.origin[a]) / m_.h));
      for (size_t s = 0; s < stencil; s++) {
        size_t rest = s, flat = 0;
        double y2 = 0;
        for (int a = d - 1; a >= 0; a--) {
          offset[a] = static_cast<int>(rest % width) - reach_;
          rest /= width;
        }
        for (int a = 0; a < d; a++) {
          int node = base[a] + offset[a];
          double y = m_.origin[a] + node * m_.h - x[i * d + a];
          y2 += y * y;
          flat = flat * n + static_cast<size_t>(((node % n) + n) % n);
        }
        double value = m_.chi(y2);
        if (value != 0) out[flat] += mass_[i] * value;
      }
    }
    fft_.forward(out);
  }

  // grad phi at the nodes, from phi's modes: gradient_nodes()[a][node].
  const std::vector<std::vector<double>>& gradient_at_nodes(const std::vector<cd>& modes) {
    for (int a = 0; a < m_.d; a++) {
      for (size_t k = 0; k < m_.nodes; k++) grid_[k] = cd(0, m_.ik[a][k]) * modes[k];
      fft_.inverse(grid_);
      for (size_t k = 0; k < m_.nodes; k++) gradient_nodes_[a][k] = grid_[k].real();
    }
    return gradient_nodes_;
  }

  // dv/dt at every cell.
  void acceleration(const std::vector<double>& x, const std::vector<double>& v, const std::vector<cd>& modes, std::vector<double>& out) {
    int d = m_.d;
    size_t count = mass_.size();
    std::fill(out.begin(), out.end(), 0.0);
    if (m_.beta != 0) {
      for (size_t i = 0; i < count; i++)
        for (size_t j = 0; j < count; j++) {
          double r2 = 0;
          for (int a = 0; a < d; a++) r2 += (x[j * d + a] - x[i * d + a]) * (x[j * d + a] - x[i * d + a]);
          double w = mass_[j] * m_.psi(r2);
          for (int a = 0; a < d; a++) out[i * d + a] += w * (v[j * d + a] - v[i * d + a]);
        }
    }
    for (size_t i = 0; i < count; i++) {
      if (m_.force == Model::Force::constant) {
        for (int a = 0; a < d; a++) out[i * d + a] += m_.force_vector[a];
      } else if (m_.force == Model::Force::confinement) {
        double x2 = 0;
        for (int a = 0; a < d; a++) x2 += x[i * d + a] * x[i * d + a];
        double scale = -m_.k_conf / std::sqrt(1 + x2 / (m_.l_conf * m_.l_conf));
        for (int a = 0; a < d; a++) out[i * d + a] += scale * x[i * d + a];
      }
    }
    if (m_.eta != 0) {
      const auto& g = gradient_at_nodes(modes);
      std::vector<double> at(d);
      for (size_t i = 0; i < count; i++) {
        interpolate(g, &x[i * d], at);
        for (int a = 0; a < d; a++) out[i * d + a] += m_.eta * at[a];
      }
    }
  }

  // Nodal fields at a point: tensor-product cubic Lagrange on the four nodes around it (periodic).
  void interpolate(const std::vector<std::vector<double>>& fields, const double* point, std::vector<double>& values) const {
    int d = m_.d, n = m_.n;
    double w[3][4];
    int first[3];
    for (int a = 0; a < d; a++) {
      double s = (point[a] - m_.origin[a]) / m_.h, f = s - std::floor(s), t = f + 1;
      first[a] = static_cast<int>(std::floor(s)) - 1;
      w[a][0] = -(t - 1) * (t - 2) * (t - 3) / 6;
      w[a][1] = t * (t - 2) * (t - 3) / 2;
      w[a][2] = -t * (t - 1) * (t - 3) / 2;
      w[a][3] = t * (t - 1) * (t - 2) / 6;
    }
    std::fill(values.begin(), values.end(), 0.0);
    int corners = 1;
    for (int a = 0; a < d; a++) corners *= 4;
    for (int s = 0; s < corners; s++) {
      double weight = 1;
      size_t flat = 0;
      for (int a = 0, rest = s; a < d; a++, rest /= 4) {
        int m = rest % 4;
        weight *= w[a][m];
        flat = flat * n + static_cast<size_t>((((first[a] + m) % n) + n) % n);
      }
      for (size_t q = 0; q < fields.size(); q++) values[q] += weight * fields[q][flat];
    }
  }

 private:
  const Model& m_;
  std::vector<double> mass_;
  GridFft fft_;
  std::vector<cd> grid_;
  std::vector<std::vector<double>> gradient_nodes_;
  int reach_ = 0;
};

// Nodal grad phi as the protocol's rows: g[node * d + a].
std::vector<double> interleave(const std::vector<std::vector<double>>& g) {
  size_t d = g.size(), nodes = g[0].size();
  std::vector<double> out(d * nodes);
  for (size_t k = 0; k < nodes; k++)
    for (size_t a = 0; a < d; a++) out[k * d + a] = g[a][k];
  return out;
}

int run(const std::string& work) {
  auto scenario = meanfield::Scenario::read(work + "/scenario.yaml");
  Model model(scenario);
  auto cells = meanfield::read_initial(work + "/initial.csv", model.d);
  bool wants_gradient = std::ifstream(work + "/wants-gradient").good();
  std::vector<double> times = meanfield::output_times(scenario);
  long steps = std::lround(model.horizon / model.dt);
  if (steps < 1 || std::abs(steps * model.dt - model.horizon) > 1e-9 * model.horizon)
    throw meanfield::protocol_error("time.horizon / time.step = " + std::to_string(model.horizon / model.dt) + " is not a whole number of steps");

  Solver solver(model, cells.m);
  size_t len = cells.x.size(), nodes = model.nodes;
  std::vector<double> x = cells.x, v = cells.v, xp(len), vp(len), a0(len), a1(len);
  std::vector<cd> modes = solver.initial_modes(), s0(nodes), s1(nodes), predicted(nodes);
  std::vector<double> decay(nodes);
  for (size_t k = 0; k < nodes; k++) decay[k] = std::exp(-model.rate[k] * model.dt);

  std::vector<meanfield::Snapshot> snapshots{{0.0, x, v}};
  std::vector<meanfield::GradientSnapshot> gradients;
  size_t next = 0;
  for (long step = 1; step <= steps; step++) {
    // Heun with the integrating factor: an exponential Euler predictor, then the trapezoidal corrector.
    solver.source_modes(x, s0);
    solver.acceleration(x, v, modes, a0);
    for (size_t q = 0; q < len; q++) xp[q] = x[q] + model.dt * v[q], vp[q] = v[q] + model.dt * a0[q];
    for (size_t k = 0; k < nodes; k++) predicted[k] = decay[k] * (modes[k] + model.dt * s0[k]);
    solver.source_modes(xp, s1);
    solver.acceleration(xp, vp, predicted, a1);
    for (size_t q = 0; q < len; q++) {
      x[q] += 0.5 * model.dt * (v[q] + vp[q]);
      v[q] += 0.5 * model.dt * (a0[q] + a1[q]);
    }
    for (size_t k = 0; k < nodes; k++) modes[k] = decay[k] * (modes[k] + 0.5 * model.dt * s0[k]) + 0.5 * model.dt * s1[k];
    for (size_t q = 0; q < len; q++)
      if (!std::isfinite(x[q]) || !std::isfinite(v[q]))
        throw meanfield::protocol_error("blow-up at step " + std::to_string(step) + " (t = " + std::to_string(step * model.dt) +
                                        "): cell " + std::to_string(q / model.d) + " is not finite; reduce time.step");
    while (next < times.size() && std::lround(times[next] / model.dt) == step) {
      snapshots.push_back({times[next], x, v});
      if (wants_gradient) gradients.push_back({times[next], interleave(solver.gradient_at_nodes(modes))});
      next++;
    }
  }
  if (next != times.size())
    throw meanfield::protocol_error("the output time " + std::to_string(times[next]) + " is not a whole number of steps of " + std::to_string(model.dt));

  meanfield::write_particles(work + "/particles.csv", model.d, snapshots);
  if (wants_gradient) meanfield::write_gradient(work + "/gradient.csv", model.d, gradients);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) == "--version") {
    std::cout << version << " (protocol " << meanfield::protocol_version << ")\n";
    return 0;
  }
  if (argc != 2) {
    std::cerr << "usage: meanfield-cpp-solver WORKDIR | --version\n";
    return 2;
  }
  try {
    return run(argv[1]);
  } catch (const std::exception& e) {
    std::cerr << "meanfield-cpp-solver: " << e.what() << '\n';
    return 1;
  }
}
