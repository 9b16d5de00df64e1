using MeanField.Core.Chemistry;
using MeanField.Core.Kernels;
using MeanField.Core.Scenarios;

namespace MeanField.Core.Dynamics;

/// <summary>
/// The model (P) with its discretisation: kernels, chemotaxis constants, the periodic grid and the
/// time step. Built from a <see cref="Scenario"/>, or by hand to plug in a kernel of one's own.
/// </summary>
public sealed record HybridModel
{
    public required int Dimension { get; init; }

    public required IAlignmentKernel Alignment { get; init; }

    /// <summary>Chemotactic sensitivity eta (force eta grad phi).</summary>
    public required double Eta { get; init; }

    public required double Diffusion { get; init; }

    public required double Decay { get; init; }

    public required ISourceProfile Source { get; init; }

    public required IExternalForce ExternalForce { get; init; }

    public required PeriodicGrid Grid { get; init; }

    public required double Step { get; init; }

    /// <summary>Speed beyond which the run is declared blown up.</summary>
    public required double MaxSpeed { get; init; }

    /// <summary>How the alignment sum is evaluated (direct by default).</summary>
    public AlignmentMethod AlignmentMethod { get; init; } = AlignmentMethod.Direct;

    /// <summary>The mesh spacing when <see cref="AlignmentMethod"/> is mesh.</summary>
    public double MeshSpacing { get; init; } = AlignmentSpec.DefaultMeshSpacing;

    /// <summary>Initial field phi_in at the nodes, or null for phi_in = 0.</summary>
    public double[]? InitialField { get; init; }

    /// <summary>The same model with the alignment evaluated by the mesh method at spacing h (for large reference clouds).</summary>
    public HybridModel WithMeshAlignment(double spacing) => this with { AlignmentMethod = AlignmentMethod.Mesh, MeshSpacing = spacing };

    public static HybridModel FromScenario(Scenario s)
    {
        var grid = new PeriodicGrid(s.Dimension, s.Domain.Grid, s.Domain.Box, s.Domain.Center);
        return new HybridModel
        {
            Dimension = s.Dimension,
            Alignment = s.Alignment.Build(),
            AlignmentMethod = s.Alignment.Method,
            MeshSpacing = s.Alignment.MeshSpacing,
            Eta = s.Chemotaxis.Eta,
            Diffusion = s.Chemotaxis.Diffusion,
            Decay = s.Chemotaxis.Decay,
            Source = s.Chemotaxis.Source.Build(),
            ExternalForce = s.ExternalForce.Build(),
            Grid = grid,
            Step = s.Time.Step,
            MaxSpeed = s.MaxSpeed,
            InitialField = InitialFieldValues(s.Chemotaxis.InitialField, grid),
        };
    }

    /// <summary>phi_in at the nodes (periodic images folded in by the nearest-image distance).</summary>
    public static double[]? InitialFieldValues(InitialFieldSpec spec, PeriodicGrid grid)
    {
        if (spec is not GaussianFieldSpec g) return null;
        var values = new double[grid.NodeCount];
        Span<int> index = stackalloc int[grid.Dimension];
        for (int k = 0; k < values.Length; k++)
        {
            grid.Unflatten(k, index);
            double r2 = 0;
            for (int a = 0; a < grid.Dimension; a++)
            {
                double y = grid.NodeCoordinate(a, index[a]) - g.Center[a];
                y -= grid.Box * Math.Round(y / grid.Box);
                r2 += y * y;
            }

            values[k] = g.Amplitude * Math.Exp(-r2 / (2 * g.Width * g.Width));
        }

        return values;
    }
}
