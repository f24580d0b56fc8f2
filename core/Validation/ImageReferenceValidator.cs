using System.Text.RegularExpressions;

namespace Serverless.Core.Validation;

/// <summary>
/// <c>spec.image</c>: a plausible OCI reference, <c>[registry[:port]/]repo/path[:tag][@sha256:hex]</c>, following the
/// distribution reference grammar with the repository path in lower case. Only sha256 digests are accepted.
/// </summary>
internal static partial class ImageReferenceValidator
{
    public const int MaxLength = 512;

    public static void Validate(string? image, FieldPath path, ErrorList errors)
    {
        if (image is null)
        {
            return;
        }

        if (image.Length == 0)
        {
            errors.Add(path, "must not be empty when set");
        }
        else if (image.Length > MaxLength)
        {
            errors.Add(path, $"must be no more than {MaxLength} characters (got {image.Length})");
        }
        else if (image.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            errors.Add(path, $"must not contain whitespace or control characters (got {ErrorList.Quote(image)})");
        }
        else if (!Reference().IsMatch(image))
        {
            errors.Add(path, $"must be an image reference such as registry.example.com/team/app:1.0 or app@sha256:<64 hex digits>, with a lower-case repository path (got {ErrorList.Quote(image)})");
        }
    }

    // registry: host components (any case, as the distribution grammar allows) with an optional port, then '/'.
    // path: lower-case components separated by '.', '_', '__' or dashes. tag: word character then up to 127 of [\w.-].
    [GeneratedRegex(
        @"^(?:(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])(?:\.(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]))*(?::[0-9]{1,5})?/)?" +
        @"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*" +
        @"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?" +
        @"(?:@sha256:[a-f0-9]{64})?\z",
        RegexOptions.CultureInvariant)]
    private static partial Regex Reference();
}
