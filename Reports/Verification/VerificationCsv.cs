using System.Globalization;
using MeanField.Verification;

namespace MeanField.Reports.Verification;

/// <summary><c>data.csv</c>: one row per replica of every rung of every check (the raw data behind the fits).</summary>
public static class VerificationCsv
{
    public static void Write(TextWriter w, RunResult run)
    {
        w.WriteLine("check,x,replica,seed,error,fitted");
        foreach (var c in run.Checks)
        {
            foreach (var rung in c.Rungs)
            {
                for (int r = 0; r < rung.Errors.Length; r++)
                {
                    w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{c.Id},{rung.X:R},{r},{rung.Seeds[r]},{rung.Errors[r]:R},{(rung.Fitted ? "true" : "false")}"));
                }
            }
        }
    }
}
