using System.Globalization;

namespace MeanField.Core.Scenarios;

/// <summary>
/// Whole numbers as people write them in scenarios and on the command line: <c>4000</c>, and also
/// <c>1e5</c> or <c>2.0E3</c>, which are whole numbers too. One parser for the scenario reader and
/// the command line, so both accept and refuse the same texts with the same reasons.
/// </summary>
public static class WholeNumber
{
    /// <summary>
    /// Parses <paramref name="text"/> (invariant culture) as a 32-bit whole number. On failure
    /// <paramref name="reason"/> says why: not a number, not whole, or whole but beyond the range.
    /// </summary>
    public static bool TryParse(string? text, out int value, out string reason)
    {
        value = 0;
        reason = "";
        string trimmed = (text ?? "").Trim();
        if (int.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value)) return true;
        if (!double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) || !double.IsFinite(number))
        {
            reason = "expected a whole number";
            return false;
        }

        if (Math.Floor(number) != number)
        {
            reason = "expected a whole number, not a fraction";
            return false;
        }

        if (number > int.MaxValue || number < int.MinValue)
        {
            reason = $"a whole number, but beyond the largest this field takes ({int.MaxValue.ToString(CultureInfo.InvariantCulture)})";
            return false;
        }

        value = (int)number;
        return true;
    }
}
