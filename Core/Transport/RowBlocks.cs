namespace MeanField.Core.Transport;

/// <summary>
/// Rows split into one contiguous block per processor, run in parallel. Each row is handled by one
/// thread in a fixed order, so results do not depend on the thread count.
/// </summary>
internal static class RowBlocks
{
    /// <summary>Number of blocks for <paramref name="count"/> rows, at least <paramref name="minimumRows"/> rows each (at least one block).</summary>
    public static int Count(int count, int minimumRows) => Math.Max(1, Math.Min(Environment.ProcessorCount, count / minimumRows));

    /// <summary>Runs <c>body(block, start, end)</c> over the rows [start, end) of each of <paramref name="blocks"/> blocks.</summary>
    public static void For(int count, int blocks, Action<int, int, int> body) =>
        Parallel.For(0, blocks, b => body(b, (int)((long)count * b / blocks), (int)((long)count * (b + 1) / blocks)));
}
