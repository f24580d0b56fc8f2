using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Fields;

namespace Serverless.KubeApiServer.Storage;

/// <summary>How one write is made: who makes it, whether it is only tried, and what its unknown fields do.</summary>
internal sealed class WriteOptions
{
    /// <summary>A write by the double itself (a simulator, a test seeding state): no field manager, unknown fields dropped.</summary>
    public static WriteOptions Internal => new();

    /// <summary>The field manager; null leaves <c>managedFields</c> as they are.</summary>
    public FieldOwner? Owner { get; init; }

    /// <summary>
    /// A create into a namespace that does not exist creates the namespace first (the double's convenience for
    /// tests, and what its own simulators rely on); false answers 404 as the real server does.
    /// </summary>
    public bool CreatesNamespace { get; init; } = true;

    /// <summary><c>dryRun=All</c>: every check runs, nothing is stored.</summary>
    public bool DryRun { get; init; }

    public FieldValidation FieldValidation { get; init; } = FieldValidation.Ignore;

    /// <summary>The body came through a patch: strict field errors are 422 on the patched object, not 400.</summary>
    public bool IsPatch { get; init; }

    /// <summary>Server-side apply: the applied configuration (pruned), whose fields the owner then owns.</summary>
    public JsonObject? ApplyConfiguration { get; init; }

    /// <summary>Paths of duplicate fields found while reading the body, reported with the unknown ones.</summary>
    public IReadOnlyList<string> DuplicateFields { get; init; } = [];

    /// <summary>Warning texts for the response (<c>unknown field "spec.x"</c>), filled in by the write.</summary>
    public List<string> Warnings { get; } = [];
}
