using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Serverless.Cli.Project;

/// <summary>
/// Edits func.yaml's text for <c>func config</c>: the YAML node tree is changed in place, so the other keys
/// keep their order and values. Pure (text in, text out); the result is re-read with
/// <see cref="FuncYamlReader"/> by the caller, so an edit can never leave an invalid file behind.
/// </summary>
/// <remarks>YamlDotNet's representation model does not keep comments: an edited file loses them.</remarks>
internal static class FuncYamlEditor
{
    /// <summary>Sets (adds or replaces) env entries by name, keeping the order of the existing ones.</summary>
    public static string SetEnv(string text, IReadOnlyList<EnvAssignment> assignments)
    {
        var root = Load(text);
        var env = Sequence(root, "env");
        foreach (var assignment in assignments)
        {
            var entry = env.Children.OfType<YamlMappingNode>().FirstOrDefault(e => Scalar(e, "name") == assignment.Name);
            if (entry is null)
            {
                env.Add(new YamlMappingNode(
                    new YamlScalarNode("name"), new YamlScalarNode(assignment.Name),
                    new YamlScalarNode("value"), Quoted(assignment.Value)));
            }
            else
            {
                entry.Children[new YamlScalarNode("value")] = Quoted(assignment.Value);
            }
        }

        return Save(root);
    }

    /// <summary>Removes env entries by name; <paramref name="missing"/> lists the names that were not there.</summary>
    public static string UnsetEnv(string text, IReadOnlyList<string> names, out IReadOnlyList<string> missing)
    {
        var root = Load(text);
        var env = root.Children.TryGetValue(new YamlScalarNode("env"), out var node) && node is YamlSequenceNode sequence ? sequence : null;
        var notFound = new List<string>();
        foreach (var name in names)
        {
            var entry = env?.Children.OfType<YamlMappingNode>().FirstOrDefault(e => Scalar(e, "name") == name);
            if (entry is null)
            {
                notFound.Add(name);
            }
            else
            {
                env!.Children.Remove(entry);
            }
        }

        if (env is { Children.Count: 0 })
        {
            root.Children.Remove(new YamlScalarNode("env"));
        }

        missing = notFound;
        return Save(root);
    }

    /// <summary>Sets <c>scale.*</c> keys (func.yaml's names: minScale, maxScale, target…) to the given plain values.</summary>
    public static string SetScale(string text, IReadOnlyList<KeyValuePair<string, string>> values)
    {
        var root = Load(text);
        if (!root.Children.TryGetValue(new YamlScalarNode("scale"), out var node) || node is not YamlMappingNode scale)
        {
            scale = new YamlMappingNode();
            root.Children[new YamlScalarNode("scale")] = scale;
        }

        foreach (var (key, value) in values)
        {
            scale.Children[new YamlScalarNode(key)] = new YamlScalarNode(value) { Style = ScalarStyle.Plain };
        }

        return Save(root);
    }

    public static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static YamlMappingNode Load(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root
            ? root
            : throw new FuncYamlException("func.yaml is not a mapping of keys", [], "fix it by hand, or recreate it with `func create`");
    }

    private static YamlSequenceNode Sequence(YamlMappingNode root, string key)
    {
        if (root.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlSequenceNode sequence)
        {
            return sequence;
        }

        sequence = new YamlSequenceNode();
        root.Children[new YamlScalarNode(key)] = sequence;
        return sequence;
    }

    private static string? Scalar(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode scalar ? scalar.Value : null;

    /// <summary>Env values are strings: quoted, so "007" or "true" stay strings for every YAML reader.</summary>
    private static YamlScalarNode Quoted(string value) => new(value) { Style = ScalarStyle.DoubleQuoted };

    private static string Save(YamlMappingNode root)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        var text = writer.ToString().ReplaceLineEndings("\n");

        // The representation model ends the document with "...": legal, but noise in a hand-edited file.
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }
}
