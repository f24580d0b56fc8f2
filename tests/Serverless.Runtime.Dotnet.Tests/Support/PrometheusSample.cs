namespace Serverless.Runtime.Dotnet.Tests.Support;

internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
