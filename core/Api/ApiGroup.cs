namespace Serverless.Core.Api;

/// <summary>The API group and version of every resource the platform serves.</summary>
public static class ApiGroup
{
    public const string Group = "serverless.dev";
    public const string Version = "v1alpha1";
    public const string ApiVersion = Group + "/" + Version;
}
