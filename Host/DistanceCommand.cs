using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MeanField.Core.Transport;
using MeanField.Reports.Transport;

namespace MeanField.Host;

/// <summary><c>meanfield distance A.csv B.csv [--p 1|2] [--method auto|exact|1d|sinkhorn] [--weights] [--json]</c>.</summary>
internal static class DistanceCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var first = new Argument<FileInfo>("A") { Description = "First cloud (CSV: one point per row)." };
        var second = new Argument<FileInfo>("B") { Description = "Second cloud." };
        var p = new Option<double>("--p") { HelpName = "P", Description = "The exponent p >= 1 of W_p.", DefaultValueFactory = _ => 2.0 };
        var method = new Option<string>("--method")
        {
            HelpName = "auto|exact|1d|sinkhorn",
            Description = "auto (1d for D = 1, exact up to 10^5 x 10^5 pairs, sinkhorn beyond), exact, 1d or sinkhorn (approximate).",
            DefaultValueFactory = _ => "auto",
        };
        method.AcceptOnlyFromAmong("auto", "exact", "1d", "sinkhorn");
        var weights = new Option<bool>("--weights") { Description = "The last column of each row is the point's weight." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };
        var quiet = CommonOptions.Quiet();
        var command = new Command("distance", "Wasserstein distance W_p between two point clouds.") { first, second, p, method, weights, json, quiet };
        command.SetAction(parse => Run(
            new Request(parse.GetRequiredValue(first), parse.GetRequiredValue(second), parse.GetValue(p), parse.GetValue(method)!, parse.GetValue(weights), parse.GetValue(json), parse.GetValue(quiet)),
            output,
            error));
        return command;
    }

    /// <summary>What the command line asked for.</summary>
    private sealed record Request(FileInfo A, FileInfo B, double P, string Method, bool Weighted, bool Json, bool Quiet);

    private static int Run(Request request, TextWriter output, TextWriter error)
    {
        var (a, b, p, methodName, weighted, json, quiet) = request;
        if (!(p >= 1) || !double.IsFinite(p))
        {
            error.WriteLine($"meanfield distance: option '--p' = {p.ToString(CultureInfo.InvariantCulture)}: must be a finite number >= 1");
            return ExitCodes.BadInput;
        }

        var method = methodName switch
        {
            "exact" => TransportMethod.Exact,
            "1d" => TransportMethod.OneDimensional,
            "sinkhorn" => TransportMethod.Sinkhorn,
            _ => TransportMethod.Auto,
        };
        try
        {
            var ca = CloudCsv.Read(a.FullName, weighted);
            var cb = CloudCsv.Read(b.FullName, weighted);
            // Timed inside the display, so the seconds are the solver's alone.
            var (result, seconds) = ConsoleProgress.Status(error, quiet, $"distance: W{p.ToString("G", CultureInfo.InvariantCulture)} of {ca.Count} x {cb.Count} points in D = {ca.Dimension}", () =>
            {
                var clock = Stopwatch.StartNew();
                var computed = Wasserstein.Compute(ca, cb, p, method);
                return (computed, clock.Elapsed.TotalSeconds);
            });
            if (json)
            {
                using var buffer = new MemoryStream();
                TransportJson.Write(buffer, result, ca, cb, seconds);
                output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
            }
            else
            {
                string accuracy = result.IsExact
                    ? "exact"
                    : string.Create(CultureInfo.InvariantCulture, $"approximate: epsilon {result.Epsilon:G3}, estimated error of the cost {result.EstimatedError:G3}");
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"W{p:G} = {result.Distance:R} (cost W^p = {result.Cost:R}; method {result.Method}{(methodName == "auto" ? ", chosen by auto" : "")}, {accuracy}, n = {ca.Count}, m = {cb.Count}, D = {ca.Dimension}, {seconds:F3} s)"));
            }

            return ExitCodes.Success;
        }
        catch (Exception e) when (e is CloudFormatException or ArgumentException or NotSupportedException)
        {
            error.WriteLine($"meanfield distance: {e.Message}");
            return ExitCodes.BadInput;
        }
    }
}
