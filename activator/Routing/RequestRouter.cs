using Microsoft.AspNetCore.Http;
using Serverless.Core.Contracts;
using Serverless.Core.Naming;

namespace Serverless.Activator.Routing;

/// <summary>
/// Maps a request to a function: by host, <c>{function}.{namespace}.{domain}</c>, or by path,
/// <c>/{namespace}/{function}/…</c> (for curl without DNS), <c>/{namespace}/{function}@{tag}/…</c> for a traffic tag. Pure; names are DNS-1123 checked so a
/// path segment can never name something that is not a valid function. Host names are case-insensitive and may be
/// written fully qualified (RFC 1034 §3.1, RFC 3986 §3.2.2): <c>ECHO.Default.localhost.</c> is <c>echo.default.localhost</c>.
/// Paths are case-sensitive, as HTTP paths are.
/// </summary>
internal static class RequestRouter
{
    public static bool TryRoute(string host, PathString path, string domain, out RouteMatch match)
    {
        if (TryRouteByHost(host, domain, out var key))
        {
            match = new RouteMatch(key, path.HasValue ? path : "/", PathString.Empty);
            return true;
        }

        return TryRouteByPath(path, out match);
    }

    private static bool TryRouteByHost(string host, string domain, out FunctionKey key)
    {
        key = default;
        host = WithoutRootDot(host);
        var suffix = "." + WithoutRootDot(domain);
        if (suffix.Length == 1 || !host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var labels = host[..^suffix.Length].ToLowerInvariant().Split('.');
        if (labels.Length != 2 || !Names.IsDns1123Label(labels[0]) || !Names.IsDns1123Label(labels[1]))
        {
            return false;
        }

        key = new FunctionKey(labels[1], labels[0]);
        return true;
    }

    /// <summary>The host without the one trailing dot of a fully qualified name.</summary>
    public static string WithoutRootDot(string host) => host.EndsWith('.') ? host[..^1] : host;

    private static bool TryRouteByPath(PathString path, out RouteMatch match)
    {
        match = default;
        var value = path.Value;
        if (string.IsNullOrEmpty(value) || value[0] != '/')
        {
            return false;
        }

        var nsEnd = value.IndexOf('/', 1);
        if (nsEnd < 0)
        {
            return false;
        }

        var fnEnd = value.IndexOf('/', nsEnd + 1);
        var ns = value[1..nsEnd];
        var name = fnEnd < 0 ? value[(nsEnd + 1)..] : value[(nsEnd + 1)..fnEnd];
        string? tag = null;
        if (name.IndexOf('@') is var at and >= 0)
        {
            // /{namespace}/{function}@{tag}/: a traffic tag's URL (issue #17).
            tag = name[(at + 1)..];
            name = name[..at];
            if (!Names.IsDns1123Label(tag))
            {
                return false;
            }
        }

        if (!Names.IsDns1123Label(ns) || !Names.IsDns1123Label(name))
        {
            return false;
        }

        var prefixEnd = fnEnd < 0 ? value.Length : fnEnd;
        var rest = fnEnd < 0 ? "/" : value[fnEnd..];
        match = new RouteMatch(new FunctionKey(ns, name), new PathString(rest), new PathString(value[..prefixEnd]), tag);
        return true;
    }
}
