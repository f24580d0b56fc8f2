using System.Text;
using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Schema;

namespace Serverless.KubeApiServer.Validation.Cel;

/// <summary>
/// The double's CRD rules run by a real CEL engine (<see cref="CelEngine"/>), as apiextensions-apiserver runs them:
/// <c>self</c> typed from the schema at the rule's location, <c>oldSelf</c> given to transition rules only, a
/// violated rule's <c>messageExpression</c> evaluated for its message, and an evaluation error worded as the server
/// words it. The double's default <see cref="KubeApiDoubleOptions.ValidationRules"/>.
/// </summary>
/// <remarks>
/// Each rule compiles once per CRD: the engine keeps programs by schema object and rule, and the double parses its
/// CRDs once per process. Not modelled: the cost budget, and <c>optionalOldSelf</c> (the engine declares
/// <c>oldSelf</c> with self's type, not as an optional), which no CRD of deploy/crds uses: such a rule throws
/// <see cref="NotSupportedException"/> rather than pass unchecked. Thread-safe: the engine serializes requests.
/// </remarks>
public sealed class CelValidationRules : IValidationRuleEvaluator
{
    // k8s.io/apiserver/pkg/apis/cel MaxEvaluatedMessageExpressionSizeBytes.
    private const int MaxMessageBytes = 5 * 1024;

    private readonly Func<CelEngine> _engine;

    public CelValidationRules(CelEngine engine)
        : this(() => engine)
    {
    }

    private CelValidationRules(Func<CelEngine> engine)
    {
        _engine = engine;
    }

    /// <summary>Over <see cref="CelEngine.Shared"/>, which starts (a Node.js process) on the first rule evaluated, not before.</summary>
    public static CelValidationRules Instance { get; } = new(() => CelEngine.Shared);

    public bool IsTransitionRule(ValidationRule rule, JsonObject schema, bool isResourceRoot) =>
        _engine().Compile(schema, rule.Rule, isResourceRoot).UsesOldSelf;

    public IReadOnlyList<IReadOnlyList<ValidationRuleResult>> Evaluate(IReadOnlyList<ValidationRuleSite> sites)
    {
        var engine = _engine();
        var results = sites.Select(site => new ValidationRuleResult[site.Rules.Count]).ToList();
        var runs = new List<(int Site, List<int> Rules, CelEvaluation Evaluation)>();
        for (var s = 0; s < sites.Count; s++)
        {
            var site = sites[s];
            var indexes = new List<int>(site.Rules.Count);
            var programs = new List<CelProgram>(site.Rules.Count);
            for (var r = 0; r < site.Rules.Count; r++)
            {
                var rule = site.Rules[r];
                if (rule.OptionalOldSelf)
                {
                    throw new NotSupportedException($"the double's CEL engine has no optional oldSelf (optionalOldSelf: true): {rule.Rule}");
                }

                var program = engine.Compile(site.Schema, rule.Rule, site.IsResourceRoot);
                if (program.CompileError is { } compileError)
                {
                    // The server refuses such a CRD; one that got stored anyway reports this on every write.
                    results[s][r] = ValidationRuleResult.Error($"rule compile error: {compileError}");
                    continue;
                }

                indexes.Add(r);
                programs.Add(program);
            }

            if (programs.Count > 0)
            {
                var old = programs.Any(p => p.UsesOldSelf) ? site.OldSelf : null;
                runs.Add((s, indexes, site.IsResourceRoot
                    ? new CelEvaluation(programs, Readable(site.Self, site.Schema), Readable(old, site.Schema))
                    : new CelEvaluation(programs, site.Self, old)));
            }
        }

        // One round trip for the whole object.
        var outcomes = engine.EvaluateAll(runs.Select(run => run.Evaluation).ToList());
        for (var i = 0; i < runs.Count; i++)
        {
            var (s, indexes, _) = runs[i];
            for (var j = 0; j < indexes.Count; j++)
            {
                var site = sites[s];
                var rule = site.Rules[indexes[j]];
                results[s][indexes[j]] = outcomes[i][j] switch
                {
                    { Error: { } error } => ValidationRuleResult.Error(EvaluationError(rule, error)),
                    { Value: true } => ValidationRuleResult.Holds,
                    _ => ValidationRuleResult.Violated(Message(engine, rule, site)),
                };
            }
        }

        return results;
    }

    // What a rule at a resource root can read: apiVersion, kind, metadata.name and generateName, and the schema's
    // properties. The rest (managedFields, labels, …) is left out of the round trip.
    private static JsonNode? Readable(JsonNode? value, JsonObject schema)
    {
        if (value is not JsonObject obj)
        {
            return value;
        }

        var readable = new JsonObject();
        foreach (var (key, child) in obj)
        {
            if (key == "metadata" && child is JsonObject meta)
            {
                var names = new JsonObject();
                foreach (var field in (string[])["name", "generateName"])
                {
                    if (meta[field] is { } text)
                    {
                        names[field] = text.DeepClone();
                    }
                }

                readable[key] = names;
            }
            else if (key is "apiVersion" or "kind" || schema["properties"]?[key] is not null)
            {
                readable[key] = child?.DeepClone();
            }
        }

        return readable;
    }

    // Overloads fail at run time only where type checking was bypassed (int-or-string is dyn).
    private static string EvaluationError(ValidationRule rule, string error) =>
        error.StartsWith("no such overload", StringComparison.Ordinal)
            ? $"'{error}': call arguments did not match a supported operator, function or macro signature for rule: {rule.ErrorText}"
            : $"{error} evaluating rule: {rule.ErrorText}";

    // The messageExpression's text, or null for the rule's message: the server falls back to it when the expression
    // fails or gives an empty, multi-line or over-long text.
    private static string? Message(CelEngine engine, ValidationRule rule, ValidationRuleSite site)
    {
        if (string.IsNullOrEmpty(rule.MessageExpression))
        {
            return null;
        }

        var program = engine.CompileMessageExpression(site.Schema, rule.MessageExpression, site.IsResourceRoot);
        if (program.CompileError is not null)
        {
            return null; // The server refuses such a CRD; one stored anyway falls back to the message.
        }

        var text = program.EvaluateString(site.Self, program.UsesOldSelf ? site.OldSelf : null).Value?.Trim();
        return string.IsNullOrEmpty(text) || text.Contains('\n', StringComparison.Ordinal) || Encoding.UTF8.GetByteCount(text) > MaxMessageBytes
            ? null
            : text;
    }
}
