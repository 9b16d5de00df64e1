using System.CommandLine;

namespace MeanField.Host;

/// <summary>The command line: <c>meanfield simulate</c>, <c>distance</c>, <c>verify</c>, <c>compare</c>, <c>reference</c> and <c>solve</c>.</summary>
public static class Cli
{
    /// <summary>Parses and runs; returns the exit code (see <see cref="ExitCodes"/>).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("Simulate hybrid models of collective cell motion with chemotaxis and verify their mean-field theorems.");
        root.Add(SimulateCommand.Create(output, error));
        root.Add(DistanceCommand.Create(output, error));
        root.Add(VerifyCommand.Create(output, error));
        root.Add(CompareCommand.Create(output, error));
        root.Add(ReferenceCommand.Create(output, error));
        root.Add(SolveCommand.Create(output, error));
        root.Add(CalibrateCommand.Create(output, error));
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) error.WriteLine($"meanfield: {e.Message}");
            return ExitCodes.BadInput;
        }

        return parse.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }
}
