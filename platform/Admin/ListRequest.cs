using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Serverless.Hosting.KubeApi.Errors;
using Serverless.Hosting.KubeApi.Lists;
using Serverless.Hosting.KubeApi.Selectors;
using Serverless.Hosting.KubeApi.Validation;

namespace Serverless.Platform.Admin;

/// <summary>
/// The options of a list (and watch) request as the real server reads them: <c>labelSelector</c> (the full syntax,
/// 400 when invalid), <c>fieldSelector</c> (<c>metadata.name</c>, <c>metadata.namespace</c>), <c>limit</c> and
/// <c>continue</c>, <c>resourceVersion</c> and <c>resourceVersionMatch</c>.
/// </summary>
/// <remarks>
/// The local store keeps only the current state, so a list is served at its current version: a request for an older
/// one exactly is 410 Expired, as on a real server once that version is compacted, and one for a newer version is 504
/// "Too large resource version", as the real server answers after waiting for it. A continue token of an older list
/// goes on from its key in the current state (every object once, in key order, each as it is now) rather than 410:
/// the controller writes status all the time, and a real server's snapshot is what this store cannot keep.
/// </remarks>
internal sealed record ListRequest(LabelSelector Labels, FieldSelector Fields, int? Limit, ContinueToken? Continue, long? ResourceVersion, string? Match)
{
    public const string ContinueTooOld =
        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

    /// <exception cref="ApiException">400 or 422 for an option the real server refuses.</exception>
    public static ListRequest Parse(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        LabelSelector labels;
        FieldSelector fields;
        try
        {
            labels = LabelSelector.Parse(query["labelSelector"].ToString());
            fields = FieldSelector.Parse(query["fieldSelector"].ToString());
        }
        catch (ArgumentException e)
        {
            throw ApiException.BadRequest(e.Message);
        }
        int? limit = null;
        if (query["limit"].ToString() is { Length: > 0 } limitText)
        {
            if (!long.TryParse(limitText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
            {
                throw ApiException.BadRequest($"limit: Invalid value: \"{limitText}\": must be an integer");
            }

            // Zero or less means no limit, as on the real server.
            limit = parsed > 0 ? (int)Math.Min(parsed, int.MaxValue) : null;
        }

        long? version = null;
        if (query["resourceVersion"].ToString() is { Length: > 0 } versionText)
        {
            if (!long.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                throw ApiException.BadRequest($"resourceVersion: Invalid value: \"{versionText}\": must be a resource version this server issued (a non-negative integer)");
            }

            version = parsed;
        }

        var match = query["resourceVersionMatch"].ToString() is { Length: > 0 } m ? m : null;
        if (match is not null and not ("Exact" or "NotOlderThan"))
        {
            throw ApiException.InvalidOptions("ListOptions", FieldError.NotSupported("resourceVersionMatch", JsonValue.Create(match), ["Exact", "NotOlderThan"]));
        }

        if (match is not null && version is null)
        {
            throw ApiException.InvalidOptions("ListOptions", FieldError.Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided"));
        }

        if (match == "Exact" && version == 0)
        {
            throw ApiException.InvalidOptions("ListOptions", FieldError.Forbidden("resourceVersionMatch", "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
        }

        ContinueToken? token = null;
        if (query["continue"].ToString() is { Length: > 0 } continueText)
        {
            if (version is not null)
            {
                throw ApiException.InvalidOptions("ListOptions", FieldError.Forbidden("resourceVersion", "specifying resource version is not allowed when using continue"));
            }

            token = ContinueToken.Decode(continueText);
        }

        return new ListRequest(labels, fields, limit, token, version, match);
    }

    /// <summary>Whether a list at <paramref name="current"/> answers this request; throws the real server's refusal otherwise.</summary>
    /// <exception cref="ApiException">410 for an exact version older than the store keeps (or a continue token it never made); 504 for one it has not reached.</exception>
    public void RequireServable(long current)
    {
        if (Continue is { } token && token.ResourceVersion > current)
        {
            throw ApiException.Gone(ContinueTooOld);
        }

        if (ResourceVersion is not { } version || version == 0)
        {
            return;
        }

        if (version > current)
        {
            var details = new JsonObject { ["retryAfterSeconds"] = 1 };
            throw new ApiException(HttpStatusCode.GatewayTimeout, "Timeout", $"Too large resource version: {version}, current: {current}", details);
        }

        if (Match == "Exact" && version < current)
        {
            throw ApiException.Gone($"too old resource version: {version} ({current})");
        }
    }

    /// <summary>The page of <paramref name="items"/> (in namespace/name order) this request selects, and the continue key of the next.</summary>
    public (IReadOnlyList<JsonObject> Items, string? NextAfter, long Remaining) Page(IEnumerable<JsonObject> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var selected = items
            .Select(o => (Key: Key(o), Object: o))
            .Where(e => Continue is null || string.CompareOrdinal(e.Key, Continue.After) > 0)
            .Where(e => Labels.Matches(e.Object) && Fields.Matches(e.Object))
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .ToList();
        if (Limit is not { } limit || selected.Count <= limit)
        {
            return (selected.Select(e => e.Object).ToList(), null, 0);
        }

        return (selected.Take(limit).Select(e => e.Object).ToList(), selected[limit - 1].Key, selected.Count - limit);
    }

    /// <summary>The store key a continue token points after: <c>namespace/name</c>, ordered as etcd orders them.</summary>
    public static string Key(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var metadata = obj["metadata"] as JsonObject;
        return $"{metadata?["namespace"]?.GetValue<string>()}/{metadata?["name"]?.GetValue<string>()}";
    }
}
