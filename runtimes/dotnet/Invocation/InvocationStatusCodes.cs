namespace Serverless.Runtime.Dotnet.Invocation;

internal static class InvocationStatusCodes
{
    /// <summary>nginx's "client closed request": the metric label when the caller went away before the answer.</summary>
    public const int ClientClosedRequest = 499;
}
