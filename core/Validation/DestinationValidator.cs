using Serverless.Core.Api;

namespace Serverless.Core.Validation;

/// <summary>
/// A subscriber or dead-letter sink: a Function reference or an absolute http(s) URL. The dispatcher sends events
/// there, so a URL with another scheme, credentials, or characters an HTTP client would reinterpret is refused.
/// </summary>
internal static class DestinationValidator
{
    public const int MaxUriLength = 2048;

    public static void Validate(Destination? destination, bool required, FieldPath path, ErrorList errors)
    {
        if (destination is null)
        {
            if (required)
            {
                errors.Required(path);
            }

            return;
        }

        if (destination.Ref is not null && destination.Uri is not null)
        {
            errors.Add(path, "must set exactly one of ref or uri, not both");
        }
        else if (destination.Ref is null && destination.Uri is null)
        {
            errors.Add(path, "must set one of ref or uri");
        }

        if (destination.Ref is { } reference)
        {
            ValidateRef(reference, path.Child("ref"), errors);
        }

        if (destination.Uri is { } uri)
        {
            ValidateUri(uri, path.Child("uri"), errors);
        }
    }

    private static void ValidateRef(DestinationRef reference, FieldPath path, ErrorList errors)
    {
        if (reference.Kind is null)
        {
            errors.Required(path.Child("kind"));
        }
        else if (reference.Kind != Function.KindName)
        {
            errors.Unsupported(path.Child("kind"), reference.Kind, [Function.KindName]);
        }

        if (reference.ApiVersion is null)
        {
            errors.Required(path.Child("apiVersion"));
        }
        else if (reference.ApiVersion != ApiGroup.ApiVersion)
        {
            errors.Unsupported(path.Child("apiVersion"), reference.ApiVersion, [ApiGroup.ApiVersion]);
        }

        MetadataValidator.ValidateDnsLabel(reference.Name, path.Child("name"), errors);
        MetadataValidator.ValidateDnsLabel(reference.Namespace, path.Child("namespace"), errors);
    }

    private static void ValidateUri(string value, FieldPath path, ErrorList errors)
    {
        string? problem = null;
        if (value.Length == 0)
        {
            problem = "must not be empty";
        }
        else if (value.Length > MaxUriLength)
        {
            problem = $"must be no more than {MaxUriLength} characters";
        }
        else if (value.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            problem = "must not contain whitespace or control characters";
        }
        else if (value.Contains('\\', StringComparison.Ordinal))
        {
            // Uri silently turns a backslash into '/', so the host the dispatcher dials could differ from the one shown.
            problem = "must not contain '\\'";
        }
        else if (!Uri.TryCreate(value, UriKind.Absolute, out var uri)
                 || !(value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
        {
            // The prefix is checked on the raw text: on Unix, Uri turns "/x" into file:///x.
            problem = "must be an absolute http or https URL";
        }
        else if (RawAuthority(value).Contains('@', StringComparison.Ordinal))
        {
            problem = "must not contain user information (credentials belong in a secret, not in the URL)";
        }
        else if (uri.Host.Length == 0)
        {
            problem = "must have a host";
        }

        if (problem is not null)
        {
            errors.Add(path, $"{problem} (got {ErrorList.Quote(value)})");
        }
    }

    /// <summary>The text between "://" and the path, read from the input rather than from Uri, which normalizes.</summary>
    private static string RawAuthority(string value)
    {
        var start = value.IndexOf("://", StringComparison.Ordinal) + 3;
        var end = value.IndexOfAny(['/', '?', '#'], start);
        return end < 0 ? value[start..] : value[start..end];
    }
}
