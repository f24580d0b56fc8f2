using System.Text.Json.Nodes;

namespace Serverless.KubeApiServer.Storage;

/// <summary>One page of a list: its items, the resourceVersion it reflects, and where the next page starts.</summary>
/// <param name="NextAfter">The key to continue after; null on the last page.</param>
/// <param name="Remaining">Items after this page, when the list is not filtered (the real server cannot count filtered ones).</param>
internal sealed record ListPage(IReadOnlyList<JsonObject> Items, long ResourceVersion, string? NextAfter, long? Remaining);
