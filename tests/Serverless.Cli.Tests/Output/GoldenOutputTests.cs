using Serverless.Cli.Tests.Commands;
using Serverless.Cli.Tests.Fakes;
using static Serverless.Cli.Tests.Fakes.TestFunctions;

namespace Serverless.Cli.Tests.Output;

/// <summary>The table, JSON and YAML outputs of the read commands, against golden files.</summary>
public sealed class GoldenOutputTests : CommandTestBase
{
    private static readonly DateTime Now = new(2026, 3, 10, 12, 0, 0, DateTimeKind.Utc);

    private const string Stats = """
        {"functions":[
          {"namespace":"team","name":"other","desiredInstances":0,"readyInstances":0,"inFlight":0,"requestsPerSecond":0,"queueDepth":0,"coldStartsLastMinute":0},
          {"namespace":"default","name":"hello-node","desiredInstances":3,"readyInstances":2,"inFlight":17,"requestsPerSecond":412.5,"queueDepth":4,"coldStartsLastMinute":1}
        ]}
        """;

    public GoldenOutputTests()
    {
        Cli.Time = new FixedTimeProvider(Now);
    }

    [Theory]
    [InlineData("list.txt", new[] { "list", "-A" })]
    [InlineData("list.json", new[] { "list", "-A", "-o", "json" })]
    [InlineData("list.yaml", new[] { "list", "-A", "--output", "yaml" })]
    [InlineData("describe.txt", new[] { "describe", "hello-dotnet" })]
    [InlineData("describe.json", new[] { "describe", "hello-dotnet", "-o", "json" })]
    [InlineData("describe.yaml", new[] { "describe", "hello-dotnet", "-o", "yaml" })]
    [InlineData("top.txt", new[] { "top", "--once" })]
    [InlineData("top-team.txt", new[] { "top", "--once", "-n", "team" })]
    [InlineData("top.json", new[] { "top", "--once", "-o", "json" })]
    [InlineData("top.yaml", new[] { "top", "--once", "-o", "yaml" })]
    public async Task ReadCommand_Output_MatchesGolden(string golden, string[] args)
    {
        Seed();

        var result = await Cli.RunAsync(args);

        Assert.True(result.ExitCode == 0, result.Error);
        GoldenFile.AssertMatches(golden, result.Out);
    }

    [Fact]
    public async Task List_EmptyJson_IsAnEmptyListNotANote()
    {
        var result = await Cli.RunAsync("list", "-o", "json");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"items\": []", result.Out, StringComparison.Ordinal);
    }

    private void Seed()
    {
        Api.StatsJson = Stats;
        Api.Seed(Function(
            "hello-dotnet",
            WithRuntime("dotnet"),
            CreatedAt(Now.AddMinutes(-5)),
            WithReady("True", 1, 1, "http://127.0.0.1:8080/default/hello-dotnet/"),
            f => f.Spec.Env = [new Core.Api.EnvVar { Name = "GREETING", Value = "hi" }],
            f => f.Spec.Scale = new Core.Api.ScaleSpec { MinScale = 0, MaxScale = 5, Target = 10 }));
        Api.Seed(Function("hello-node", CreatedAt(Now.AddDays(-3).AddHours(-4)), WithReady("Unknown", 0, 0)));
        Api.Seed(Function("other", InNamespace("team"), CreatedAt(Now.AddSeconds(-30))));
    }
}
