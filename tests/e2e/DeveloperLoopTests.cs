using System.Text.Json;
using Serverless.TestSupport;

namespace Serverless.E2E.Tests;

/// <summary>
/// The CLI's developer loop end to end, as a new user runs it: up, create, deploy, invoke, logs, top,
/// describe as JSON, delete, down. Only the real `func` process talks to the platform.
/// </summary>
public sealed class DeveloperLoopTests : IDisposable
{
    private readonly TempDirectory _home = new("serverless-e2e-loop");
    private readonly TempDirectory _work = new("serverless-e2e-project");

    [Fact]
    public async Task CreateDeployInvokeLogsTopDelete_EveryStepSucceeds()
    {
        var func = new FuncCli(_home.Path);
        var dir = Path.Combine(_work.Path, "greeter");
        try
        {
            Step.Ok(await func.RunAsync("up", "--detach", "--ingress", "127.0.0.1:0", "--admin", "127.0.0.1:0"));
            Step.Ok(await func.RunAsync("create", "-l", "python", dir));

            var deploy = Step.Ok(await func.RunAsync("deploy", dir));
            Assert.Contains("function default/greeter is ready", deploy.StdOut, StringComparison.Ordinal);

            var invoke = Step.Ok(await func.RunAsync("invoke", "greeter", "--path", "/?name=e2e"));
            Assert.Contains("Hello, e2e!", invoke.StdOut, StringComparison.Ordinal);

            var logs = Step.Ok(await func.RunAsync("logs", "greeter"));
            Assert.StartsWith("[greeter-", logs.StdOut, StringComparison.Ordinal);

            var top = Step.Ok(await func.RunAsync("top", "--once", "-o", "json"));
            using (var stats = JsonDocument.Parse(top.StdOut))
            {
                var greeter = stats.RootElement.GetProperty("functions").EnumerateArray().Single();
                Assert.Equal(1, greeter.GetProperty("readyInstances").GetInt32());
            }

            var describe = Step.Ok(await func.RunAsync("describe", "greeter", "-o", "json"));
            using (var function = JsonDocument.Parse(describe.StdOut))
            {
                Assert.Equal("python", function.RootElement.GetProperty("spec").GetProperty("runtime").GetString());
            }

            Step.Ok(await func.RunAsync("delete", "greeter"));
            var list = Step.Ok(await func.RunAsync("list", "-o", "json"));
            Assert.Contains("\"items\": []", list.StdOut, StringComparison.Ordinal);
        }
        finally
        {
            await func.RunAsync("down");
        }
    }

    public void Dispose()
    {
        _work.Dispose();
        _home.Dispose();
    }
}

internal static class Step
{
    /// <summary>Exit code 0, or the whole result in the failure message.</summary>
    public static ProcessRunner.Result Ok(ProcessRunner.Result result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
