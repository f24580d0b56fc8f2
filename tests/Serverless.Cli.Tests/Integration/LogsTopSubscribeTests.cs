using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Serverless.TestSupport;

namespace Serverless.Cli.Tests.Integration;

/// <summary><c>func logs</c>, <c>func top</c> and <c>func subscribe</c> against a real platform's new log, stats and Trigger APIs.</summary>
[Collection(LocalPlatformCollection.Name)]
public sealed class LogsTopSubscribeTests : IDisposable
{
    private readonly LocalPlatformFixture _platform;
    private readonly TempDirectory _work = new("func-cli-logs");

    public LogsTopSubscribeTests(LocalPlatformFixture platform)
    {
        _platform = platform;
    }

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Logs_SnapshotThenFollow_LinesPrefixedWithTheirInstance()
    {
        await DeployLoggerAsync("chatty");
        Assert.Equal(0, (await _platform.Func.RunAsync("invoke", "chatty", "--path", "/first")).ExitCode);

        var snapshot = await _platform.Func.RunAsync("logs", "chatty");
        Assert.True(snapshot.ExitCode == 0, snapshot.ToString());
        Assert.Matches(@"(?m)^\[chatty-[0-9a-z-]+\] \d{4}-\d\d-\d\dT[^ ]+Z stdout handled /first$", snapshot.StdOut);

        var tail = await _platform.Func.RunAsync("logs", "chatty", "--tail", "1");
        Assert.Single(tail.StdOut.TrimEnd('\n').Split('\n'));

        await using var follow = LongRunningCli.Start(_platform.Home, _work.Path, "logs", "chatty", "-f", "--tail", "0");
        // The stream is open once the snapshot (empty with --tail 0) is written; a request then shows up live.
        var sent = Stopwatch.StartNew();
        var line = string.Empty;
        for (var attempt = 0; attempt < 20 && line.Length == 0; attempt++)
        {
            Assert.Equal(0, (await _platform.Func.RunAsync("invoke", "chatty", "--path", "/live" + attempt)).ExitCode);
            try
            {
                line = await follow.WaitForLineAsync(l => l.Contains("stdout handled /live", StringComparison.Ordinal), TimeSpan.FromSeconds(3));
            }
            catch (TimeoutException) when (attempt < 19)
            {
                // The follower may not have been listening yet for this one: send another.
            }
        }

        Assert.StartsWith("[chatty-", line, StringComparison.Ordinal);
        Assert.True(sent.Elapsed < TimeSpan.FromSeconds(30), $"followed line after {sent.Elapsed}");
        Assert.Equal(0, await follow.StopAsync());
    }

    [Fact]
    public async Task TopOnce_Json_ShowsReadyInstances()
    {
        await DeployLoggerAsync("watched");

        var top = await _platform.Func.RunAsync("top", "--once", "-o", "json");

        Assert.True(top.ExitCode == 0, top.ToString());
        using var json = JsonDocument.Parse(top.StdOut);
        var entry = json.RootElement.GetProperty("functions").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "watched");
        Assert.Equal(("default", 1, 1), (entry.GetProperty("namespace").GetString(), entry.GetProperty("desiredInstances").GetInt32(), entry.GetProperty("readyInstances").GetInt32()));
        Assert.True(entry.TryGetProperty("coldStartsLastMinute", out _));
    }

    [Fact]
    public async Task Top_PlainMode_PrintsASnapshotEverySecondUntilStopped()
    {
        await DeployLoggerAsync("topped");

        await using var top = LongRunningCli.Start(_platform.Home, _work.Path, "top", "--plain");
        await top.WaitForLineAsync(l => l.StartsWith("NAMESPACE", StringComparison.Ordinal), TimeSpan.FromSeconds(15), count: 3);
        var exit = await top.StopAsync();

        Assert.Equal(0, exit);
        Assert.Matches(@"(?m)^default\s+topped\s+1\s+1\s+\d+\s+[\d.]+\s+\d+\s+\d+$", top.Output);
    }

    [Fact]
    public async Task Subscribe_SameFiltersTwice_OneTriggerReferencingTheFunction()
    {
        await DeployLoggerAsync("subscriber");

        var first = await _platform.Func.RunAsync("subscribe", "subscriber", "--broker", "default", "--filter", "type=com.example.created", "--filter", "source=/orders");
        var again = await _platform.Func.RunAsync("subscribe", "subscriber", "--filter", "source=/orders", "--filter", "type=com.example.created");
        var named = await _platform.Func.RunAsync("subscribe", "subscriber", "--name", "all-events");

        Assert.True(first.ExitCode + again.ExitCode + named.ExitCode == 0, first + "\n" + again + "\n" + named);
        using var http = _platform.Platform.CreateAdminClient();
        var list = await http.GetFromJsonAsync<JsonElement>("apis/serverless.dev/v1alpha1/namespaces/default/triggers");
        var triggers = list.GetProperty("items").EnumerateArray()
            .Where(t => t.GetProperty("spec").GetProperty("subscriber").GetProperty("ref").GetProperty("name").GetString() == "subscriber")
            .ToList();
        Assert.Equal(2, triggers.Count);
        var filtered = triggers.Single(t => t.GetProperty("metadata").GetProperty("name").GetString() != "all-events");
        Assert.Matches("^subscriber-[0-9a-f]{8}$", filtered.GetProperty("metadata").GetProperty("name").GetString());
        var attributes = filtered.GetProperty("spec").GetProperty("filter").GetProperty("attributes");
        Assert.Equal(("com.example.created", "/orders"), (attributes.GetProperty("type").GetString(), attributes.GetProperty("source").GetString()));
        Assert.Equal("Function", filtered.GetProperty("spec").GetProperty("subscriber").GetProperty("ref").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task InvokeBroker_SubscribedFunction_ReceivesTheEvent()
    {
        await DeployLoggerAsync("listener");
        var subscribe = await _platform.Func.RunAsync("subscribe", "listener", "--broker", "default", "--filter", "type=com.example.cli-sent");
        Assert.True(subscribe.ExitCode == 0, subscribe.ToString());

        var sent = await _platform.Func.RunAsync(
            "invoke", "--format", "cloudevent", "--broker", "default", "--type", "com.example.cli-sent", "--source", "/cli-test", "--data", "{\"n\":1}");
        Assert.True(sent.ExitCode == 0, sent.ToString());

        // Delivery is asynchronous (202 from the broker): the function logs the event when it arrives.
        var deadline = Stopwatch.StartNew();
        var logs = string.Empty;
        while (deadline.Elapsed < TimeSpan.FromSeconds(30) && !logs.Contains("event com.example.cli-sent", StringComparison.Ordinal))
        {
            await Task.Delay(200);
            logs = (await _platform.Func.RunAsync("logs", "listener")).StdOut;
        }

        Assert.Contains("event com.example.cli-sent from /cli-test", logs, StringComparison.Ordinal);
    }

    private async Task DeployLoggerAsync(string name)
    {
        var dir = Path.Combine(_work.Path, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "func.yaml"), $"name: {name}\nruntime: node\nscale:\n  minScale: 1\n");
        File.WriteAllText(Path.Combine(dir, "index.js"), "exports.handle = async (request) => {\n" +
            "  console.log(request.event ? `event ${request.event.type} from ${request.event.source}` : `handled ${request.path}`);\n" +
            "  return request.event ? undefined : 'ok';\n};\n");
        var deploy = await _platform.Func.RunAsync("deploy", dir);
        Assert.True(deploy.ExitCode == 0, deploy.ToString());
    }
}
