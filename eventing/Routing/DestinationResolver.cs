using Serverless.Core.Api;

namespace Serverless.Eventing.Routing;

/// <summary>
/// A subscriber or dead-letter sink as a URL. A Function is reached through the activator
/// (<c>{ingress}/{namespace}/{function}/</c>), so an event wakes a function scaled to zero; a URI is used as is.
/// </summary>
internal static class DestinationResolver
{
    /// <summary>Null when the destination names neither (validation prevents that for stored objects).</summary>
    public static Uri? Resolve(Destination? destination, string referrerNamespace, string ingressUrl)
    {
        if (destination?.Ref is { Name: { } name } reference)
        {
            var ns = string.IsNullOrEmpty(reference.Namespace) ? referrerNamespace : reference.Namespace;
            return new Uri($"{ingressUrl.TrimEnd('/')}/{ns}/{name}/", UriKind.Absolute);
        }

        return destination?.Uri is { } uri && Uri.TryCreate(uri, UriKind.Absolute, out var parsed) ? parsed : null;
    }
}
