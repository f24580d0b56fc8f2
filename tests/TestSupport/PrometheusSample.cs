namespace Serverless.TestSupport;

public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
