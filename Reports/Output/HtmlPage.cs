using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Markdig;

namespace MeanField.Reports.Output;

/// <summary>A verdict-like badge for a section's fold line: its text and a CSS class (holds, violated, ...).</summary>
public sealed record HtmlBadge(string Text, string Class);

/// <summary>
/// One self-contained HTML page from a Markdown report: the plots inline, the styles and the one small
/// script in the page, nothing fetched. Sections (<c>## heading</c>) that carry an anchor
/// (<c>&lt;a id="..."&gt;&lt;/a&gt;</c> just before the heading, as the verification report writes one per
/// check) fold, closed, under a line with their badge; the others (the summary, tables of the whole
/// run) stay open. A link to a folded section opens it; the address <c>report.html#all</c>, and printing, open every one.
/// </summary>
public static partial class HtmlPage
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().Build();

    /// <summary>
    /// Renders <paramref name="markdown"/>; <paramref name="svgs"/> maps an image file name (<c>id.svg</c>)
    /// to its SVG element, put in place of the image; <paramref name="badgeOf"/> gives a section's badge by its anchor.
    /// </summary>
    public static void Render(TextWriter w, string title, string markdown, IReadOnlyDictionary<string, string> svgs, Func<string, HtmlBadge?> badgeOf)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(markdown);
        ArgumentNullException.ThrowIfNull(svgs);
        ArgumentNullException.ThrowIfNull(badgeOf);
        w.WriteLine("<!DOCTYPE html>");
        w.WriteLine("<html lang=\"en\">");
        w.WriteLine("<head>");
        w.WriteLine("<meta charset=\"utf-8\">");
        w.WriteLine("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        // No favicon request: the page fetches nothing.
        w.WriteLine("<link rel=\"icon\" href=\"data:,\">");
        w.WriteLine($"<title>{WebUtility.HtmlEncode(title)}</title>");
        w.WriteLine($"<style>{Style}</style>");
        w.WriteLine("</head>");
        w.WriteLine("<body>");
        w.WriteLine("<main>");
        var sections = Sections(markdown);
        bool folds = sections.Any(s => s.Anchor is not null);
        foreach (var section in sections)
        {
            string body = Html(section.Markdown, svgs);
            if (section.Anchor is null)
            {
                w.WriteLine("<section>");
                if (section.Heading is not null) w.WriteLine($"<h2>{Inline(section.Heading)}</h2>");
                w.WriteLine(body);
                if (section.Heading is null && folds)
                    w.WriteLine("<p class=\"folds\"><button type=\"button\" data-fold=\"open\">Open every check</button> <button type=\"button\" data-fold=\"close\">Close every check</button></p>");
                w.WriteLine("</section>");
                continue;
            }

            var badge = badgeOf(section.Anchor);
            w.WriteLine($"<details id=\"{WebUtility.HtmlEncode(section.Anchor)}\" class=\"check\">");
            w.Write($"<summary><span class=\"title\">{Inline(section.Heading ?? section.Anchor)}</span>");
            if (badge is not null) w.Write($" <span class=\"badge {badge.Class}\">{WebUtility.HtmlEncode(badge.Text)}</span>");
            w.WriteLine("</summary>");
            w.WriteLine("<div class=\"body\">");
            w.WriteLine(body);
            w.WriteLine("</div>");
            w.WriteLine("</details>");
        }

        w.WriteLine("</main>");
        w.WriteLine($"<script>{Script}</script>");
        w.WriteLine("</body>");
        w.WriteLine("</html>");
    }

    /// <summary>A part of the report: the preamble (no heading), or a <c>##</c> section with its anchor when it has one.</summary>
    private sealed record Section(string? Heading, string? Anchor, string Markdown);

    private static List<Section> Sections(string markdown)
    {
        var sections = new List<Section>();
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        string? heading = null, anchor = null;
        var text = new StringBuilder();
        for (int k = 0; k < lines.Length; k++)
        {
            // A heading opens a section; an anchor just before it belongs to that section.
            int at = k;
            string? opened = null;
            if (AnchorLine().Match(lines[k]) is { Success: true } a && NextNonBlank(lines, k + 1) is { } next && lines[next].StartsWith("## ", StringComparison.Ordinal))
            {
                at = next;
                opened = a.Groups[1].Value;
            }

            if (!lines[at].StartsWith("## ", StringComparison.Ordinal))
            {
                text.Append(lines[k]).Append('\n');
                continue;
            }

            sections.Add(new Section(heading, anchor, text.ToString()));
            text.Clear();
            heading = lines[at][3..].Trim();
            anchor = opened;
            k = at;
        }

        sections.Add(new Section(heading, anchor, text.ToString()));
        return sections.Where(s => s.Heading is not null || s.Markdown.Trim().Length > 0).ToList();
    }

    /// <summary>The index of the first line from <paramref name="from"/> with something on it.</summary>
    private static int? NextNonBlank(string[] lines, int from)
    {
        for (int k = from; k < lines.Length; k++)
        {
            if (lines[k].Trim().Length == 0) continue;
            return k;
        }

        return null;
    }

    /// <summary>Markdown to HTML, each <c>&lt;img src="name.svg"&gt;</c> replaced by its SVG, verdict cells marked for their colour.</summary>
    private static string Html(string markdown, IReadOnlyDictionary<string, string> svgs)
    {
        string html = Markdown.ToHtml(markdown, Pipeline);
        html = Image().Replace(html, m =>
            svgs.TryGetValue(WebUtility.HtmlDecode(m.Groups[1].Value), out var svg)
                ? $"<figure class=\"plot\" role=\"img\" aria-label=\"{m.Groups[2].Value}\">{svg}</figure>"
                : m.Value);
        return VerdictCell().Replace(html, m => $"<td class=\"verdict {VerdictClass(m.Groups[1].Value)}\">{m.Groups[1].Value}{m.Groups[2].Value}</td>");
    }

    /// <summary>A heading's inline Markdown as HTML, without the paragraph around it.</summary>
    private static string Inline(string markdown)
    {
        string html = Markdown.ToHtml(markdown, Pipeline).Trim();
        return html.StartsWith("<p>", StringComparison.Ordinal) && html.EndsWith("</p>", StringComparison.Ordinal) ? html[3..^4] : html;
    }

    /// <summary>The CSS class of a verdict's name (the first words of a verdict cell).</summary>
    public static string VerdictClass(string name) => name switch
    {
        "Holds" => "holds",
        "Violated" => "violated",
        "Inconclusive" => "inconclusive",
        "Error" => "error",
        "Informational" => "informational",
        "Not applicable" => "not-applicable",
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a verdict's name"),
    };

    [GeneratedRegex("^<a id=\"([^\"]+)\"></a>\\s*$")]
    private static partial Regex AnchorLine();

    [GeneratedRegex("<img src=\"([^\"]+\\.svg)\" alt=\"([^\"]*)\" />")]
    private static partial Regex Image();

    [GeneratedRegex("<td>(Holds|Violated|Inconclusive|Error|Informational|Not applicable)([^<]*)</td>")]
    private static partial Regex VerdictCell();

    private const string Style = """
        :root { color-scheme: light; --ink: #1d2327; --muted: #5b6770; --rule: #d5dbe0; --band: #f4f6f8; }
        body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: #fff; }
        main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 64px; }
        h1 { font-size: 26px; margin: 0 0 12px; }
        h2 { font-size: 20px; margin: 28px 0 10px; }
        code { font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; background: var(--band); padding: 1px 4px; border-radius: 3px; }
        pre { background: var(--band); padding: 10px 12px; overflow-x: auto; border-radius: 4px; }
        pre code { background: none; padding: 0; }
        table { border-collapse: collapse; margin: 10px 0 16px; font-size: 14px; display: block; overflow-x: auto; }
        th, td { border: 1px solid var(--rule); padding: 4px 8px; text-align: left; vertical-align: top; }
        th { background: var(--band); font-weight: 600; }
        tr:nth-child(even) td { background: #fafbfc; }
        td.verdict, .badge { font-weight: 600; white-space: nowrap; }
        .holds { color: #0f6b2f; } .violated, .error { color: #a4161a; } .inconclusive { color: #8a5a00; }
        .informational, .not-applicable { color: var(--muted); }
        td.verdict.holds { background: #e8f5ec; } td.verdict.violated, td.verdict.error { background: #fbe9e9; } td.verdict.inconclusive { background: #fff4dc; }
        details.check { border: 1px solid var(--rule); border-radius: 6px; margin: 10px 0; }
        details.check > summary { cursor: pointer; padding: 10px 14px; font-size: 16px; font-weight: 600; list-style-position: inside; }
        details.check[open] > summary { border-bottom: 1px solid var(--rule); background: var(--band); }
        details.check > .body { padding: 4px 16px 12px; }
        .badge { margin-left: 10px; padding: 1px 8px; border-radius: 10px; font-size: 13px; border: 1px solid currentColor; }
        figure.plot { margin: 12px 0; max-width: 720px; }
        figure.plot svg { width: 100%; height: auto; }
        .folds button { font: inherit; font-size: 13px; padding: 3px 10px; margin-right: 6px; cursor: pointer; }
        """;

    // Opens the folded section a link (or the page's address) points to, every one for "#all" and for
    // printing; the buttons open or close every check. The browser has scrolled to the target already.
    private const string Script = """
        (function () {
          function fold(open) {
            document.querySelectorAll("details.check").forEach(function (d) { d.open = open; });
          }
          function reveal() {
            var id = decodeURIComponent(location.hash.slice(1));
            if (id === "all") { fold(true); return; }
            var target = id && document.getElementById(id);
            if (target && target.tagName === "DETAILS") target.open = true;
          }
          window.addEventListener("hashchange", reveal);
          window.addEventListener("beforeprint", function () { fold(true); });
          document.querySelectorAll("button[data-fold]").forEach(function (b) {
            b.addEventListener("click", function () { fold(b.getAttribute("data-fold") === "open"); });
          });
          reveal();
          document.body.setAttribute("data-ready", "yes");
        })();
        """;
}
