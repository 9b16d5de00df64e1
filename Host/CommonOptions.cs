using System.CommandLine;

namespace MeanField.Host;

/// <summary>Options several commands take, defined once so their help reads the same everywhere.</summary>
internal static class CommonOptions
{
    /// <summary><c>--quiet</c>: the long-running commands show a progress bar on standard error unless given it.</summary>
    public static Option<bool> Quiet() => new("--quiet") { Description = "No progress bar on standard error (for scripts and CI)." };
}
