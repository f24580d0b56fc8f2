namespace Serverless.Cli.Targets.Local;

/// <summary>Kubernetes Status reasons (metav1.StatusReason) the CLI acts on.</summary>
internal static class StatusReasons
{
    public const string NotFound = "NotFound";
    public const string AlreadyExists = "AlreadyExists";
    public const string Conflict = "Conflict";
    public const string Invalid = "Invalid";
}
