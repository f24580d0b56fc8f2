using System.Text.Json.Nodes;

namespace Serverless.KubeApiServer.Validation.Cel;

/// <summary>A rule compiled by <see cref="CelEngine.Compile"/>, or the error the API server's compiler would report.</summary>
public sealed class CelProgram
{
    private readonly CelEngine _engine;
    private readonly int? _id;

    internal CelProgram(CelEngine engine, string rule, int? id, string? compileError, string? outputType, bool usesOldSelf)
    {
        _engine = engine;
        _id = id;
        Rule = rule;
        CompileError = compileError;
        OutputType = outputType;
        UsesOldSelf = usesOldSelf;
    }

    public string Rule { get; }

    /// <summary>Why the rule does not compile (cel-go's wording where the engine allows); null when it does.</summary>
    public string? CompileError { get; }

    /// <summary>
    /// The expression's type when compiled: always <c>bool</c> for a rule and <c>string</c> for a messageExpression;
    /// an expression of any other type does not compile.
    /// </summary>
    public string? OutputType { get; }

    /// <summary>A transition rule: it reads <c>oldSelf</c>, so the API server runs it on updates only.</summary>
    public bool UsesOldSelf { get; }

    /// <summary>Runs the rule on a value of its schema (already pruned and defaulted, as the server does).</summary>
    public CelResult Evaluate(JsonNode? self, JsonNode? oldSelf = null)
    {
        var answer = Run(self, oldSelf);
        return answer["error"] is { } error ? CelResult.Failed((string)error!) : CelResult.Of((bool)answer["value"]!);
    }

    /// <summary>Runs a messageExpression (compiled by <see cref="CelEngine.CompileMessageExpression"/>) on a value of its schema.</summary>
    public CelStringResult EvaluateString(JsonNode? self, JsonNode? oldSelf = null)
    {
        var answer = Run(self, oldSelf);
        return answer["error"] is { } error ? CelStringResult.Failed((string)error!) : CelStringResult.Of((string)answer["value"]!);
    }

    public override string ToString() => CompileError is null ? Rule : $"{Rule} (does not compile: {CompileError})";

    /// <summary>The engine's id of the compiled program.</summary>
    internal int Id(CelEngine engine)
    {
        if (!ReferenceEquals(engine, _engine))
        {
            throw new ArgumentException($"compiled by another engine: {Rule}", nameof(engine));
        }

        return _id ?? throw new InvalidOperationException($"the expression does not compile ({CompileError}): {Rule}");
    }

    private JsonObject Run(JsonNode? self, JsonNode? oldSelf) => _engine.Evaluate(Id(_engine), self, oldSelf);
}
