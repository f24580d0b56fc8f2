namespace Serverless.Cli.Tests.Fakes;

internal sealed record RecordedRequest(string Method, string Path, string Body, string? Authorization, string? ContentType);
