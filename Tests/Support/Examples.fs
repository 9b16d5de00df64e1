/// The example solvers in the source tree (the tests run from Tests/bin/Release/net10.0).
module MeanField.Tests.Examples

open System
open System.IO

let private examples = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "examples"))

/// examples/python-solver/solver.py: NumPy, second order in dt (also --alignment-only).
let pythonSolver = Path.Combine(examples, "python-solver", "solver.py")

/// examples/spectral-solver/solver.py: the field as a Fourier series, DOP853 with its own step control.
let spectralSolver = Path.Combine(examples, "spectral-solver", "solver.py")

/// examples/cpp-solver: C++17, built with CMake.
let cppSource = Path.Combine(examples, "cpp-solver")
