using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace MeanField.Benchmarks;

/// <summary>
/// Runs the benchmarks in process (no per-benchmark rebuild) with a short job, then prints the
/// direct alignment's throughput in pair interactions per second. <c>transport-timing</c> instead times
/// exact transport on two CSV clouds (<see cref="TransportTiming"/>).
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == TransportTiming.Command) return TransportTiming.Run(args[1..]);
        if (args.Length > 0 && args[0] == StepSplit.Command) return StepSplit.Run(args[1..]);
        var config = DefaultConfig.Instance
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        foreach (var summary in summaries) PrintPairRates(summary);
        return 0;
    }

    private static void PrintPairRates(Summary summary)
    {
        foreach (var report in summary.Reports)
        {
            if (report.BenchmarkCase.Descriptor.Type != typeof(DirectAlignmentBenchmarks) || report.ResultStatistics is null) continue;
            int n = (int)report.BenchmarkCase.Parameters["N"];
            double sigma = (double)report.BenchmarkCase.Parameters["Sigma"];
            double seconds = report.ResultStatistics.Mean * 1e-9;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"direct alignment d=2 sigma={sigma} N={n}: {seconds * 1e3:F2} ms, {(double)n * n / seconds:E3} pairs/s"));
        }
    }
}
