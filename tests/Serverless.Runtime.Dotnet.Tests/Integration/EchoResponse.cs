namespace Serverless.Runtime.Dotnet.Tests.Integration;

/// <summary>What the test function's Echo handler answers (camelCase JSON).</summary>
internal sealed record EchoResponse(
    string Method,
    string Path,
    string QueryString,
    Dictionary<string, string> Query,
    Dictionary<string, string> Headers,
    string Body);
