/// The theorem checks (Fournier-Guillin, mean-field rate, Dobrushin stability, a-priori bounds,
/// monokinetic preservation) live here, as a thin F# layer over MeanField.Core. This project is
/// deliberately empty until the verification harness lands; it builds so the dependency chain
/// Core <- Verification <- Reports <- Host is in place from the start.
namespace MeanField.Verification
