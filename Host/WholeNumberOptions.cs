using System.CommandLine;
using System.CommandLine.Parsing;
using MeanField.Core.Scenarios;

namespace MeanField.Host;

/// <summary>
/// Options whose value is a whole number, parsed as the scenario reader parses one
/// (<see cref="WholeNumber"/>): <c>--resolution 1e5</c> is accepted, <c>--trials 2.5</c> is refused
/// naming the option and the value.
/// </summary>
internal static class WholeNumberOptions
{
    /// <summary>A whole-number option with a default.</summary>
    public static Option<int> Create(string name, string description, int defaultValue) => new(name)
    {
        Description = description,
        HelpName = "N",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => Parse(name, result) ?? 0,
    };

    /// <summary>A whole-number option that may be absent.</summary>
    public static Option<int?> Optional(string name, string description, string helpName = "N") => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = result => Parse(name, result),
    };

    private static int? Parse(string name, ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (WholeNumber.TryParse(text, out int value, out string reason)) return value;
        result.AddError($"{name} {text}: {reason}");
        return null;
    }
}
