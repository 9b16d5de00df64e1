namespace MeanField.Core.References;

/// <summary>A reference solution's estimate of its own error: the quantity measured, its value and how it was obtained.</summary>
public sealed record ErrorEstimate(string Quantity, double Value, string Method);
