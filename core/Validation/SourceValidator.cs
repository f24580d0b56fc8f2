using Serverless.Core.Api;
using Serverless.Core.Naming;

namespace Serverless.Core.Validation;

/// <summary>
/// <c>spec.source</c>. The path becomes a runtime's <c>FUNCTION_PATH</c> and a working directory, so it must be
/// absolute and already normalized: a path that means exactly what it says, with nothing for a later
/// <c>Path.GetFullPath</c> to reinterpret.
/// </summary>
internal static class SourceValidator
{
    /// <summary>Linux PATH_MAX.</summary>
    public const int MaxPathLength = 4096;

    public static void Validate(FunctionSource? source, bool imageSet, FieldPath path, ErrorList errors)
    {
        var hasPath = source?.Path is not null;
        var hasConfigMap = source?.ConfigMap is not null;
        if (hasPath && hasConfigMap)
        {
            errors.Add(path, "must set exactly one of path or configMap, not both");
        }
        else if (!hasPath && !hasConfigMap && !imageSet)
        {
            errors.Add(path, "must set one of path or configMap (or set spec.image)");
        }

        if (source?.Path is { } sourcePath)
        {
            ValidatePath(sourcePath, path.Child("path"), errors);
        }

        if (source?.ConfigMap is { } configMap && !Names.IsDns1123Subdomain(configMap))
        {
            errors.Add(path.Child("configMap"), Names.Dns1123SubdomainError(configMap));
        }
    }

    private static void ValidatePath(string value, FieldPath path, ErrorList errors)
    {
        string? problem = null;
        if (value.Length == 0)
        {
            problem = "must not be empty";
        }
        else if (value.Length > MaxPathLength)
        {
            problem = $"must be no more than {MaxPathLength} characters (got {value.Length})";
        }
        else if (value.Any(char.IsControl))
        {
            problem = "must not contain control characters or NUL";
        }
        else if (value[0] != '/')
        {
            problem = "must be an absolute path";
        }
        else if (value == "/")
        {
            problem = "must not be the root directory";
        }
        else if (value.EndsWith('/'))
        {
            problem = "must not end with '/'";
        }
        else if (value[1..].Split('/').Any(segment => segment is "" or "." or ".."))
        {
            problem = "must be normalized: no empty, '.' or '..' segments";
        }

        if (problem is not null)
        {
            errors.Add(path, $"{problem} (got {ErrorList.Quote(value)})");
        }
    }
}
