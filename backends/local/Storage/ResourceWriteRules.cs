using System.Text.Json.Nodes;
using k8s.Models;
using Serverless.Core.Api;
using Serverless.Core.Serialization;

namespace Serverless.Backends.Local.Storage;

/// <summary>
/// What an object becomes when written, as the Kubernetes API server decides it for a custom
/// resource with the status subresource; pure, so the store only adds the version and does I/O.
/// </summary>
/// <remarks>
/// Status is handled as the top-level <c>status</c> JSON property, which every kind has;
/// <see cref="IResource"/> exposes no typed status. Every result is a fresh object.
/// </remarks>
internal static class ResourceWriteRules
{
    private const string StatusProperty = "status";

    /// <summary>
    /// A new object: the store assigns uid, creationTimestamp (whole seconds, as Kubernetes
    /// serializes it) and generation 1. Status in the request is dropped, as for a resource with
    /// a status subresource; deletion fields and resourceVersion are cleared.
    /// </summary>
    public static T ForCreate<T>(T request, Guid uid, DateTimeOffset now) where T : class, IResource
    {
        var node = ToNode(request);
        node.Remove(StatusProperty);
        var result = FromNode<T>(node);
        var metadata = result.Metadata ??= new V1ObjectMeta();
        metadata.Uid = uid.ToString("D");
        metadata.CreationTimestamp = WholeSeconds(now);
        metadata.Generation = 1;
        metadata.ResourceVersion = null;
        metadata.DeletionTimestamp = null;
        metadata.DeletionGracePeriodSeconds = null;
        return result;
    }

    /// <summary>
    /// An update: spec and user metadata (labels, annotations, finalizers, owner references) from
    /// the request; identity, timestamps and status as stored. Generation goes up by one when the
    /// spec's JSON changed. The result carries the stored resourceVersion, so it serializes
    /// identically to the stored object when nothing changed.
    /// </summary>
    public static T ForReplace<T>(T stored, T request) where T : class, IResource
    {
        var node = ToNode(request);
        CopyStatus(ToNode(stored), node);
        var result = FromNode<T>(node);
        var metadata = result.Metadata ??= new V1ObjectMeta();
        var old = stored.Metadata;
        metadata.Uid = old.Uid;
        metadata.CreationTimestamp = old.CreationTimestamp;
        metadata.ResourceVersion = old.ResourceVersion;
        metadata.DeletionTimestamp = old.DeletionTimestamp;
        metadata.DeletionGracePeriodSeconds = old.DeletionGracePeriodSeconds;
        metadata.Generation = SpecEquals(stored, request) ? old.Generation : (old.Generation ?? 0) + 1;
        return result;
    }

    /// <summary>A status update: the stored object with the request's status (absent status clears it).</summary>
    public static T ForReplaceStatus<T>(T stored, T request) where T : class, IResource
    {
        var node = ToNode(stored);
        CopyStatus(ToNode(request), node);
        return FromNode<T>(node);
    }

    public static bool SpecEquals(IResource a, IResource b) =>
        string.Equals(ResourceJson.Serialize(a.SpecObject!), ResourceJson.Serialize(b.SpecObject!), StringComparison.Ordinal);

    public static DateTime WholeSeconds(DateTimeOffset time)
    {
        var ticks = time.UtcTicks;
        return new DateTime(ticks - (ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
    }

    private static void CopyStatus(JsonObject from, JsonObject to)
    {
        to.Remove(StatusProperty);
        if (from[StatusProperty] is { } status)
        {
            to[StatusProperty] = status.DeepClone();
        }
    }

    private static JsonObject ToNode<T>(T resource) where T : class =>
        JsonNode.Parse(ResourceJson.Serialize(resource))?.AsObject()
        ?? throw new InvalidOperationException($"{typeof(T).Name} serialized to JSON null");

    private static T FromNode<T>(JsonObject node) => ResourceJson.Deserialize<T>(node.ToJsonString());
}
