namespace Serverless.Core.Validation;

/// <summary>
/// The environment variables the platform sets for a function's runtime: a user value would break or redirect the
/// function, or be overwritten without a word, so <c>spec.env</c>, <c>func config env set</c> and the CRD's rule
/// refuse them alike. The K_ names are Knative's, reserved as Knative reserves them.
/// </summary>
public static class ReservedEnvironment
{
    public static readonly IReadOnlyList<string> Names =
        ["PORT", "HOST", "FUNCTION_PATH", "HANDLER", "CONTAINER_CONCURRENCY", "FUNCTION_TIMEOUT", "INSTANCE_ID", "K_SERVICE", "K_CONFIGURATION", "K_REVISION", "PLATFORM_PORT", "FUNCTION_NAMESPACE"];

    /// <summary>Every name with this prefix is the platform's own.</summary>
    public const string Prefix = "SERVERLESS_";

    public static bool IsReserved(string name) =>
        Names.Contains(name, StringComparer.Ordinal) || name.StartsWith(Prefix, StringComparison.Ordinal);
}
