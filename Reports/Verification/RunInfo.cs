namespace MeanField.Reports.Verification;

/// <summary>Where and with what a verification ran: recorded in every report so a number can be traced.</summary>
/// <param name="ToolVersion">The meanfield version.</param>
/// <param name="Commit">The git commit of the code, or "unknown".</param>
/// <param name="Runtime">The .NET runtime description.</param>
/// <param name="Machine">Operating system, architecture and processor count.</param>
/// <param name="Scenario">Where the model came from (a file path, or the embedded defaults).</param>
public sealed record RunInfo(string ToolVersion, string Commit, string Runtime, string Machine, string Scenario);
