using Serverless.Cli.Tests.Fakes;
using Serverless.Core.Api;
using static Serverless.Cli.Tests.Fakes.TestFunctions;

namespace Serverless.Cli.Tests.Commands;

public sealed class DescribeCommandTests : CommandTestBase
{
    [Fact]
    public async Task Describe_Function_SpecSummaryAndConditionsTable()
    {
        Cli.Time = new FixedTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 10, 1, TimeSpan.Zero));
        Api.FailWith = ("CrashLoop", "exited with code 1");
        Api.GetsUntilStatus = 1;
        Api.Seed(Function("hello", f =>
        {
            f.Spec.Handler = "index.js:handler";
            f.Spec.Scale = new ScaleSpec { MaxScale = 3, Metric = "rps" };
            f.Spec.Env = [new EnvVar { Name = "A", Value = "1" }];
            f.Metadata.Generation = 2;
        }));

        var result = await Cli.RunAsync("describe", "hello");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.ReplaceLineEndings("\n").Split('\n');
        Assert.Contains("Name:       hello", lines);
        Assert.Contains("Handler:    index.js:handler", lines);
        Assert.Contains("Ready:      False", lines);
        Assert.Contains("Replicas:   0/1 ready", lines);
        Assert.Contains("Generation: 2 (observed 2)", lines);
        Assert.Contains("Created:    2026-01-01T00:00:00Z (10m ago)", lines);
        Assert.Contains("Scale:      max 3, metric rps", lines);
        Assert.Contains("Env:        A=1", lines);
        Assert.Contains("TYPE            STATUS   REASON            AGE   MESSAGE", lines);
        Assert.Contains("Ready           False    CrashLoop         10m   exited with code 1", lines);
    }

    [Fact]
    public async Task Describe_Missing_NotFoundAndExits1()
    {
        var result = await Cli.RunAsync("describe", "ghost");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("function ghost not found in namespace default", result.Error, StringComparison.Ordinal);
    }
}
