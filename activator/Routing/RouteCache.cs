using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Serverless.Core.Contracts;

namespace Serverless.Activator.Routing;

/// <summary>
/// <see cref="RequestRouter"/> without its per-request strings: routes of functions that exist are remembered by
/// host (<c>hello.default.example.com</c>) and by path prefix (<c>/default/hello</c>) and found again by span, so a
/// routed request allocates only the path the instance sees (and not even that for <c>/</c>). Unknown names are
/// never remembered, so the cache holds at most two entries per function. Thread-safe.
/// </summary>
internal sealed class RouteCache(string domain)
{
    private readonly string _domain = RequestRouter.WithoutRootDot(domain);

    private static readonly PathString Root = new("/");

    // Host names are case-insensitive: one entry serves every spelling, so varying the case cannot grow the cache.
    private readonly ConcurrentDictionary<string, FunctionKey> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, FunctionKey> _prefixes = new(StringComparer.Ordinal);

    /// <summary>
    /// Same answer as <see cref="RequestRouter.TryRoute"/>, from the cache when the route was remembered
    /// (<paramref name="remembered"/>; otherwise call <see cref="Remember"/> once the function is known to exist).
    /// </summary>
    public bool TryRoute(HttpRequest request, out RouteMatch match, out bool remembered)
    {
        remembered = true;
        var host = WithoutPort(request.Host.Value);
        var path = request.Path;
        if (_hosts.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(host, out var key))
        {
            match = new RouteMatch(key, path.HasValue ? path : Root, PathString.Empty);
            return true;
        }

        // A host of the function form routes by host even when it names no function: leave that to the router.
        if (!IsFunctionHost(host) && path.Value is { Length: > 1 } value && value[0] == '/')
        {
            var nsEnd = value.IndexOf('/', 1);
            var fnEnd = nsEnd < 0 ? -1 : value.IndexOf('/', nsEnd + 1);
            var prefixEnd = fnEnd < 0 ? value.Length : fnEnd;
            if (nsEnd > 0 && _prefixes.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(value.AsSpan(0, prefixEnd), out var prefix, out key))
            {
                var rest = fnEnd < 0 || fnEnd == value.Length - 1 ? Root : new PathString(value[fnEnd..]);
                match = new RouteMatch(key, rest, new PathString(prefix));
                return true;
            }
        }

        remembered = false;
        return RequestRouter.TryRoute(request.Host.Host, path, domain, out match);
    }

    /// <summary>Remembers a route whose function exists.</summary>
    public void Remember(HttpRequest request, RouteMatch match)
    {
        if (match.Prefix.HasValue)
        {
            _prefixes.TryAdd(match.Prefix.Value!, match.Key);
        }
        else
        {
            _hosts.TryAdd(WithoutPort(request.Host.Value).ToString(), match.Key);
        }
    }

    private bool IsFunctionHost(ReadOnlySpan<char> host) =>
        _domain.Length > 0 && host.Length > _domain.Length && host.EndsWith(_domain, StringComparison.OrdinalIgnoreCase) && host[^(_domain.Length + 1)] == '.';

    // The host without its port and without the root dot of a fully qualified name (hello.default.localhost.:8080).
    private static ReadOnlySpan<char> WithoutPort(string? host)
    {
        var span = host.AsSpan();
        var colon = span.LastIndexOf(':');
        span = colon >= 0 && span.LastIndexOf(']') < colon ? span[..colon] : span;
        return span.EndsWith(".") ? span[..^1] : span;
    }
}
