using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace MeanField.Host;

/// <summary>The command line: <c>meanfield simulate</c>, <c>distance</c>, <c>verify</c>, <c>compare</c>, <c>reference</c> and <c>solve</c>.</summary>
public static class Cli
{
    /// <summary>The commands by name, each built only when asked for.</summary>
    private static readonly (string Name, Func<TextWriter, TextWriter, Command> Create)[] Commands =
    [
        ("simulate", SimulateCommand.Create),
        ("distance", DistanceCommand.Create),
        ("verify", VerifyCommand.Create),
        ("compare", CompareCommand.Create),
        ("reference", ReferenceCommand.Create),
        ("solve", SolveCommand.Create),
        ("calibrate", CalibrateCommand.Create),
    ];

    /// <summary>The command tree: every command with its options and their help texts (which the README's option tables repeat word for word).</summary>
    public static RootCommand Build(TextWriter output, TextWriter error) => Build(output, error, Commands);

    private static RootCommand Build(TextWriter output, TextWriter error, IEnumerable<(string Name, Func<TextWriter, TextWriter, Command> Create)> commands)
    {
        var root = new RootCommand("Simulate hybrid models of collective cell motion with chemotaxis and verify their mean-field theorems.");
        foreach (var (_, create) in commands) root.Add(create(output, error));
        return root;
    }

    /// <summary>
    /// The commands a call needs built: none for <c>--version</c> alone, the one it names, or every one
    /// (the root's help and its errors list them all). A call does not build the hundred options of the
    /// commands it does not run: a faster first call.
    /// </summary>
    private static IEnumerable<(string Name, Func<TextWriter, TextWriter, Command> Create)> Needed(string[] args)
    {
        if (args is ["--version"]) return [];
        var named = Commands.Where(c => args.Length > 0 && c.Name == args[0]).ToArray();
        return named.Length > 0 ? named : Commands;
    }

    /// <summary>Parses and runs; returns the exit code (see <see cref="ExitCodes"/>).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = Build(output, error, Needed(args));
        var parse = root.Parse(args);
        if (UnknownOption(parse) is { } unknown)
        {
            string command = parse.CommandResult.Command == root ? "meanfield" : $"meanfield {parse.CommandResult.Command.Name}";
            error.WriteLine($"{command}: unknown option '{unknown}' (see {command} --help)");
            return ExitCodes.BadInput;
        }

        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) error.WriteLine($"meanfield: {e.Message}");
            return ExitCodes.BadInput;
        }

        using var signals = new SignalExit(error);
        int code = Guard(() =>
        {
            try
            {
                return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
            }
            catch (Exception) when (SignalExit.Arrived)
            {
                // A solver killed under its run, an output refused: consequences of the signal, not errors.
                return signals.Await();
            }
        }, error);
        return SignalExit.Arrived ? signals.Await() : code;
    }

    // errno values as .NET reports them in IOException.HResult on Linux.
    private const int NoSpace = 28, ReadOnlyFileSystem = 30, QuotaExceeded = 122;

    /// <summary>
    /// Runs a command; an exception nobody expected (a bug: every expected failure has its own message
    /// and exit code) becomes one message saying so, with the stack trace in a file it names, and
    /// <see cref="ExitCodes.InternalError"/>. The commands write their outputs atomically, so nothing
    /// partial is left.
    /// </summary>
    public static int Guard(Func<int> command, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            return command();
        }
        catch (IOException e) when (e.HResult is NoSpace or QuotaExceeded or ReadOnlyFileSystem)
        {
            // The machine, not the program: a disk that filled up (or turned read-only) while the outputs were written.
            error.WriteLine($"meanfield: the output could not be written: {e.Message}. Nothing partial was written: free space (or choose another --out) and run again.");
            return ExitCodes.RunFailed;
        }
        catch (Exception e)
        {
            string file = Path.Combine(Path.GetTempPath(), $"meanfield-crash-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}.txt");
            string where;
            try
            {
                File.WriteAllText(file, $"meanfield {typeof(Cli).Assembly.GetName().Version}\n{Environment.CommandLine}\n\n{e}\n");
                where = $"the details are in {file}";
            }
            catch (Exception write) when (write is IOException or UnauthorizedAccessException)
            {
                where = "the details could not be written to a file";
            }

            error.WriteLine($"meanfield: internal error, a bug in meanfield, not in your input: {e.GetType().Name}: {e.Message}. Nothing partial was written; {where}. Please report it with that file.");
            return ExitCodes.InternalError;
        }
    }

    /// <summary>
    /// A token that looks like an option but is none of the command's: left unmatched, or taken by a
    /// positional argument (<c>reference --quiet</c> would otherwise read "--quiet" as the scenario's
    /// path). Negative numbers and a lone "-" are values.
    /// </summary>
    private static string? UnknownOption(ParseResult parse)
    {
        static bool LooksLikeOption(string token) =>
            token.Length > 1 && token[0] == '-' && !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

        foreach (var child in parse.CommandResult.Children)
        {
            if (child is ArgumentResult argument && argument.Tokens.FirstOrDefault(t => LooksLikeOption(t.Value)) is { } token) return token.Value;
        }

        return parse.UnmatchedTokens.FirstOrDefault(LooksLikeOption);
    }
}
