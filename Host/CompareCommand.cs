using System.CommandLine;
using MeanField.Reports.Verification;
using MeanField.Verification;
using Microsoft.FSharp.Collections;

namespace MeanField.Host;

/// <summary><c>meanfield compare A/results.json B/results.json</c>: the two runs side by side as Markdown, exit 1 when B regresses.</summary>
internal static class CompareCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var before = new Argument<FileInfo>("before") { Description = "results.json of the reference run." };
        var after = new Argument<FileInfo>("after") { Description = "results.json of the run under review." };
        var command = new Command("compare", "Compare two verification runs check by check (Markdown on standard output).") { before, after };
        command.SetAction(parse => Run(parse.GetRequiredValue(before), parse.GetRequiredValue(after), output, error));
        return command;
    }

    private static int Run(FileInfo before, FileInfo after, TextWriter output, TextWriter error)
    {
        var summaries = new List<IReadOnlyList<CheckSummary>>();
        foreach (var file in new[] { before, after })
        {
            try
            {
                using var stream = file.OpenRead();
                summaries.Add(VerificationJson.ReadSummaries(stream));
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                error.WriteLine($"meanfield compare: '{file.FullName}': {e.Message}");
                return ExitCodes.BadInput;
            }
        }

        var rows = Baseline.compare(ListModule.OfSeq(summaries[0]), ListModule.OfSeq(summaries[1])).ToList();
        ComparisonMarkdown.Render(output, rows, before.FullName, after.FullName);
        return rows.Any(r => r.Regressed) ? ExitCodes.Violated : ExitCodes.Success;
    }
}
