using System.Text.Json;
using Serverless.Cli.App;
using Serverless.Cli.Commands;
using Serverless.Cli.Output;
using Serverless.Cli.Targets;
using Serverless.TestSupport;

namespace Serverless.Cli.Tests.Fakes;

/// <summary>Runs <c>func</c> in-process through its parser against a temp home, capturing stdout, stderr and raw body bytes.</summary>
internal sealed class CliHarness : IDisposable
{
    private readonly TempDirectory _home = new("func-cli-home");
    private readonly SocketsHttpHandler _handler = new();

    public string Home => _home.Path;

    public Dictionary<string, string> Environment { get; } = [];

    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>A platform.json naming a live pid (this test process) and the fake's URLs, as a ready platform writes it.</summary>
    public void PointAt(Uri adminUrl, Uri? ingressUrl = null, int? pid = null, bool? sandbox = null, IReadOnlyDictionary<string, int>? pool = null)
    {
        var state = new Dictionary<string, object?>
        {
            ["pid"] = pid ?? System.Environment.ProcessId,
            ["adminUrl"] = adminUrl.AbsoluteUri.TrimEnd('/'),
            ["ingressUrl"] = (ingressUrl ?? adminUrl).AbsoluteUri.TrimEnd('/'),
            ["home"] = Home,
            ["startedAt"] = "2026-01-01T00:00:00Z",
        };
        if (sandbox is not null)
        {
            state["sandbox"] = sandbox;
        }

        if (pool is not null)
        {
            state["pool"] = pool;
        }

        File.WriteAllText(Path.Combine(Home, "platform.json"), JsonSerializer.Serialize(state));
    }

    public async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var raw = new MemoryStream();
        var context = new CliContext
        {
            Home = Home,
            Console = CliConsole.Plain(output, error, raw),
            HttpHandler = _handler,
            Environment = name => Environment.GetValueOrDefault(name),
            Time = Time,
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var code = await CliApp.RunAsync(args, context, new FunctionTargets(kubernetes: null), timeout.Token);
        return new CliResult(code, output.ToString(), error.ToString(), raw.ToArray());
    }

    public void Dispose()
    {
        _handler.Dispose();
        _home.Dispose();
    }
}
