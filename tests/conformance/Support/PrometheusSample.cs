namespace Serverless.Conformance.Tests.Support;

internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
