using Serverless.Cli.Tests.Fakes;
using static Serverless.Cli.Tests.Fakes.TestFunctions;

namespace Serverless.Cli.Tests.Commands;

public sealed class StatusCommandTests : CommandTestBase
{
    [Fact]
    public async Task Status_Running_PrintsUrlsPidAndFunctionCount()
    {
        Cli.Time = new FixedTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 2, 0, TimeSpan.Zero));
        Api.Seed(Function("a"));
        Api.Seed(Function("b", InNamespace("team")));

        var result = await Cli.RunAsync("status");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.ReplaceLineEndings("\n").Split('\n');
        Assert.Contains("Status:    running", lines);
        Assert.Contains($"PID:       {Environment.ProcessId}", lines);
        Assert.Contains("Started:   2026-01-01T00:00:00Z (2m ago)", lines);
        Assert.Contains($"Admin API: {Api.Url.AbsoluteUri.TrimEnd('/')}", lines);
        Assert.Contains("Functions: 2", lines);
    }

    [Fact]
    public async Task Status_SandboxOff_ShowsItAndWarns()
    {
        Cli.PointAt(Api.Url, sandbox: false);

        var result = await Cli.RunAsync("status");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Sandbox:   OFF (func up --no-sandbox or config.json local.sandbox: false)", result.Out.ReplaceLineEndings("\n").Split('\n'));
        Assert.Contains("warning: the function sandbox is off", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_SandboxOn_SaysSoWithoutWarning()
    {
        Cli.PointAt(Api.Url, sandbox: true);

        var result = await Cli.RunAsync("status");

        Assert.Contains("Sandbox:   on", result.Out.ReplaceLineEndings("\n").Split('\n'));
        Assert.DoesNotContain("warning", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dotnet=1,node=1,python=1", "Warm pool: dotnet 1, node 1, python 1")]
    [InlineData("", "Warm pool: off (config.json local.pool-size 0)")]
    public async Task Status_Pool_ShowsTheSizePerRuntime(string sizes, string expected)
    {
        var pool = sizes.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')).ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
        Cli.PointAt(Api.Url, sandbox: true, pool: pool);

        var table = await Cli.RunAsync("status");
        var json = await Cli.RunAsync("status", "-o", "json");

        Assert.Contains(expected, table.Out.ReplaceLineEndings("\n").Split('\n'));
        Assert.Contains("\"pool\": {", json.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_Running_SaysWhereTheTokenComesFromNeverTheToken()
    {
        File.WriteAllText(Path.Combine(Cli.Home, "admin-token"), "generated-secret\n");

        var fromFile = await Cli.RunAsync("status");
        Cli.Environment["SERVERLESS_ADMIN_TOKEN"] = "env-secret";
        var fromVariable = await Cli.RunAsync("status", "-o", "json");

        Assert.Contains($"Token:     {Path.Combine(Cli.Home, "admin-token")}", fromFile.Out.ReplaceLineEndings("\n").Split('\n'));
        Assert.Contains("\"adminToken\": \"$SERVERLESS_ADMIN_TOKEN\"", fromVariable.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", fromFile.Out + fromVariable.Out, StringComparison.Ordinal);
    }
}
