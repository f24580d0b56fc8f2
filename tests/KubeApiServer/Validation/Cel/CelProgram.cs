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

    /// <summary>The rule's type when compiled: always <c>bool</c>, a rule of any other type does not compile.</summary>
    public string? OutputType { get; }

    /// <summary>A transition rule: it reads <c>oldSelf</c>, so the API server runs it on updates only.</summary>
    public bool UsesOldSelf { get; }

    /// <summary>Runs the rule on a value of its schema (already pruned and defaulted, as the server does).</summary>
    public CelResult Evaluate(JsonNode? self, JsonNode? oldSelf = null)
    {
        if (_id is not { } id)
        {
            throw new InvalidOperationException($"the rule does not compile ({CompileError}): {Rule}");
        }

        return _engine.Evaluate(id, self, oldSelf);
    }

    public override string ToString() => CompileError is null ? Rule : $"{Rule} (does not compile: {CompileError})";
}
