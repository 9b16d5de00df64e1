using System.Text;

namespace MeanField.Core.Solvers;

/// <summary>Splits a command line into words as a POSIX shell would (quotes and backslashes), without starting a shell.</summary>
public static class CommandLine
{
    /// <summary>
    /// The words of <paramref name="line"/>: blanks separate words; '...' is literal; "..." is literal but
    /// for \" \\ \$ \` and a backslash-newline; outside quotes a backslash takes the next character as is.
    /// No expansion of variables, globs or tildes.
    /// </summary>
    /// <exception cref="ArgumentException">An unterminated quote or a trailing backslash; or no words at all.</exception>
    public static IReadOnlyList<string> Split(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        for (int k = 0; k < line.Length; k++)
        {
            char c = line[k];
            switch (c)
            {
                case ' ' or '\t' or '\n':
                    if (inWord) words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                    break;
                case '\'':
                    int close = line.IndexOf('\'', k + 1);
                    if (close < 0) throw new ArgumentException($"unterminated single quote at character {k + 1} of '{line}'", nameof(line));
                    word.Append(line, k + 1, close - k - 1);
                    k = close;
                    inWord = true;
                    break;
                case '"':
                    k++;
                    while (true)
                    {
                        if (k >= line.Length) throw new ArgumentException($"unterminated double quote in '{line}'", nameof(line));
                        char q = line[k];
                        if (q == '"') break;
                        if (q == '\\' && k + 1 < line.Length && line[k + 1] is '"' or '\\' or '$' or '`' or '\n')
                        {
                            if (line[k + 1] != '\n') word.Append(line[k + 1]);
                            k += 2;
                            continue;
                        }

                        word.Append(q);
                        k++;
                    }

                    inWord = true;
                    break;
                case '\\':
                    if (k + 1 >= line.Length) throw new ArgumentException($"trailing backslash in '{line}'", nameof(line));
                    if (line[k + 1] != '\n') word.Append(line[k + 1]);
                    k++;
                    inWord = true;
                    break;
                default:
                    word.Append(c);
                    inWord = true;
                    break;
            }
        }

        if (inWord) words.Add(word.ToString());
        if (words.Count == 0) throw new ArgumentException("the command line is empty", nameof(line));
        return words;
    }
}
