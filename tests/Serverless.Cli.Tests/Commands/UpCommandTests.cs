namespace Serverless.Cli.Tests.Commands;

public sealed class UpCommandTests : CommandTestBase
{
    [Fact]
    public async Task Up_AlreadyRunning_SaysSoWithUrlsAndExits0()
    {
        var result = await Cli.RunAsync("up", "--detach");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"the local platform is already running (pid {Environment.ProcessId})", result.Out, StringComparison.Ordinal);
        Assert.Contains("admin:   " + Api.Url.AbsoluteUri.TrimEnd('/'), result.Out, StringComparison.Ordinal);
        Assert.Single(Api.Requests, r => r.Path == "/readyz");
    }
}
