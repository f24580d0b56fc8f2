using System.Net;
using System.Text.Json.Nodes;

namespace Serverless.Hosting.KubeApi.Validation;

/// <summary>
/// What <c>fieldValidation</c> makes of a body's duplicate and unknown fields, worded as the real server words it:
/// Strict refuses (400 for a create or update, 422 for a patch), Warn (the default) returns one <c>Warning</c> per
/// field, Ignore says nothing.
/// </summary>
internal static class FieldValidationReport
{
    /// <summary>The <c>fieldValidation</c> query value; Warn when absent, as the real server defaults it.</summary>
    /// <exception cref="ApiException">422 for a value the real server does not know.</exception>
    public static FieldValidation Parse(string? value, string optionsKind) => value switch
    {
        null or "" or "Warn" => FieldValidation.Warn,
        "Ignore" => FieldValidation.Ignore,
        "Strict" => FieldValidation.Strict,
        _ => throw ApiException.InvalidOptions(optionsKind, FieldError.NotSupported("fieldValidation", JsonValue.Create(value), ["", "Ignore", "Strict", "Warn"])),
    };

    /// <summary><c>duplicate field "x"</c> for each duplicate, then <c>unknown field "y"</c> for each unknown one in path order.</summary>
    public static List<string> Problems(IEnumerable<string> duplicates, IEnumerable<string> unknown) =>
        duplicates.Select(d => $"duplicate field \"{d}\"")
            .Concat(unknown.Order(StringComparer.Ordinal).Select(u => $"unknown field \"{u}\""))
            .ToList();

    /// <summary>The refusal under Strict; null when the mode lets the write go on (then Warn reports <paramref name="problems"/> as warnings).</summary>
    /// <param name="patched">The patch as sent, for a patch's 422.</param>
    public static ApiException? Refusal(FieldValidation mode, IReadOnlyList<string> problems, string kind, string version, bool isPatch, string? patched)
    {
        if (mode != FieldValidation.Strict || problems.Count == 0)
        {
            return null;
        }

        var text = "strict decoding error: " + string.Join(", ", problems);
        return isPatch
            ? ApiException.Invalid("", "", null, [FieldError.Invalid("patch", JsonValue.Create(patched ?? ""), text)])
            : new ApiException(HttpStatusCode.BadRequest, "BadRequest", $"{kind} in version \"{version}\" cannot be handled as a {kind}: {text}");
    }

    /// <summary>Go's <c>%q</c>-style Warning header value: <c>299 - "unknown field \"spec.x\""</c>.</summary>
    public static string WarningHeader(string text) =>
        $"299 - \"{text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
}
