using System.Net;
using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Schema;

namespace Serverless.Hosting.KubeApi.Fields;

/// <summary>
/// Keeps <c>metadata.managedFields</c> as the API server's field manager does (structured-merge-diff):
/// <list type="bullet">
/// <item>Update: the writer takes every field it added or changed, and fields it changed or removed leave their
/// other owners; nobody conflicts.</item>
/// <item>Apply: the writer owns exactly the fields of its configuration; fields it applied before and dropped now
/// are removed from the object unless another manager owns them; changing a field another manager owns is a
/// 409 Conflict with one FieldManagerConflict cause per field, unless forced, which takes the field.</item>
/// </list>
/// </summary>
/// <remarks>Pure: the store calls it under its lock with the stored object and the candidate.</remarks>
internal sealed class FieldManager(StructuralSchema? schema, bool hasStatusSubresource, string apiVersion)
{
    /// <summary>The entries after an Update of <paramref name="live"/> (empty on create) into <paramref name="next"/>.</summary>
    /// <param name="requested">The managedFields the request carries: when it sets any, they replace the stored ones
    /// (the real server lets a client rewrite ownership, as kubectl does when it moves fields to server-side apply).</param>
    public JsonArray Update(JsonObject live, JsonObject next, JsonArray? requested, FieldOwner owner, string now)
    {
        var requestedEntries = (requested ?? []).Select(ManagedFieldsEntry.Decode).OfType<ManagedFieldsEntry>().ToList();
        var entries = requestedEntries.Count > 0 ? requestedEntries : Decode(live);
        var (changed, removed) = Compare(live, next, owner.StatusHalf);
        var mine = entries.FirstOrDefault(e => e.SameOwner(owner));
        var result = entries
            .Where(e => !e.SameOwner(owner))
            .Select(e => e with { Fields = e.Fields.Except(changed).Except(removed) })
            .ToList();
        var fields = (mine?.Fields ?? new FieldSet()).Union(changed).Except(removed);
        result.Add(new ManagedFieldsEntry(owner.Manager, owner.Operation, owner.Subresource, apiVersion, Time(owner, mine, fields, now), fields));
        return Encode(result);
    }

    /// <summary>
    /// The entries after applying <paramref name="config"/>; <paramref name="next"/> (the stored object merged with
    /// the configuration) loses the fields this manager stopped applying.
    /// </summary>
    /// <exception cref="ApiException">409 when the configuration changes fields other managers own and the apply is not forced.</exception>
    public JsonArray Apply(JsonObject live, JsonObject next, JsonObject config, FieldOwner owner, string now)
    {
        var entries = Decode(live);
        var mine = entries.FirstOrDefault(e => e.SameOwner(owner));
        var others = entries.Where(e => !e.SameOwner(owner)).ToList();
        var applied = ObjectFields.Applied(config, schema, hasStatusSubresource, owner.StatusHalf);

        // A field this manager applied before and applies no more goes, unless someone still owns it or something
        // below it (a map whose fields are still applied stays).
        foreach (var dropped in (mine?.Fields ?? new FieldSet()).Except(applied).Paths().OrderByDescending(p => p.Count))
        {
            if (!applied.ContainsAtOrBelow(dropped) && !others.Any(o => o.Fields.ContainsAtOrBelow(dropped)))
            {
                FieldRemoval.Remove(next, dropped);
            }
        }

        var (changed, removed) = Compare(live, next, owner.StatusHalf);
        var conflicts = others
            .SelectMany(o => o.Fields.Intersect(changed).Paths().Select(p => (Owner: o, Path: p)))
            .OrderBy(c => c.Owner.Manager, StringComparer.Ordinal)
            .ThenBy(c => ObjectFields.Display(c.Path), StringComparer.Ordinal)
            .ToList();
        if (conflicts.Count > 0 && !owner.Force)
        {
            throw Conflict(conflicts);
        }

        var result = others.Select(o => o with { Fields = o.Fields.Except(changed).Except(removed) }).ToList();
        result.Add(new ManagedFieldsEntry(owner.Manager, owner.Operation, owner.Subresource, apiVersion, Time(owner, mine, applied, now), applied));
        return Encode(result);
    }

    private (FieldSet Changed, FieldSet Removed) Compare(JsonObject live, JsonObject next, bool statusHalf) =>
        ObjectFields.Compare(live, next, schema, hasStatusSubresource, statusHalf);

    // The real server's scale subresource writes its entries without a time (so they sort first); others get the
    // time of the write that last changed their fields.
    private static string? Time(FieldOwner owner, ManagedFieldsEntry? mine, FieldSet fields, string now) =>
        owner.Subresource == "scale" ? null : Changed(mine, fields) ? now : mine!.Time;

    private static bool Changed(ManagedFieldsEntry? mine, FieldSet fields) => mine is null || !fields.SetEquals(mine.Fields);

    private static List<ManagedFieldsEntry> Decode(JsonObject obj) =>
        (obj["metadata"]?["managedFields"] as JsonArray ?? []).Select(ManagedFieldsEntry.Decode).OfType<ManagedFieldsEntry>().ToList();

    // The API server's order: Apply before Update, then by time, manager and subresource; empty entries go.
    private static JsonArray Encode(IEnumerable<ManagedFieldsEntry> entries) => new(entries
        .Where(e => !e.Fields.IsEmpty)
        .OrderBy(e => e.Operation, StringComparer.Ordinal)
        .ThenBy(e => e.Time ?? "", StringComparer.Ordinal)
        .ThenBy(e => e.Manager, StringComparer.Ordinal)
        .ThenBy(e => e.Subresource, StringComparer.Ordinal)
        .Select(e => (JsonNode?)e.Encode())
        .ToArray());

    private static ApiException Conflict(List<(ManagedFieldsEntry Owner, IReadOnlyList<string> Path)> conflicts)
    {
        string message;
        if (conflicts.Count == 1)
        {
            message = $"Apply failed with 1 conflict: conflict with {conflicts[0].Owner.Describe()}: {ObjectFields.Display(conflicts[0].Path)}";
        }
        else
        {
            var lines = conflicts.GroupBy(c => c.Owner.Describe()).SelectMany(g =>
                new[] { $"conflicts with {g.Key}:" }.Concat(g.Select(c => $"- {ObjectFields.Display(c.Path)}")));
            message = $"Apply failed with {conflicts.Count} conflicts: {string.Join("\n", lines)}";
        }

        var causes = new JsonArray(conflicts.Select(c => (JsonNode?)new JsonObject
        {
            ["reason"] = "FieldManagerConflict",
            ["message"] = $"conflict with {c.Owner.Describe()}",
            ["field"] = ObjectFields.Display(c.Path),
        }).ToArray());
        return new ApiException(HttpStatusCode.Conflict, "Conflict", message, new JsonObject { ["causes"] = causes });
    }
}
