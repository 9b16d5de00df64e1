using System.Globalization;

namespace MeanField.Reports.Snapshots;

/// <summary>
/// Which output times get a particle snapshot (<c>--snapshots</c>): all of them, the last, none, or
/// every k-th (counting t = 0 as the first, the last always included). The summary is written at
/// every output time whatever this says.
/// </summary>
public readonly record struct SnapshotSelection
{
    private SnapshotSelection(int every) => Every = every;

    /// <summary>Every k-th output time; 0 for none, -1 for the last only.</summary>
    public int Every { get; }

    public static SnapshotSelection All { get; } = new(1);

    public static SnapshotSelection Last { get; } = new(-1);

    public static SnapshotSelection None { get; } = new(0);

    public static SnapshotSelection EveryKth(int k) =>
        k >= 1 ? new(k) : throw new ArgumentOutOfRangeException(nameof(k), k, "every k-th output needs k >= 1");

    /// <summary>Whether output <paramref name="index"/> (0 at t = 0) is written; <paramref name="isLast"/> marks the horizon.</summary>
    public bool Includes(int index, bool isLast) => Every switch
    {
        0 => false,
        -1 => isLast,
        _ => isLast || index % Every == 0,
    };

    /// <summary><c>all</c>, <c>last</c>, <c>none</c>, or a whole number k &gt;= 1; otherwise the reason.</summary>
    public static bool TryParse(string text, out SnapshotSelection selection, out string reason)
    {
        reason = "";
        selection = All;
        switch (text.Trim().ToLowerInvariant())
        {
            case "all": return true;
            case "last": selection = Last; return true;
            case "none": selection = None; return true;
        }

        if (Core.Scenarios.WholeNumber.TryParse(text, out int k, out string why) && k >= 1)
        {
            selection = EveryKth(k);
            return true;
        }

        reason = $"expected all, last, none or a whole number k >= 1 (every k-th output time), not '{text}'" + (why.Length > 0 ? $" ({why})" : "");
        return false;
    }

    public override string ToString() => Every switch
    {
        0 => "none",
        -1 => "last",
        1 => "all",
        _ => Every.ToString(CultureInfo.InvariantCulture),
    };
}
