using System.Diagnostics;
using Serverless.TestSupport;

namespace Serverless.Cli.Tests.Integration;

/// <summary>The inner loop: <c>func run</c> without the platform, and <c>--watch</c> on run and deploy picking up a saved change.</summary>
[Collection(LocalPlatformCollection.Name)]
public sealed class RunAndWatchTests : IDisposable
{
    private readonly LocalPlatformFixture _platform;
    private readonly TempDirectory _work = new("func-cli-watch");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public RunAndWatchTests(LocalPlatformFixture platform)
    {
        _platform = platform;
    }

    public void Dispose()
    {
        _http.Dispose();
        _work.Dispose();
    }

    [Fact]
    public async Task Run_NoPlatform_ServesTheFunctionAndStopsOnSigterm()
    {
        using var home = new TempDirectory("func-cli-run-home"); // no platform.json here
        var dir = await CreateAsync("runner", "v1");

        await using var run = LongRunningCli.Start(home.Path, _work.Path, "run", dir);
        var url = Url(await run.WaitForLineAsync(l => l.Contains(" is running at ", StringComparison.Ordinal), TimeSpan.FromSeconds(60)));

        Assert.Equal("v1", await _http.GetStringAsync(url));
        Assert.Equal(0, await run.StopAsync());
        await Assert.ThrowsAsync<HttpRequestException>(() => _http.GetStringAsync(url));
    }

    [Fact]
    public async Task RunWatch_SavedChange_RestartsWithTheNewCode()
    {
        var dir = await CreateAsync("rewatched", "v1");
        await using var run = LongRunningCli.Start(_platform.Home, _work.Path, "run", dir, "--watch");
        var url = Url(await run.WaitForLineAsync(l => l.Contains(" is running at ", StringComparison.Ordinal), TimeSpan.FromSeconds(60)));
        Assert.Equal("v1", await _http.GetStringAsync(url));

        var saved = Stopwatch.StartNew();
        WriteHandler(dir, "v2");
        await run.WaitForLineAsync(l => l.Contains(" is running at ", StringComparison.Ordinal), TimeSpan.FromSeconds(30), count: 2);
        var restarted = saved.Elapsed;

        Assert.Equal("v2", await _http.GetStringAsync(url));
        // Generous: the machine is shared; the debounce itself (300 ms) is tested on virtual time.
        Assert.True(restarted < TimeSpan.FromSeconds(15), $"restarted {restarted} after the save");
        Assert.Equal(0, await run.StopAsync());
    }

    [Fact]
    public async Task DeployWatch_SavedChange_RedeploysWithinSeconds()
    {
        var dir = await CreateAsync("deploywatched", "v1");
        await using var watch = LongRunningCli.Start(_platform.Home, _work.Path, "deploy", dir, "--watch");
        await watch.WaitForLineAsync(l => l.Contains("is ready", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        await watch.WaitForLineAsync(l => l.Contains("watching", StringComparison.Ordinal), TimeSpan.FromSeconds(10), inStderr: true);

        var saved = Stopwatch.StartNew();
        WriteHandler(dir, "v2");
        await watch.WaitForLineAsync(l => l.Contains("is ready", StringComparison.Ordinal), TimeSpan.FromSeconds(60), count: 2);
        var redeployed = saved.Elapsed;

        var invoke = await _platform.Func.RunAsync("invoke", "deploywatched");
        Assert.Equal("v2", invoke.StdOut.Trim());
        Assert.True(redeployed < TimeSpan.FromSeconds(30), $"redeployed {redeployed} after the save");
        Assert.Equal(0, await watch.StopAsync());
    }

    private async Task<string> CreateAsync(string name, string answer)
    {
        var dir = Path.Combine(_work.Path, name);
        var create = await _platform.Func.RunAsync("create", "-l", "node", dir);
        Assert.True(create.ExitCode == 0, create.ToString());
        WriteHandler(dir, answer);
        return dir;
    }

    private static void WriteHandler(string dir, string answer) =>
        File.WriteAllText(Path.Combine(dir, "index.js"), $"exports.handle = async () => '{answer}';\n");

    private static string Url(string line) => line[line.IndexOf("http://", StringComparison.Ordinal)..].Split(' ')[0];
}
