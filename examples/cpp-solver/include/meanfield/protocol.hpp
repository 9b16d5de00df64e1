// meanfield/protocol.hpp: the files of the meanfield external-solver protocol, version 1, for a C++
// solver. Header-only, C++17, the standard library only. Include it, read the run's inputs, write its
// outputs; the numerics are yours. The protocol: docs/solver-protocol.md in the meanfield repository.
//
//   meanfield::Scenario s = meanfield::Scenario::read(work + "/scenario.yaml");
//   int d = s.integer("dimension");
//   meanfield::Cells cells = meanfield::read_initial(work + "/initial.csv", d);
//   ... advance cells.x, cells.v to each of meanfield::output_times(s) ...
//   meanfield::write_particles(work + "/particles.csv", d, snapshots);
//
// The scenario reader takes the YAML subset that `meanfield` writes (and only that): one "key: value"
// or "key:" per line, nesting by indentation, '#' comments, plain scalars, double-quoted strings and
// flow lists of numbers ("[0.3, -0.2]"). Keys come back flattened with dots: "chemotaxis.source.kind".
// Anything else (anchors, block lists, multi-line strings) is refused with the line it is on.
//
// Every failure throws meanfield::protocol_error, whose message names the file, the line or key, and
// the value: print it on standard error and exit non-zero, and the harness shows it in its report.
#pragma once

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace meanfield {

/// The protocol version this header speaks.
inline constexpr int protocol_version = 1;

/// A malformed or missing input, or an output that cannot be written.
class protocol_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {

inline std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// The text before a comment: a '#' at the start or after a blank, outside double quotes.
inline std::string strip_comment(const std::string& line) {
  bool quoted = false;
  for (size_t i = 0; i < line.size(); i++) {
    char c = line[i];
    if (c == '"' && (i == 0 || line[i - 1] != '\\')) quoted = !quoted;
    if (c == '#' && !quoted && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) return line.substr(0, i);
  }
  return line;
}

// A whole IEEE double, or false: strtod reads the round-trip digits the harness writes to the bit.
inline bool parse_double(const std::string& text, double& value) {
  std::string t = trim(text);
  if (t.empty()) return false;
  errno = 0;
  char* end = nullptr;
  value = std::strtod(t.c_str(), &end);
  return end == t.c_str() + t.size() && errno != ERANGE;
}

inline std::vector<std::string> split(const std::string& line, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(line);
  while (std::getline(in, part, separator)) parts.push_back(part);
  if (!line.empty() && line.back() == separator) parts.emplace_back();
  return parts;
}

inline std::string format(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", x);
  return buffer;
}

// Writes through a temporary sibling and renames it into place: no partial file under the final name.
template <class Body>
void write_atomically(const std::string& path, Body body) {
  std::string partial = path + ".partial";
  {
    std::ofstream out(partial, std::ios::binary);
    if (!out) throw protocol_error(partial + ": cannot be written");
    body(out);
    out.flush();
    if (!out) throw protocol_error(partial + ": the write failed (disk full?)");
  }
  if (std::rename(partial.c_str(), path.c_str()) != 0) throw protocol_error(path + ": cannot be renamed into place");
}

}  // namespace detail

/// scenario.yaml as flat dotted keys.
class Scenario {
 public:
  /// Reads the file; throws protocol_error naming the line that is outside the subset.
  static Scenario read(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw protocol_error(path + ": cannot be read");
    Scenario s;
    s.path_ = path;
    std::vector<std::pair<size_t, std::string>> open;  // (indentation, dotted prefix) of the enclosing keys
    std::string raw;
    for (int number = 1; std::getline(in, raw); number++) {
      std::string line = detail::strip_comment(raw);
      if (detail::trim(line).empty()) continue;
      size_t indent = line.find_first_not_of(' ');
      std::string body = detail::trim(line);
      std::string where = path + ", line " + std::to_string(number) + ": ";
      if (body[0] == '-' || body[0] == '&' || body[0] == '*' || body[0] == '|' || body[0] == '>')
        throw protocol_error(where + "'" + body + "' is outside the YAML subset this reader takes (key: value lines)");
      size_t colon = body.find(':');
      if (colon == std::string::npos || colon == 0) throw protocol_error(where + "'" + body + "' is not 'key: value' or 'key:'");
      while (!open.empty() && open.back().first >= indent) open.pop_back();
      std::string key = detail::trim(body.substr(0, colon));
      std::string full = open.empty() ? key : open.back().second + "." + key;
      std::string value = detail::trim(body.substr(colon + 1));
      if (value.empty()) {
        open.emplace_back(indent, full);
      } else {
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
        s.values_[full] = value;
      }
    }
    return s;
  }

  /// True when the key has a value.
  bool has(const std::string& key) const { return values_.count(key) != 0; }

  /// The value as written (quotes removed); throws when the key is missing.
  const std::string& text(const std::string& key) const {
    auto it = values_.find(key);
    if (it == values_.end()) throw protocol_error(path_ + ": the key '" + key + "' is missing");
    return it->second;
  }

  /// The value as a double; throws naming the key and the value when it is not a number.
  double number(const std::string& key) const {
    double value;
    if (!detail::parse_double(text(key), value)) throw protocol_error(path_ + ": " + key + " = '" + text(key) + "' is not a number");
    return value;
  }

  /// The value as a whole number.
  long integer(const std::string& key) const {
    double value = number(key);
    if (value != std::floor(value)) throw protocol_error(path_ + ": " + key + " = '" + text(key) + "' is not a whole number");
    return static_cast<long>(value);
  }

  /// A flow list of numbers, "[a, b, c]"; <paramref>length</paramref> checked when it is not -1.
  std::vector<double> numbers(const std::string& key, long length = -1) const {
    const std::string& t = text(key);
    if (t.size() < 2 || t.front() != '[' || t.back() != ']') throw protocol_error(path_ + ": " + key + " = '" + t + "' is not a list [a, b, ...]");
    std::vector<double> out;
    std::string inner = detail::trim(t.substr(1, t.size() - 2));
    if (!inner.empty()) {
      for (const std::string& part : detail::split(inner, ',')) {
        double value;
        if (!detail::parse_double(part, value)) throw protocol_error(path_ + ": " + key + " = '" + t + "': '" + detail::trim(part) + "' is not a number");
        out.push_back(value);
      }
    }
    if (length >= 0 && static_cast<long>(out.size()) != length)
      throw protocol_error(path_ + ": " + key + " = '" + t + "' has " + std::to_string(out.size()) + " entries, expected " + std::to_string(length));
    return out;
  }

  /// Every key and its value, in key order.
  const std::map<std::string, std::string>& values() const { return values_; }

 private:
  std::string path_;
  std::map<std::string, std::string> values_;
};

/// The cells of initial.csv: x and v row-major (x[i * d + a]), m the masses (summing to 1).
struct Cells {
  int dimension = 0;
  std::vector<double> x, v, m;
  size_t count() const { return m.size(); }
};

/// Reads initial.csv ("i,x1,..,xd,v1,..,vd" with an optional last column "m"); equal masses 1/N when
/// there is no m, the given ones normalised to sum 1 otherwise.
inline Cells read_initial(const std::string& path, int d) {
  std::ifstream in(path);
  if (!in) throw protocol_error(path + ": cannot be read");
  std::string header;
  if (!std::getline(in, header)) throw protocol_error(path + ": empty, expected a header");
  header = detail::trim(header);
  std::string expected = "i";
  for (int a = 1; a <= d; a++) expected += ",x" + std::to_string(a);
  for (int a = 1; a <= d; a++) expected += ",v" + std::to_string(a);
  bool weighted = header == expected + ",m";
  if (!weighted && header != expected) throw protocol_error(path + ": header '" + header + "', expected '" + expected + "' (or with ',m')");
  size_t columns = 1 + 2 * static_cast<size_t>(d) + (weighted ? 1 : 0);
  Cells cells;
  cells.dimension = d;
  std::string line;
  for (int number = 2; std::getline(in, line); number++) {
    if (detail::trim(line).empty()) continue;
    auto parts = detail::split(detail::trim(line), ',');
    std::string where = path + ", line " + std::to_string(number) + ": ";
    if (parts.size() != columns) throw protocol_error(where + std::to_string(parts.size()) + " columns, expected " + std::to_string(columns));
    double value;
    if (!detail::parse_double(parts[0], value) || value != static_cast<double>(cells.count()))
      throw protocol_error(where + "the cell index '" + parts[0] + "' is not " + std::to_string(cells.count()));
    for (size_t c = 1; c < columns; c++) {
      if (!detail::parse_double(parts[c], value) || !std::isfinite(value)) throw protocol_error(where + "'" + parts[c] + "' is not a finite number");
      if (c <= static_cast<size_t>(d)) cells.x.push_back(value);
      else if (c <= 2 * static_cast<size_t>(d)) cells.v.push_back(value);
      else if (value > 0) cells.m.push_back(value);
      else throw protocol_error(where + "the mass '" + parts[c] + "' is not positive");
    }
    if (!weighted) cells.m.push_back(1.0);
  }
  if (cells.count() == 0) throw protocol_error(path + ": no cells");
  double total = 0;
  for (double mass : cells.m) total += mass;
  for (double& mass : cells.m) mass /= total;
  return cells;
}

/// The output times: the multiples of time.output_interval up to time.horizon, and the horizon itself.
inline std::vector<double> output_times(const Scenario& s) {
  double horizon = s.number("time.horizon"), every = s.number("time.output_interval");
  if (!(horizon > 0) || !(every > 0)) throw protocol_error("time.horizon and time.output_interval must be positive");
  std::vector<double> times;
  for (long k = 1; k * every < horizon * (1 - 1e-9); k++) times.push_back(k * every);
  times.push_back(horizon);
  return times;
}

/// The cells at one output time, row-major as in Cells.
struct Snapshot {
  double t;
  std::vector<double> x, v;
};

/// Writes particles.csv ("t,i,x1,..,xd,v1,..,vd"), at round-trip precision, atomically.
inline void write_particles(const std::string& path, int d, const std::vector<Snapshot>& snapshots) {
  detail::write_atomically(path, [&](std::ofstream& out) {
    out << "t,i";
    for (int a = 1; a <= d; a++) out << ",x" << a;
    for (int a = 1; a <= d; a++) out << ",v" << a;
    out << '\n';
    for (const Snapshot& s : snapshots) {
      size_t n = s.x.size() / static_cast<size_t>(d);
      for (size_t i = 0; i < n; i++) {
        out << detail::format(s.t) << ',' << i;
        for (int a = 0; a < d; a++) out << ',' << detail::format(s.x[i * d + a]);
        for (int a = 0; a < d; a++) out << ',' << detail::format(s.v[i * d + a]);
        out << '\n';
      }
    }
  });
}

/// grad phi at the grid nodes at one output time: g[node * d + a], nodes row-major (last axis fastest).
struct GradientSnapshot {
  double t;
  std::vector<double> g;
};

/// Writes gradient.csv ("t,node,g1,..,gd"), atomically.
inline void write_gradient(const std::string& path, int d, const std::vector<GradientSnapshot>& snapshots) {
  detail::write_atomically(path, [&](std::ofstream& out) {
    out << "t,node";
    for (int a = 1; a <= d; a++) out << ",g" << a;
    out << '\n';
    for (const GradientSnapshot& s : snapshots) {
      size_t nodes = s.g.size() / static_cast<size_t>(d);
      for (size_t k = 0; k < nodes; k++) {
        out << detail::format(s.t) << ',' << k;
        for (int a = 0; a < d; a++) out << ',' << detail::format(s.g[k * d + a]);
        out << '\n';
      }
    }
  });
}

}  // namespace meanfield
