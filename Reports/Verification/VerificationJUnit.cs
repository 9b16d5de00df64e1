using System.Globalization;
using System.Xml.Linq;
using MeanField.Verification;

namespace MeanField.Reports.Verification;

/// <summary>
/// A JUnit XML document with one test case per check, for CI systems that display them: Violated and
/// Inconclusive are failures (a gate that cannot decide fails, as the exit code does), Error an error,
/// Not applicable is skipped with the reason, Holds and Informational pass.
/// </summary>
public static class VerificationJUnit
{
    public static XDocument Build(RunResult run)
    {
        static string Seconds(double s) => s.ToString("F3", CultureInfo.InvariantCulture);
        var cases = run.Checks.Select(c =>
        {
            var element = new XElement("testcase",
                new XAttribute("classname", $"meanfield.verify.{run.Suite}"),
                new XAttribute("name", c.Id),
                new XAttribute("time", Seconds(c.Seconds)));
            string detail = $"{c.Title}: {VerificationMarkdown.Measured(c)}, theory {VerificationMarkdown.Theory(c)}";
            if (c.Verdict.IsViolated) element.Add(new XElement("failure", new XAttribute("message", $"Violated: {detail}"), detail));
            else if (c.Verdict.IsInconclusive) element.Add(new XElement("failure", new XAttribute("message", $"{VerificationMarkdown.VerdictText(c.Verdict)}: {detail}"), detail));
            else if (c.Verdict.IsError) element.Add(new XElement("error", new XAttribute("message", VerificationMarkdown.VerdictText(c.Verdict)), string.Join("\n", c.Notes)));
            else if (c.Verdict.IsNotApplicable) element.Add(new XElement("skipped", new XAttribute("message", $"{VerificationMarkdown.VerdictText(c.Verdict)}: {detail}")));
            return element;
        }).ToList();
        return new XDocument(new XElement("testsuites",
            new XElement("testsuite",
                new XAttribute("name", $"meanfield verify --suite {run.Suite}"),
                new XAttribute("tests", run.Checks.Length),
                new XAttribute("failures", run.Checks.Count(c => c.Verdict.IsViolated || c.Verdict.IsInconclusive)),
                new XAttribute("errors", run.Checks.Count(c => c.Verdict.IsError)),
                new XAttribute("skipped", run.Checks.Count(c => c.Verdict.IsNotApplicable)),
                new XAttribute("time", Seconds(run.Seconds)),
                cases)));
    }
}
