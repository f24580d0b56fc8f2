using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s.Models;
using static Serverless.Deploy.Tests.Schema.JsonValues;

namespace Serverless.Deploy.Tests.Schema;

/// <summary>
/// The CRDs' CEL rules, evaluated by hand-written translations rather than a CEL interpreter. Each translation is
/// keyed by the exact shape of a rule's text: literals in the rule (regular expressions, name lists, limits) are
/// read from the rule itself, so the test exercises the CRD's own values; only the boolean structure is
/// translated by hand. A rule with no translation throws, and <c>CrdDefinitionTests</c> checks that every rule in
/// deploy/crds has one, so a new rule cannot slip past the conformance tables untested.
/// </summary>
internal static class CelRuleTable
{
    private sealed record Translation(Regex Shape, Func<Match, JsonNode, bool> Evaluate);

    private static readonly Translation[] Translations =
    [
        Shape(@"size\(self\.metadata\.name\) <= (?<max>\d+) && self\.metadata\.name\.matches\(r""(?<re>.+)""\)", (m, self) =>
            String(self["metadata"], "name") is { } name
            && Length(name) <= int.Parse(m.Groups["max"].Value, System.Globalization.CultureInfo.InvariantCulture)
            && Re2Pattern.IsMatch(m.Groups["re"].Value, name)),

        Exact("has(self.runtime) || has(self.image)", self => Has(self, "runtime") || Has(self, "image")),

        Exact("!has(self.runtime) || self.runtime != 'dotnet' || has(self.handler) || has(self.image)", self =>
            !Has(self, "runtime") || String(self, "runtime") != "dotnet" || Has(self, "handler") || Has(self, "image")),

        Exact("!has(self.handler) || self.handler != '' || (has(self.runtime) && self.runtime in ['node', 'python'])", self =>
            !Has(self, "handler") || String(self, "handler") != "" || (Has(self, "runtime") && String(self, "runtime") is "node" or "python")),

        Shape(@"!has\(self\.handler\) \|\| !has\(self\.runtime\) \|\| self\.runtime != '(?<runtime>[a-z]+)' \|\| (?<empty>self\.handler == '' \|\| )?self\.handler\.matches\(r""(?<re>.+)""\)", (m, self) =>
            !Has(self, "handler") || !Has(self, "runtime") || String(self, "runtime") != m.Groups["runtime"].Value
            || (m.Groups["empty"].Success && String(self, "handler") == "")
            || Re2Pattern.IsMatch(m.Groups["re"].Value, String(self, "handler")!)),

        Exact("has(self.image) || (has(self.source) && (has(self.source.path) || has(self.source.configMap)))", self =>
            Has(self, "image") || (Has(self, "source") && (Has(self["source"], "path") || Has(self["source"], "configMap")))),

        Exact("!(has(self.path) && has(self.configMap))", self => !(Has(self, "path") && Has(self, "configMap"))),

        Shape(@"!\(self\.name in \[(?<list>[^\]]*)\]\) && !self\.name\.startsWith\('(?<prefix>[^']*)'\)", (m, self) =>
            String(self, "name") is { } name
            && !StringList(m.Groups["list"].Value).Contains(name)
            && !name.StartsWith(m.Groups["prefix"].Value, StringComparison.Ordinal)),

        Shape(@"self\.all\(k, k in \[(?<list>[^\]]*)\]\)", (m, self) =>
            ((JsonObject)self).All(entry => StringList(m.Groups["list"].Value).Contains(entry.Key))),

        Exact("self.all(k, isQuantity(string(self[k])) && quantity(string(self[k])).sign() == 1)", self =>
            ((JsonObject)self).All(entry => TryQuantity(entry.Value, out var quantity) && quantity > 0)),

        Exact("!has(self.requests) || !has(self.limits) || self.limits.all(k, !(k in self.requests) || quantity(string(self.limits[k])).compareTo(quantity(string(self.requests[k]))) >= 0)", self =>
            !Has(self, "requests") || !Has(self, "limits") || ((JsonObject)self["limits"]!).All(limit =>
                self["requests"]![limit.Key] is not { } request
                || (TryQuantity(limit.Value, out var l) && TryQuantity(request, out var r) && l >= r))),

        Exact("!has(self.maxScale) || !has(self.minScale) || self.maxScale == 0 || self.maxScale >= self.minScale", self =>
            !Has(self, "maxScale") || !Has(self, "minScale") || Integer(self, "maxScale") == 0 || Integer(self, "maxScale") >= Integer(self, "minScale")),

        Exact("!has(self.maxScale) || !has(self.initialScale) || self.maxScale == 0 || self.initialScale <= self.maxScale", self =>
            !Has(self, "maxScale") || !Has(self, "initialScale") || Integer(self, "maxScale") == 0 || Integer(self, "initialScale") <= Integer(self, "maxScale")),

        Exact("!has(self.target) || !has(self.containerConcurrency) || self.containerConcurrency == 0 || (has(self.metric) && self.metric == 'rps') || self.target <= self.containerConcurrency", self =>
            !Has(self, "target") || !Has(self, "containerConcurrency") || Integer(self, "containerConcurrency") == 0
            || (Has(self, "metric") && String(self, "metric") == "rps") || Integer(self, "target") <= Integer(self, "containerConcurrency")),

        Exact("has(self.ref) != has(self.uri)", self => Has(self, "ref") != Has(self, "uri")),

        Shape(@"self\.all\(k, k\.matches\(r""(?<re>.+)""\)\)", (m, self) =>
            ((JsonObject)self).All(entry => Re2Pattern.IsMatch(m.Groups["re"].Value, entry.Key))),

        Shape(@"(?<not>!?)self\.matches\(r""(?<re>.+)""\)", (m, self) =>
            Re2Pattern.IsMatch(m.Groups["re"].Value, (string)self!) != (m.Groups["not"].Value == "!")),

        Shape(@"!self\.endsWith\('(?<suffix>[^']*)'\)", (m, self) =>
            !((string)self!).EndsWith(m.Groups["suffix"].Value, StringComparison.Ordinal)),
    ];

    public static bool IsTranslated(string rule) => Find(rule) is not null;

    public static bool Evaluate(string rule, JsonNode self)
    {
        var (translation, match) = Find(rule) ?? throw new NotSupportedException("no translation for the CEL rule: " + rule);
        return translation.Evaluate(match, self);
    }

    private static (Translation, Match)? Find(string rule)
    {
        foreach (var translation in Translations)
        {
            if (translation.Shape.Match(rule) is { Success: true } match)
            {
                return (translation, match);
            }
        }

        return null;
    }

    private static Translation Exact(string rule, Func<JsonNode, bool> evaluate) =>
        new(new Regex("^" + Regex.Escape(rule) + @"\z", RegexOptions.CultureInvariant), (_, self) => evaluate(self));

    private static Translation Shape(string shape, Func<Match, JsonNode, bool> evaluate) =>
        new(new Regex("^" + shape + @"\z", RegexOptions.CultureInvariant), evaluate);

    /// <summary>A CEL list literal of single-quoted strings: <c>'a', 'b'</c>.</summary>
    private static string[] StringList(string items) =>
        items.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(i => i.Trim('\'')).ToArray();

    /// <summary>CEL's <c>isQuantity(string(v))</c> and <c>quantity(...)</c>, with KubernetesClient's port of the parser.</summary>
    private static bool TryQuantity(JsonNode? value, out decimal quantity)
    {
        quantity = 0;
        if (value is null)
        {
            return false;
        }

        try
        {
            quantity = new ResourceQuantity(ToCelString(value)).ToDecimal();
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
