namespace Serverless.Cli.Tests.Fakes;

internal sealed record CliResult(int ExitCode, string Out, string Error, byte[] Raw);
