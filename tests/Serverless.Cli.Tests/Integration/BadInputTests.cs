using Serverless.TestSupport;

namespace Serverless.Cli.Tests.Integration;

/// <summary>Every error exits 1 (2 for usage) and says what to do next, against a real platform or none.</summary>
[Collection(LocalPlatformCollection.Name)]
public sealed class BadInputTests : IDisposable
{
    private readonly LocalPlatformFixture _platform;
    private readonly TempDirectory _work = new("func-cli-bad");

    public BadInputTests(LocalPlatformFixture platform)
    {
        _platform = platform;
    }

    public void Dispose() => _work.Dispose();

    public static TheoryData<string, string[], string, string> FunctionNotFound => new()
    {
        { "describe", ["describe", "nope"], "function nope not found in namespace default", "func list -A" },
        { "delete", ["delete", "nope", "-n", "team"], "function nope not found in namespace team", "func list -A" },
        { "logs", ["logs", "nope"], "function nope not found in namespace default", "func list -A" },
        { "subscribe", ["subscribe", "nope", "--filter", "type=x"], "function nope not found in namespace default", "func list -A" },
    };

    [Theory]
    [MemberData(nameof(FunctionNotFound))]
    public async Task Command_FunctionNotFound_Exit1WithNextStep(string label, string[] args, string message, string hint)
    {
        var result = await _platform.Func.RunAsync(args);

        Assert.True(result.ExitCode == 1, $"{label}: {result}");
        Assert.Contains("error: " + message, result.StdErr, StringComparison.Ordinal);
        Assert.Contains(hint, result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_NoFuncYaml_Exit1PointsToCreate()
    {
        var result = await _platform.Func.RunAsync("deploy", _work.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"no func.yaml in {_work.Path}: run `func create`", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_BadRuntimeAndUnknownKey_Exit1NamingBoth()
    {
        File.WriteAllText(Path.Combine(_work.Path, "func.yaml"), "name: bad\nruntime: cobol\nmaxscale: 3\n");

        var result = await _platform.Func.RunAsync("deploy", _work.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("runtime must be one of dotnet, node, python (got \"cobol\")", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("unknown key \"maxscale\"", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigScale_NoFuncYaml_Exit1()
    {
        var result = await _platform.Func.RunAsync("config", "scale", "--max", "2", "-p", _work.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no func.yaml", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kube_NoKubeconfig_Exit1WithAlternative()
    {
        var missing = Path.Combine(_work.Path, "no-kubeconfig");
        var func = new FuncCli(_platform.Home, new Dictionary<string, string?> { ["KUBECONFIG"] = missing });

        var result = await func.RunAsync("list", "--kube");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no kubeconfig at " + missing, result.StdErr, StringComparison.Ordinal);
        Assert.Contains("without --kube/--context", result.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("list")]
    [InlineData("top --once")]
    [InlineData("logs hello")]
    [InlineData("describe hello")]
    [InlineData("subscribe hello --filter type=x")]
    [InlineData("invoke hello")]
    [InlineData("invoke --broker default")]
    public async Task Command_PlatformDown_SaysRunFuncUp(string args)
    {
        using var empty = new TempDirectory("func-cli-nohome");

        var result = await new FuncCli(empty.Path).RunAsync(args.Split(' '));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("the local platform is not running: run `func up`", result.StdErr, StringComparison.Ordinal);
    }

    // Issue #14 item 18: an out-of-range number crashed func (exit 134), and usage hints named `func scale` and `func set`.
    [Theory]
    [InlineData("logs hello --tail 999999999999", "--tail: \"999999999999\" is not a whole number", "run `func logs --help` for usage")]
    [InlineData("config scale --min -5", "--min must be 0 or more", "run `func config scale --help` for usage")]
    [InlineData("config scale --utilization abc", "--utilization: \"abc\" is not a number", "run `func config scale --help` for usage")]
    [InlineData("config env set NOEQ", "\"NOEQ\" is not KEY=VALUE", "run `func config env set --help` for usage")]
    public async Task Command_BadOptionValue_ExitsTwoNamingTheOptionAndTheCommand(string args, string error, string hint)
    {
        using var empty = new TempDirectory("func-cli-badvalue");

        var result = await new FuncCli(empty.Path).RunAsync(args.Split(' '));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(error, result.StdErr, StringComparison.Ordinal);
        Assert.Contains(hint, result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.StdErr, StringComparison.Ordinal);
    }
}
