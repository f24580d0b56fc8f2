using System.Globalization;
using Serverless.Core.Api;
using Serverless.Core.Naming;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Serverless.Cli.Project;

/// <summary>
/// Reads func.yaml strictly. It walks the YAML node tree rather than deserializing into a class so
/// that every problem is reported at once, each with its line and the key's full path, and an
/// unknown key (usually a typo such as <c>maxscale</c>) is an error instead of a silently ignored setting.
/// </summary>
internal sealed class FuncYamlReader
{
    private static readonly string[] TopLevelKeys = ["name", "namespace", "runtime", "handler", "image", "env", "scale", "timeoutSeconds", "triggers", "build"];
    private static readonly string[] BuildKeys = ["native"];
    private static readonly string[] ScaleKeys =
        ["class", "minScale", "maxScale", "initialScale", "target", "targetUtilization", "containerConcurrency", "scaleToZeroGracePeriodSeconds", "metric",
            "scaleDownDelaySeconds", "activationScale", "targetBurstCapacity"];
    private static readonly string[] EnvKeys = ["name", "value"];
    private static readonly string[] TriggerKeys = ["name", "broker", "filter"];

    private readonly string _path;
    private readonly List<string> _errors = [];

    private FuncYamlReader(string path)
    {
        _path = path;
    }

    /// <exception cref="FuncYamlException">No func.yaml in the directory, or it is invalid.</exception>
    public static FunctionProject ReadDirectory(string directory)
    {
        var file = Path.Combine(directory, FunctionProject.FileName);
        if (!File.Exists(file))
        {
            throw new FuncYamlException($"no func.yaml in {directory}: run `func create` or pass the function's directory", []);
        }

        return Parse(File.ReadAllText(file), file);
    }

    /// <param name="path">Shown in errors; the file the text came from.</param>
    /// <exception cref="FuncYamlException">The text is not YAML, or not a valid func.yaml.</exception>
    public static FunctionProject Parse(string text, string path) => new FuncYamlReader(path).Read(text);

    private FunctionProject Read(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new FuncYamlException($"{_path} is not valid YAML", [$"{_path}:{ex.Start.Line}: {ex.Message}"]);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            throw new FuncYamlException($"{_path} is empty", [], "it needs at least `name:` and `runtime:`");
        }

        if (stream.Documents.Count > 1)
        {
            Error(stream.Documents[1].RootNode, "holds more than one YAML document; func.yaml describes one function");
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new FuncYamlException($"{_path} is invalid", [At(stream.Documents[0].RootNode, "must be a mapping of keys such as `name:` and `runtime:`")]);
        }

        string? name = null, ns = null, runtime = null, handler = null, image = null;
        IReadOnlyList<EnvVar> env = [];
        ScaleSpec? scale = null;
        int? timeoutSeconds = null;
        IReadOnlyList<TriggerDeclaration> triggers = [];
        var native = false;
        foreach (var (keyNode, value) in Entries(root, "", TopLevelKeys))
        {
            switch (keyNode)
            {
                case "name": name = String(value, "name"); break;
                case "namespace": ns = String(value, "namespace"); break;
                case "runtime": runtime = String(value, "runtime"); break;
                case "handler": handler = String(value, "handler"); break;
                case "image": image = String(value, "image"); break;
                case "env": env = Env(value); break;
                case "scale": scale = Scale(value); break;
                case "timeoutSeconds": timeoutSeconds = Int(value, "timeoutSeconds"); break;
                case "triggers": triggers = Triggers(value); break;
                case "build": native = Build(value); break;
            }
        }

        if (native && runtime is not null && runtime != RuntimeNames.Dotnet)
        {
            Error(Find(root, "build"), $"build.native is for runtime {RuntimeNames.Dotnet} only (this function's runtime is {Names.Printable(runtime)})");
        }

        if (name is null)
        {
            _errors.Add($"{_path}: name is required");
        }
        else if (!Names.IsDns1123Label(name))
        {
            Error(Find(root, "name"), "name " + Names.Dns1123LabelError(name));
        }

        if (ns is not null && !Names.IsDns1123Label(ns))
        {
            Error(Find(root, "namespace"), "namespace " + Names.Dns1123LabelError(ns));
        }

        if (runtime is null)
        {
            _errors.Add($"{_path}: runtime is required (one of {string.Join(", ", RuntimeNames.All)})");
        }
        else if (!RuntimeNames.All.Contains(runtime))
        {
            Error(Find(root, "runtime"), $"runtime must be one of {string.Join(", ", RuntimeNames.All)} (got \"{Names.Printable(runtime)}\")");
        }

        if (_errors.Count > 0)
        {
            throw new FuncYamlException($"{_path} is invalid", _errors);
        }

        return new FunctionProject
        {
            Name = name!,
            Namespace = ns,
            Runtime = runtime!,
            Handler = handler,
            Image = image,
            Env = env,
            Scale = scale,
            TimeoutSeconds = timeoutSeconds,
            Triggers = triggers,
            Native = native,
        };
    }

    /// <summary>The <c>build</c> mapping: <c>native</c> (a C# function compiled ahead of time with its runtime).</summary>
    private bool Build(YamlNode node)
    {
        if (IsNull(node))
        {
            return false;
        }

        if (node is not YamlMappingNode mapping)
        {
            Error(node, "build must be a mapping, e.g. `build: {native: true}`");
            return false;
        }

        var native = false;
        foreach (var (key, value) in Entries(mapping, "build.", BuildKeys))
        {
            native = key == "native" && (Bool(value, "build.native") ?? false);
        }

        return native;
    }

    private IReadOnlyList<TriggerDeclaration> Triggers(YamlNode node)
    {
        if (IsNull(node))
        {
            return [];
        }

        if (node is not YamlSequenceNode sequence)
        {
            Error(node, "triggers must be a list of `- broker: default` / `filter: {type: …}` entries");
            return [];
        }

        var result = new List<TriggerDeclaration>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var field = $"triggers[{i}]";
            if (sequence.Children[i] is not YamlMappingNode item)
            {
                Error(sequence.Children[i], field + " must be a mapping with broker and filter");
                continue;
            }

            string? name = null, broker = null;
            var filter = new SortedDictionary<string, string>(StringComparer.Ordinal);
            var valid = true;
            foreach (var (key, child) in Entries(item, field + ".", TriggerKeys))
            {
                switch (key)
                {
                    case "name":
                        name = String(child, field + ".name");
                        if (name is not null && !Names.IsDns1123Label(name))
                        {
                            Error(child, field + ".name " + Names.Dns1123LabelError(name));
                            valid = false;
                        }

                        break;
                    case "broker":
                        broker = String(child, field + ".broker");
                        if (broker is not null && !Names.IsDns1123Label(broker))
                        {
                            Error(child, field + ".broker " + Names.Dns1123LabelError(broker));
                            valid = false;
                        }

                        break;
                    case "filter":
                        valid &= Filter(child, field + ".filter", filter);
                        break;
                }
            }

            if (valid)
            {
                result.Add(new TriggerDeclaration(broker ?? "default", filter, name));
            }
        }

        return result;
    }

    /// <summary>CloudEvents attribute → exact value; the same attribute rules as <c>func subscribe --filter</c>.</summary>
    private bool Filter(YamlNode node, string field, SortedDictionary<string, string> filter)
    {
        if (IsNull(node))
        {
            return true;
        }

        if (node is not YamlMappingNode mapping)
        {
            Error(node, field + " must be a mapping of attribute: value, e.g. `filter: {type: com.example.created}`");
            return false;
        }

        var expressions = new List<string>();
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } attribute } || value is not YamlScalarNode { Value: var text })
            {
                Error(keyNode, field + " entries must be attribute: value strings");
                return false;
            }

            expressions.Add(attribute + "=" + (text ?? ""));
        }

        if (global::Serverless.Cli.Triggers.FilterExpression.TryParse(expressions, out var error) is not { } parsed)
        {
            Error(node, field + ": " + error);
            return false;
        }

        foreach (var (attribute, value) in parsed)
        {
            filter[attribute] = value;
        }

        return true;
    }

    private IReadOnlyList<EnvVar> Env(YamlNode node)
    {
        if (IsNull(node))
        {
            return [];
        }

        if (node is not YamlSequenceNode sequence)
        {
            Error(node, "env must be a list of `- name: X` / `value: Y` entries");
            return [];
        }

        var result = new List<EnvVar>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var field = $"env[{i}]";
            if (sequence.Children[i] is not YamlMappingNode item)
            {
                Error(sequence.Children[i], field + " must be a mapping with name and value");
                continue;
            }

            string? name = null, value = null;
            foreach (var (key, child) in Entries(item, field + ".", EnvKeys))
            {
                if (key == "name")
                {
                    name = String(child, field + ".name");
                }
                else
                {
                    value = String(child, field + ".value");
                }
            }

            if (string.IsNullOrEmpty(name))
            {
                Error(item, field + ".name is required");
                continue;
            }

            result.Add(new EnvVar { Name = name, Value = value });
        }

        return result;
    }

    private ScaleSpec? Scale(YamlNode node)
    {
        if (IsNull(node))
        {
            return null;
        }

        if (node is not YamlMappingNode mapping)
        {
            Error(node, "scale must be a mapping, e.g. `scale: {minScale: 0, maxScale: 5}`");
            return null;
        }

        var scale = new ScaleSpec();
        foreach (var (key, value) in Entries(mapping, "scale.", ScaleKeys))
        {
            var field = "scale." + key;
            switch (key)
            {
                case "minScale": scale.MinScale = Int(value, field); break;
                case "maxScale": scale.MaxScale = Int(value, field); break;
                case "initialScale": scale.InitialScale = Int(value, field); break;
                case "target": scale.Target = Int(value, field); break;
                case "targetUtilization": scale.TargetUtilization = Double(value, field); break;
                case "containerConcurrency": scale.ContainerConcurrency = Int(value, field); break;
                case "scaleToZeroGracePeriodSeconds": scale.ScaleToZeroGracePeriodSeconds = Int(value, field); break;
                case "metric": scale.Metric = String(value, field); break;
                case "class": scale.Class = String(value, field); break;
                case "scaleDownDelaySeconds": scale.ScaleDownDelaySeconds = Int(value, field); break;
                case "activationScale": scale.ActivationScale = Int(value, field); break;
                case "targetBurstCapacity": scale.TargetBurstCapacity = Double(value, field); break;
            }
        }

        return scale;
    }

    /// <summary>The mapping's known entries; unknown and non-string keys are reported and skipped.</summary>
    private IEnumerable<(string Key, YamlNode Value)> Entries(YamlMappingNode mapping, string prefix, string[] known)
    {
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                Error(keyNode, $"keys must be plain strings (in {(prefix.Length == 0 ? "the top level" : prefix.TrimEnd('.'))})");
                continue;
            }

            if (!known.Contains(key, StringComparer.Ordinal))
            {
                Error(keyNode, $"unknown key \"{Names.Printable(prefix + key)}\" in {FunctionProject.FileName}; known keys{(prefix.Length == 0 ? "" : " under " + prefix.TrimEnd('.'))}: {string.Join(", ", known)}");
                continue;
            }

            yield return (key, value);
        }
    }

    private string? String(YamlNode node, string field)
    {
        if (IsNull(node))
        {
            return null;
        }

        if (node is YamlScalarNode scalar)
        {
            return scalar.Value;
        }

        Error(node, field + " must be a string");
        return null;
    }

    private int? Int(YamlNode node, string field)
    {
        if (IsNull(node))
        {
            return null;
        }

        if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } text }
            && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Error(node, $"{field} must be an integer (got {Describe(node)})");
        return null;
    }

    private bool? Bool(YamlNode node, string field)
    {
        if (IsNull(node))
        {
            return null;
        }

        if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: "true" or "false" } scalar)
        {
            return scalar.Value == "true";
        }

        Error(node, $"{field} must be true or false (got {Describe(node)})");
        return null;
    }

    private double? Double(YamlNode node, string field)
    {
        if (IsNull(node))
        {
            return null;
        }

        if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } text }
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            && double.IsFinite(value))
        {
            return value;
        }

        Error(node, $"{field} must be a number (got {Describe(node)})");
        return null;
    }

    /// <summary>YAML's null: <c>~</c>, <c>null</c> or nothing after the colon.</summary>
    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode { Style: ScalarStyle.Plain } scalar => "\"" + Names.Printable(scalar.Value) + "\"",
        YamlScalarNode scalar => "the quoted string \"" + Names.Printable(scalar.Value) + "\"",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => "an alias",
    };

    private static YamlNode Find(YamlMappingNode mapping, string key) =>
        mapping.Children.First(e => e.Key is YamlScalarNode { Value: var k } && k == key).Value;

    private void Error(YamlNode node, string message) => _errors.Add(At(node, message));

    private string At(YamlNode node, string message) => $"{_path}:{node.Start.Line}: {message}";
}
