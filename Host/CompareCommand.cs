using System.CommandLine;
using MeanField.Reports.Verification;
using MeanField.Verification;

namespace MeanField.Host;

/// <summary><c>meanfield compare A/results.json B/results.json</c>: the two runs side by side as Markdown, exit 1 when B regresses.</summary>
internal static class CompareCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var before = new Argument<FileInfo>("before") { Description = "results.json of the reference run." };
        var after = new Argument<FileInfo>("after") { Description = "results.json of the run under review." };
        var allowDifferent = new Option<bool>("--allow-different-solvers") { Description = "Compare runs of two different solvers under test." };
        var command = new Command("compare", "Compare two verification runs check by check (Markdown on standard output).") { before, after, allowDifferent };
        command.SetAction(parse => Run(parse.GetRequiredValue(before), parse.GetRequiredValue(after), parse.GetValue(allowDifferent), output, error));
        return command;
    }

    private static int Run(FileInfo before, FileInfo after, bool allowDifferent, TextWriter output, TextWriter error)
    {
        var runs = new List<StoredRun>();
        foreach (var file in new[] { before, after })
        {
            try
            {
                using var stream = file.OpenRead();
                runs.Add(VerificationJson.ReadRun(stream));
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                error.WriteLine($"meanfield compare: '{file.FullName}': {e.Message}");
                return ExitCodes.BadInput;
            }
        }

        if (runs[0].Solver != runs[1].Solver && !allowDifferent)
        {
            error.WriteLine($"meanfield compare: '{before.FullName}' judged the solver '{runs[0].Solver}', '{after.FullName}' the solver '{runs[1].Solver}': pass --allow-different-solvers to compare them");
            return ExitCodes.BadInput;
        }

        var rows = VerificationFacade.Compare(runs[0].Checks, runs[1].Checks).ToList();
        ComparisonMarkdown.Render(output, rows, before.FullName, after.FullName);
        return rows.Any(r => r.Regressed) ? ExitCodes.Violated : ExitCodes.Success;
    }
}
