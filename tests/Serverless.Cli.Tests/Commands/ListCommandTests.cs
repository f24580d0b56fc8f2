using Serverless.Cli.Tests.Fakes;
using static Serverless.Cli.Tests.Fakes.TestFunctions;

namespace Serverless.Cli.Tests.Commands;

public sealed class ListCommandTests : CommandTestBase
{
    private static readonly DateTime Now = new(2026, 3, 10, 12, 0, 0, DateTimeKind.Utc);

    public ListCommandTests()
    {
        Cli.Time = new FixedTimeProvider(Now);
    }

    [Fact]
    public async Task List_PlainOutput_MatchesGolden()
    {
        Api.Seed(Function("hello-dotnet", WithRuntime("dotnet"), CreatedAt(Now.AddMinutes(-5)), WithReady("True", 1, 1, "http://127.0.0.1:8080/default/hello-dotnet/")));
        Api.Seed(Function("hello-node", CreatedAt(Now.AddDays(-3).AddHours(-4)), WithReady("Unknown", 0, 0)));
        Api.Seed(Function("other", InNamespace("team"), CreatedAt(Now.AddSeconds(-30))));

        var result = await Cli.RunAsync("list");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            """
            NAME           NAMESPACE   RUNTIME   READY     REPLICAS   URL                                           AGE
            hello-dotnet   default     dotnet    True      1/1        http://127.0.0.1:8080/default/hello-dotnet/   5m
            hello-node     default     node      Unknown   0/0        <none>                                        3d4h

            """.ReplaceLineEndings("\n"),
            result.Out.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task List_AllNamespaces_ListsEveryNamespaceSorted()
    {
        Api.Seed(Function("b", InNamespace("team"), CreatedAt(Now.AddSeconds(-30))));
        Api.Seed(Function("a", CreatedAt(Now.AddSeconds(-30))));

        var result = await Cli.RunAsync("list", "-A");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal(["NAME", "a", "b"], lines.Select(l => l.Split(' ')[0]));
        Assert.Contains(Api.Requests, r => r.Path == "/apis/serverless.dev/v1alpha1/functions");
    }

    [Fact]
    public async Task List_Empty_SaysSoOnStderrAndLeavesStdoutEmpty()
    {
        var result = await Cli.RunAsync("list", "-n", "team");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Contains("no functions found in namespace team", result.Error, StringComparison.Ordinal);
    }
}
