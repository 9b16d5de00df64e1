using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace MeanField.Core.Scenarios;

/// <summary>
/// One YAML mapping being read: hands out typed values by key, remembers which keys were read, and
/// rejects the rest as unknown. Every error names the full dotted key and the value.
/// </summary>
internal sealed class YamlSection
{
    private readonly YamlMappingNode _node;
    private readonly string _path;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public YamlSection(YamlMappingNode node, string path)
    {
        _node = node;
        _path = path;
        foreach (var key in node.Children.Keys)
        {
            if (key is not YamlScalarNode { Value: not null })
                throw new ScenarioException(Key("?"), key.ToString(), "keys must be plain names");
        }
    }

    public static YamlSection Root(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new ScenarioException("(document)", $"line {e.Start.Line}", "not valid YAML: " + e.Message);
        }

        if (stream.Documents.Count != 1)
            throw new ScenarioException("(document)", $"{stream.Documents.Count} documents", "a scenario file holds exactly one YAML document");
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new ScenarioException("(document)", stream.Documents[0].RootNode.ToString(), "the top level must be a mapping of keys to values");
        return new YamlSection(root, "");
    }

    public string Key(string key) => _path.Length == 0 ? key : _path + "." + key;

    public bool Has(string key) => _node.Children.ContainsKey(new YamlScalarNode(key));

    private YamlNode? Get(string key)
    {
        _read.Add(key);
        return _node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;
    }

    private YamlScalarNode Scalar(string key)
    {
        var node = Get(key) ?? throw new ScenarioException(Key(key), "(missing)", "required key is missing");
        if (node is not YamlScalarNode scalar || scalar.Value is null)
            throw new ScenarioException(Key(key), Show(node), "expected a single value");
        return scalar;
    }

    public YamlSection Section(string key)
    {
        var node = Get(key) ?? throw new ScenarioException(Key(key), "(missing)", "required section is missing");
        if (node is not YamlMappingNode map)
            throw new ScenarioException(Key(key), Show(node), "expected a mapping of keys to values");
        return new YamlSection(map, Key(key));
    }

    public YamlSection? OptionalSection(string key) => Has(key) ? Section(key) : null;

    public string String(string key) => Scalar(key).Value!;

    public string String(string key, string fallback) => Has(key) ? String(key) : fallback;

    public double Double(string key) => ParseDouble(Key(key), Scalar(key).Value!);

    public double Double(string key, double fallback) => Has(key) ? Double(key) : fallback;

    public int Int(string key)
    {
        string text = Scalar(key).Value!;
        if (!WholeNumber.TryParse(text, out int value, out string reason))
            throw new ScenarioException(Key(key), text, reason);
        return value;
    }

    public int Int(string key, int fallback) => Has(key) ? Int(key) : fallback;

    /// <summary>A list of exactly <paramref name="length"/> finite numbers.</summary>
    public double[] Vector(string key, int length)
    {
        var node = Get(key) ?? throw new ScenarioException(Key(key), "(missing)", "required key is missing");
        if (node is not YamlSequenceNode seq)
            throw new ScenarioException(Key(key), Show(node), $"expected a list of {length} numbers");
        if (seq.Children.Count != length)
            throw new ScenarioException(Key(key), Show(node), $"expected {length} numbers (one per dimension), got {seq.Children.Count}");
        var result = new double[length];
        for (int i = 0; i < length; i++)
        {
            if (seq.Children[i] is not YamlScalarNode { Value: not null } item)
                throw new ScenarioException($"{Key(key)}[{i}]", Show(seq.Children[i]), "expected a number");
            result[i] = ParseDouble($"{Key(key)}[{i}]", item.Value);
        }

        return result;
    }

    public double[] Vector(string key, int length, double fill) => Has(key) ? Vector(key, length) : Enumerable.Repeat(fill, length).ToArray();

    /// <summary>Rejects any key that no reader asked for.</summary>
    public void RejectUnknownKeys()
    {
        foreach (var (key, value) in _node.Children)
        {
            string name = ((YamlScalarNode)key).Value!;
            if (!_read.Contains(name))
                throw new ScenarioException(Key(name), Show(value), "unknown key");
        }
    }

    private static double ParseDouble(string key, string text)
    {
        string t = text.Trim();
        bool yamlSpecial = t is ".nan" or ".NaN" or ".NAN" or ".inf" or ".Inf" or ".INF" or "-.inf" or "-.Inf" or "-.INF" or "+.inf";
        if (yamlSpecial || !double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            if (yamlSpecial) throw new ScenarioException(key, text, "must be a finite number");
            throw new ScenarioException(key, text, "expected a number");
        }

        if (!double.IsFinite(value)) throw new ScenarioException(key, text, "must be a finite number");
        return value;
    }

    private static string Show(YamlNode node) => node switch
    {
        YamlScalarNode s => s.Value ?? "null",
        YamlSequenceNode q => "[" + string.Join(", ", q.Children.Select(Show)) + "]",
        YamlMappingNode => "{...}",
        _ => node.ToString(),
    };
}
