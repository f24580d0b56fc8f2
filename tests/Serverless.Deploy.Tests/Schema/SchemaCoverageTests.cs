using System.Text.Json.Nodes;
using Serverless.Core.Api;

namespace Serverless.Deploy.Tests.Schema;

/// <summary>Facts about all conformance tables together: every listed gap and every CEL rule is exercised by a row.</summary>
public sealed class SchemaCoverageTests
{
    private static readonly Conformance.Outcome[] Outcomes = AllRows().Select(row => Conformance.Run(row.Kind, row.Json)).ToArray();

    private static IEnumerable<(string Kind, string Json)> AllRows() =>
        SpecCases.CoreFunctionCases().Select(c => (Kind: Function.KindName, c.Json))
            .Concat(SpecCases.CoreTriggerCases().Select(c => (Kind: Trigger.KindName, c.Json)))
            .Concat(SpecCases.CoreBrokerCases().Select(c => (Kind: Broker.KindName, c.Json)))
            .Concat(FunctionSchemaTests.JsonShapes.Select(row => (Kind: Function.KindName, Json: (string?)row[1])))
            .Concat(TriggerSchemaTests.JsonShapes.Select(row => (Kind: Trigger.KindName, Json: (string?)row[1])))
            .Where(row => row.Json is not null)
            .Select(row => (row.Kind, row.Json!));

    [Fact]
    public void Gaps_EveryListedGap_IsReachedByATableRow()
    {
        var unreached = SchemaGaps.All.Where(gap => !Outcomes.Any(o => o.Core.Any(e => gap.Covers(e, o.Resource)))).ToArray();

        // A gap no row reaches is either dead (remove it) or untested (add a row).
        Assert.True(unreached.Length == 0, "gaps no row reaches:\n" + string.Join("\n", unreached.Select(g => g.ToString())));
    }

    [Fact]
    public void Rules_EveryCelRule_RefusesAtLeastOneTableRow()
    {
        var messages = Outcomes.SelectMany(o => o.Schema).Select(e => e.Message).ToHashSet(StringComparer.Ordinal);
        var rules = CrdSchemas.Crds
            .SelectMany(crd => RuleMessages(crd.Node).Select(rule => (Crd: crd.Name, rule.Rule, rule.Message)))
            .ToArray();

        // A rule no row violates is untested: its translation (and the rule) could be wrong in either direction.
        // Transition rules (oldSelf) run on updates only, which no table row is: TransitionRuleTests holds each of them.
        var unexercised = rules.Where(r => !messages.Contains(r.Message) && !TransitionRuleTests.IsTransitionRule(r.Rule))
            .Select(r => $"{r.Crd}: {r.Rule}").ToArray();
        Assert.True(unexercised.Length == 0, "CEL rules no table row violates:\n" + string.Join("\n", unexercised));
    }

    private static IEnumerable<(string Rule, string Message)> RuleMessages(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(entry => entry.Key == "x-kubernetes-validations" && entry.Value is JsonArray rules
            ? rules.Select(r => ((string)r!["rule"]!, (string)r["message"]!))
            : RuleMessages(entry.Value)),
        JsonArray array => array.SelectMany(RuleMessages),
        _ => [],
    };
}
