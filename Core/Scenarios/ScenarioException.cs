namespace MeanField.Core.Scenarios;

/// <summary>
/// A scenario that cannot be run: names the key (a dotted path such as <c>chemotaxis.diffusion</c>),
/// the offending value as written, and why it is rejected.
/// </summary>
public sealed class ScenarioException(string key, string value, string reason)
    : Exception($"scenario key '{key}' = {value}: {reason}")
{
    /// <summary>The dotted path of the key.</summary>
    public string Key { get; } = key;

    /// <summary>The value as written (or <c>(missing)</c>).</summary>
    public string Value { get; } = value;

    public string Reason { get; } = reason;
}
