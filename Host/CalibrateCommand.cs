using System.CommandLine;
using System.Diagnostics;
using MeanField.Reports.Verification;
using MeanField.Verification;

namespace MeanField.Host;

/// <summary>
/// <c>meanfield calibrate [--trials N]</c>: measures the harness itself on synthetic ladders whose
/// slope is known (the rate interval's coverage, the sequential design's wrong-verdict rates at the
/// claims' boundaries and its replicas against the fixed design's), as Markdown on standard output.
/// </summary>
internal static class CalibrateCommand
{

    public static Command Create(TextWriter output, TextWriter error)
    {
        var trials = WholeNumberOptions.Create("--trials", "Synthetic ladders per configuration (the Monte Carlo error falls as 1 / sqrt of it).", 4000);
        var quiet = CommonOptions.Quiet();
        var command = new Command("calibrate", "Measure the rate interval's coverage and the sequential design's error rates on synthetic ladders (Markdown on standard output).") { trials, quiet };
        command.SetAction(parse => Run(parse.GetValue(trials), parse.GetValue(quiet), output, error));
        return command;
    }

    private static int Run(int trials, bool quiet, TextWriter output, TextWriter error)
    {
        if (trials < 10)
        {
            error.WriteLine($"meanfield calibrate: --trials {trials} must be at least 10");
            return ExitCodes.BadInput;
        }

        var clock = Stopwatch.StartNew();
        int configurations = VerificationFacade.CalibrationConfigurations;
        var (coverage, sequential) = ConsoleProgress.Run(error, quiet, $"calibrate, {trials} ladders per configuration", configurations, progress =>
        {
            int done = 0;
            return VerificationFacade.Calibrate(trials, () => progress(++done)).ToValueTuple();
        });
        CalibrationMarkdown.Render(output, coverage, sequential, clock.Elapsed.TotalSeconds);
        return ExitCodes.Success;
    }
}
