using System.Text.Json;
using MeanField.Core.Transport;
using MeanField.Reports.Output;

namespace MeanField.Reports.Transport;

/// <summary>A distance computation as one JSON object.</summary>
public static class TransportJson
{
    public static void Write(Stream stream, TransportResult result, PointCloud a, PointCloud b, double seconds)
    {
        using var w = new Utf8JsonWriter(stream, Json.Options);
        w.WriteStartObject();
        w.WriteNumber("p", result.P);
        w.WriteString("method", result.Method);
        w.WriteBoolean("exact", result.IsExact);
        w.WriteNumber("n", a.Count);
        w.WriteNumber("m", b.Count);
        w.WriteNumber("dimension", a.Dimension);
        w.WriteNumber("cost", result.Cost);
        w.WriteNumber("distance", result.Distance);
        w.WriteNumberOrNull("duality_gap", result.DualityGap);
        if (!result.IsExact)
        {
            w.WriteNumberOrNull("epsilon", result.Epsilon);
            w.WriteNumberOrNull("estimated_error", result.EstimatedError);
            w.WriteStartArray("stages");
            foreach (var stage in result.Stages)
            {
                w.WriteStartObject();
                w.WriteNumber("epsilon", stage.Epsilon);
                w.WriteNumber("divergence", stage.Divergence);
                w.WriteNumber("iterations", stage.Iterations);
                w.WriteBoolean("converged", stage.Converged);
                w.WriteNumber("seconds", stage.Seconds);
                w.WriteNumber("row_points", stage.RowPoints);
                w.WriteNumber("column_points", stage.ColumnPoints);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (result.Profile is { } profile)
        {
            w.WriteStartObject("profile");
            w.WriteNumber("seed_seconds", profile.SeedSeconds);
            w.WriteNumber("augment_seconds", profile.AugmentSeconds);
            w.WriteNumber("pricing_seconds", profile.PricingSeconds);
            w.WriteNumber("seed_arcs", profile.SeedArcs);
            w.WriteNumber("final_arcs", profile.FinalArcs);
            w.WriteNumber("seeded_flow", profile.SeededFlow);
            w.WriteNumber("augmentations", profile.Augmentations);
            w.WriteNumber("searches", profile.Searches);
            w.WriteNumber("nodes_popped", profile.NodesPopped);
            w.WriteNumber("arcs_relaxed", profile.ArcsRelaxed);
            w.WriteNumber("pricing_passes", profile.PricingPasses);
            w.WriteNumber("repriced_rows", profile.RepricedRows);
            w.WriteNumber("coarse_rows", profile.CoarseRows);
            w.WriteNumber("coarse_columns", profile.CoarseColumns);
            w.WriteNumber("row_reductions", profile.RowReductions);
            w.WriteNumber("pairs_priced", profile.PairsPriced);
            w.WriteEndObject();
        }

        w.WriteNumber("seconds", seconds);
        w.WriteEndObject();
    }
}
