using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Serverless.KubeApiServer.Storage;
using Serverless.KubeApiServer.Validation;

namespace Serverless.KubeApiServer.Http;

/// <summary>The query options of a request, read and checked as the real server checks them (same codes and causes).</summary>
internal static class RequestOptions
{
    /// <summary><c>fieldValidation</c>: Warn when absent, as the real server defaults it.</summary>
    public static FieldValidation FieldValidation(IQueryCollection query, string optionsKind) =>
        FieldValidationReport.Parse(query["fieldValidation"].ToString(), optionsKind);

    public static bool DryRun(IQueryCollection query, string optionsKind)
    {
        var values = query["dryRun"].Where(v => !string.IsNullOrEmpty(v)).ToList();
        foreach (var value in values.Where(v => v != "All"))
        {
            throw ApiException.InvalidOptions(optionsKind, FieldError.NotSupported("dryRun", JsonValue.Create(value), ["All"]));
        }

        return values.Count > 0;
    }

    /// <summary>The fieldManager parameter, else the client's User-Agent up to its first '/', else "unknown".</summary>
    public static string FieldManager(HttpRequest request, string optionsKind) =>
        FieldManagerName.From(request.Query["fieldManager"].ToString(), request.Headers.UserAgent.ToString(), optionsKind);

    /// <summary>A resourceVersion parameter; the real server answers 500 (no reason) for one that is not a number.</summary>
    public static long? ResourceVersion(IQueryCollection query)
    {
        var text = query["resourceVersion"].ToString();
        if (text.Length == 0)
        {
            return null;
        }

        if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version > long.MaxValue)
        {
            throw new ApiException(HttpStatusCode.InternalServerError, "", $"resourceVersion: Invalid value: {FieldError.Quote(text)}: strconv.ParseUint: parsing {FieldError.Quote(text)}: invalid syntax");
        }

        return (long)version;
    }

    /// <summary><c>resourceVersionMatch</c>: Exact, NotOlderThan or empty, and only with a resourceVersion.</summary>
    public static string ResourceVersionMatch(IQueryCollection query)
    {
        var match = query["resourceVersionMatch"].ToString();
        if (match is not ("" or "Exact" or "NotOlderThan"))
        {
            throw ApiException.InvalidOptions("ListOptions", FieldError.NotSupported("resourceVersionMatch", JsonValue.Create(match), ["Exact", "NotOlderThan", ""]));
        }

        if (match.Length > 0 && query["resourceVersion"].ToString().Length == 0)
        {
            throw ApiException.InvalidOptions("ListOptions", FieldError.Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided"));
        }

        return match;
    }

    public static int? Limit(IQueryCollection query) =>
        int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit > 0 ? limit : null;

    public static bool IsTrue(string? value) => value is "1" or "true" or "True";

    /// <summary>Go's <c>%q</c>-style Warning header value: <c>299 - "unknown field \"spec.x\""</c>.</summary>
    public static string WarningHeader(string text) => FieldValidationReport.WarningHeader(text);}
