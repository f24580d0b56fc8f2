namespace Serverless.Core.Contracts;

/// <summary>The two types of a Kubernetes Event.</summary>
public static class EventTypes
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";
}
