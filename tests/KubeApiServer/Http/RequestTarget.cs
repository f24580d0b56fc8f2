using Serverless.Hosting.KubeApi.Resources;
using Serverless.KubeApiServer.Storage;

namespace Serverless.KubeApiServer.Http;

/// <summary>What a request path addresses: <c>/api/v1/…</c> or <c>/apis/{group}/{version}/…</c>, then
/// <c>[namespaces/{ns}/]{plural}[/{name}[/{subresource}]]</c>.</summary>
internal sealed record RequestTarget(string Group, string Version, string Plural, string? Namespace, string? Name, string? Subresource)
{
    public static RequestTarget? Parse(string path)
    {
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        string group;
        string version;
        int rest;
        if (segments.Length >= 3 && segments[0] == "api")
        {
            (group, version, rest) = ("", segments[1], 2);
        }
        else if (segments.Length >= 4 && segments[0] == "apis")
        {
            (group, version, rest) = (segments[1], segments[2], 3);
        }
        else
        {
            return null;
        }

        var tail = segments[rest..];

        // "namespaces/{ns}/{plural}…" addresses a namespaced kind; "namespaces[/{name}[/{sub}]]" the Namespace itself.
        if (tail.Length >= 3 && tail[0] == "namespaces")
        {
            return tail.Length > 5 ? null : new RequestTarget(group, version, tail[2], tail[1], At(tail, 3), At(tail, 4));
        }

        return tail.Length > 3 ? null : new RequestTarget(group, version, tail[0], null, At(tail, 1), At(tail, 2));
    }

    private static string? At(string[] items, int index) => index < items.Length ? items[index] : null;
}
