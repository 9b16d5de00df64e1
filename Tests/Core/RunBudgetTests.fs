module MeanField.Tests.Core.RunBudgetTests

open System
open Expecto
open MeanField.Core.Dynamics
open MeanField.Core.Particles
open MeanField.Core.Scenarios
open MeanField.Core.Solvers

let private inThreeDimensions (yaml: string) =
    yaml.Replace("dimension: 2", "dimension: 3").Replace("center: [0.0, 0.0]", "center: [0.0, 0.0, 0.0]").Replace("grid: 128", "grid: 64")

let private byMesh (yaml: string) = yaml.Replace("sigma: 0.5", "sigma: 0.5\n  method: mesh")

/// The scenarios measured: each dimension, the direct sum and the mesh (whose FFT box dominates in d = 3).
let private cases =
    [ "d = 1, direct (vlasov-d1)", ScenarioReader.Embedded "vlasov-d1"
      "d = 2, direct (default)", ScenarioReader.Default()
      "d = 2, mesh", ScenarioReader.Parse(byMesh (ScenarioReader.DefaultText()))
      "d = 3, direct, 64^3 grid", ScenarioReader.Parse(inThreeDimensions (ScenarioReader.DefaultText()))
      "d = 3, mesh, 64^3 grid", ScenarioReader.Parse(byMesh (inThreeDimensions (ScenarioReader.DefaultText()))) ]

/// The bytes <paramref name="f"/> allocates on this thread (the runs below use one thread, so every array is counted).
let private allocatedBy f =
    GC.Collect()
    let before = GC.GetAllocatedBytesForCurrentThread()
    let result = f ()
    GC.GetAllocatedBytesForCurrentThread() - before, result

[<Tests>]
let tests =
    testList "MeanField.Core.RunBudget" [
        test "The memory estimate is within 5% of the bytes a run allocates from sampling its cells to the end of its first step, in every dimension, direct and mesh" {
            let run (scenario: Scenario) n =
                let initial = InitialData.Sample(scenario.Initial, scenario.Dimension, n, scenario.Seed)
                let simulation = HybridSimulation(HybridModel.FromScenario scenario, initial, 1)
                simulation.Step()
                initial
            for name, scenario in cases do
                let n = 20000
                // A small run first, so that the runtime's one-time costs (compilation, static tables such
                // as the quadrature rule's) fall outside the measured run.
                run scenario 100 |> ignore
                let measured, initial = allocatedBy (fun () -> run scenario n)
                let estimate = RunBudget.Memory(scenario, n, RunBudget.Extent initial, HeldOutputs.None)
                let ratio = float estimate.Total / float measured
                Expect.isTrue (ratio > 0.95 && ratio < 1.05) $"{name}: estimated {estimate}, allocated {measured} bytes (ratio {ratio:F3})"
                if scenario.Alignment.Method = AlignmentMethod.Mesh then Expect.isGreaterThan estimate.FftBox 0L $"{name}: the mesh has a box"
                else Expect.equal estimate.FftBox 0L $"{name}: the direct sum has none"
        }

        test "The estimate of a solver run counts the cells and gradient grids it holds at every output time" {
            let scenario = ScenarioReader.Default().WithTime(0.05, 0.01, 0.01)
            let n = 20000
            let measured, (problem: SolverProblem) =
                allocatedBy (fun () ->
                    let initial = InitialData.Sample(scenario.Initial, scenario.Dimension, n, scenario.Seed)
                    let problem = SolverProblem(scenario, initial, SolverProblem.OutputTimesOf scenario, true)
                    OwnSolver.Run(HybridModel.FromScenario scenario, problem, 1) |> ignore
                    problem)
            let outputs = problem.OutputTimes.Count
            Expect.equal outputs 5 "five output times"
            let estimate = RunBudget.Memory(scenario, n, RunBudget.Extent problem.Initial, HeldOutputs(outputs, outputs))
            let without = RunBudget.Memory(scenario, n, RunBudget.Extent problem.Initial, HeldOutputs.None)
            Expect.isGreaterThan estimate.Outputs (int64 outputs * int64 n * 32L) "the held snapshots are counted"
            let ratio = float estimate.Total / float measured
            Expect.isTrue (ratio > 0.95 && ratio < 1.05) $"estimated {estimate}, allocated {measured} bytes (ratio {ratio:F3})"
            Expect.isLessThan (float without.Total / float measured) 0.8 "without the outputs the estimate falls short: they are a real part"
        }

        test "The mesh box grows with the cells' extent as the alignment sizes it: a power of two at least twice the extent in spacings plus the stencil's margin" {
            for extent, spacing, expected in [ 0.0, 0.05, 16; 2.0, 0.05, 128; 2.0, 0.1, 64; 3.0, 0.05, 256; 100.0, 0.05, 4096 ] do
                Expect.equal (MeanField.Core.Alignment.MeshAlignment.BoxPointsFor(extent, spacing)) expected $"extent {extent}, spacing {spacing}"
        }

        test "The direct sum's time is 2 N^2 pairs per step at the measured rate, and the measured rate is positive and finite" {
            let scenario = ScenarioReader.Default()
            Expect.floatClose Accuracy.veryHigh (RunBudget.DirectSumSeconds(scenario, 1000, 1e9)) (2.0 * 200.0 * 1e6 / 1e9) "200 steps of the default"
            let sample = InitialData.Sample(scenario.Initial, 2, 512, 1)
            let rate = RunBudget.MeasurePairsPerSecond(scenario.Alignment.Build(), sample, 1)
            Expect.isTrue (Double.IsFinite rate && rate > 1e5) $"pairs/s {rate}"
        }

        test "Byte counts print in decimal units with three significant figures" {
            Expect.equal (MemoryEstimate.Bytes 999L) "999 B" "bytes"
            Expect.equal (MemoryEstimate.Bytes 2_880_000L) "2.88 MB" "megabytes"
            Expect.equal (MemoryEstimate.Bytes 552_000_000_000L) "552 GB" "gigabytes"
        }
    ]
