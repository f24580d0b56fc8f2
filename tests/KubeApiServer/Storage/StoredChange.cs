using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Resources;

namespace Serverless.KubeApiServer.Storage;

/// <summary>One committed change; <see cref="Previous"/> lets a filtered watch turn a change of labels into ADDED/DELETED.</summary>
/// <remarks>The objects are shared with the store's history: readers must not mutate them.</remarks>
public sealed record StoredChange(long ResourceVersion, ResourceType Type, ChangeType Change, JsonObject Object, JsonObject? Previous);
