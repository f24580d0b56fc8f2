using System.Net;
using System.Text.Json;
using Serverless.TestSupport;

namespace Serverless.E2E.Tests;

/// <summary>
/// What a new user does from the README: start the platform, deploy the bundled example, call it;
/// then the platform dies hard (SIGKILL), comes back, and the function answers again from zero,
/// with no function process left behind at any point.
/// </summary>
public sealed class QuickStartTests : IDisposable
{
    private readonly TempDirectory _home = new("serverless-e2e");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };

    [Fact]
    public async Task DeployInvokeKillRestart_FunctionServesAgainAndNoProcessIsLeft()
    {
        var func = new FuncCli(_home.Path);
        var example = Path.Combine(RepoPaths.Examples, "hello-dotnet");

        var up = await func.RunAsync("up", "--detach", "--ingress", "127.0.0.1:0", "--admin", "127.0.0.1:0");
        Assert.True(up.ExitCode == 0, up.ToString());
        var firstPid = ReadState().Pid;

        var deploy = await func.RunAsync("deploy", example);
        Assert.True(deploy.ExitCode == 0, deploy.ToString());
        var url = deploy.StdOut.Split('\n').Select(l => l.Trim()).Last(l => l.StartsWith("http://", StringComparison.Ordinal));
        Assert.StartsWith(ReadState().IngressUrl + "/default/hello-dotnet/", url, StringComparison.Ordinal);

        using (var response = await _http.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Hello, world!", await response.Content.ReadAsStringAsync());
        }

        var instances = ProcessTree.Children(firstPid);
        Assert.NotEmpty(instances);

        // The README's default runs every instance in its sandbox: func status says so, and the instance is bubblewrap.
        var status = await func.RunAsync("status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Matches(@"Sandbox:\s+on\b", status.StdOut);
        Assert.Contains(instances, pid => File.ReadAllText($"/proc/{pid}/comm").Trim() == "bwrap");

        // SIGKILL: no shutdown code runs, so only the kernel's parent-death signal can stop the instances.
        Signals.Send(firstPid, Signals.SigKill);
        var leftBehind = await ProcessTree.WaitForExitAsync([firstPid, .. instances], TimeSpan.FromSeconds(15));
        Assert.Empty(leftBehind);

        var upAgain = await func.RunAsync("up", "--detach", "--ingress", "127.0.0.1:0", "--admin", "127.0.0.1:0");
        Assert.True(upAgain.ExitCode == 0, upAgain.ToString());
        var secondPid = ReadState().Pid;
        Assert.NotEqual(firstPid, secondPid);

        // minScale is 0: the restarted platform runs nothing until the first request wakes the function.
        var invoke = await func.RunAsync(TimeSpan.FromSeconds(90), "invoke", "hello-dotnet", "--path", "/?name=again");
        Assert.True(invoke.ExitCode == 0, invoke.ToString());
        Assert.Contains("Hello, again!", invoke.StdOut, StringComparison.Ordinal);

        var list = await func.RunAsync("list");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("hello-dotnet", list.StdOut, StringComparison.Ordinal);

        var secondInstances = ProcessTree.Children(secondPid);
        var down = await func.RunAsync("down");
        Assert.True(down.ExitCode == 0, down.ToString());
        Assert.Empty(await ProcessTree.WaitForExitAsync([secondPid, .. secondInstances], TimeSpan.FromSeconds(30)));
        Assert.False(File.Exists(Path.Combine(_home.Path, "platform.json")));
    }

    private (int Pid, string IngressUrl) ReadState()
    {
        using var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(_home.Path, "platform.json")));
        return (state.RootElement.GetProperty("pid").GetInt32(), state.RootElement.GetProperty("ingressUrl").GetString()!);
    }

    public void Dispose()
    {
        _http.Dispose();
        var statePath = Path.Combine(_home.Path, "platform.json");
        if (File.Exists(statePath))
        {
            try
            {
                using var state = JsonDocument.Parse(File.ReadAllText(statePath));
                Signals.Send(state.RootElement.GetProperty("pid").GetInt32(), Signals.SigKill);
            }
            catch (JsonException)
            {
            }
        }

        _home.Dispose();
    }
}
