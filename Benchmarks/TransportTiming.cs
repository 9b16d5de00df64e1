using System.Diagnostics;
using System.Globalization;
using MeanField.Core.Transport;
using MeanField.Host;

namespace MeanField.Benchmarks;

/// <summary>
/// <c>transport-timing A.csv B.csv [repeats]</c>: exact W2 between two CSV clouds solved
/// <c>repeats</c> times (default 5) in one process, printing one JSON object with the first solve's
/// seconds (just-in-time compilation included, as a single <c>meanfield distance</c> pays it) and the
/// fastest later solve's (steady state, as the suite's thousands of solves see it) with its split into
/// seeding, augmenting and pricing, and the cost.
/// <c>ci/bench-transport.sh</c> times the Python solvers the same way.
/// </summary>
internal static class TransportTiming
{
    public const string Command = "transport-timing";

    public static int Run(string[] args)
    {
        if (args.Length is < 2 or > 3)
        {
            Console.Error.WriteLine($"usage: {Command} A.csv B.csv [repeats]");
            return 2;
        }

        int repeats = args.Length == 3 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;
        if (repeats < 2)
        {
            Console.Error.WriteLine($"{Command}: repeats = {repeats}: must be at least 2 (the first solve is timed apart)");
            return 2;
        }

        var a = CloudCsv.Read(args[0], weighted: false);
        var b = CloudCsv.Read(args[1], weighted: false);
        double first = 0, steady = double.PositiveInfinity, cost = double.NaN;
        ExactTransportProfile? fastest = null;
        for (int r = 0; r < repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            var result = ExactTransport.Solve(a, b, 2.0);
            double seconds = clock.Elapsed.TotalSeconds;
            if (r == 0) first = seconds;
            else if (seconds < steady) (steady, fastest) = (seconds, result.Profile);
            // Every repeat solves the same problem: the same bits, or the timing compares different work.
            if (r > 0 && result.Cost != cost) throw new InvalidOperationException($"repeat {r} gave cost {result.Cost:R} after {cost:R}");
            cost = result.Cost;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"first_seconds\": {first:R}, \"steady_seconds\": {steady:R}, \"repeats\": {repeats}, \"cost\": {cost:R}, \"seed_seconds\": {fastest!.SeedSeconds:R}, \"augment_seconds\": {fastest.AugmentSeconds:R}, \"pricing_seconds\": {fastest.PricingSeconds:R}}}"));
        return 0;
    }
}
