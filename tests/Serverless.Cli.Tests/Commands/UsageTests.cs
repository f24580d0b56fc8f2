using Serverless.Cli.Tests.Fakes;

namespace Serverless.Cli.Tests.Commands;

public sealed class UsageTests
{
    public static TheoryData<string, string[], string> UsageErrors => new()
    {
        { "no command", [], "run `func --help`" },
        { "unknown command", ["bogus"], "run `func --help`" },
        { "unknown option", ["list", "--bogus"], "run `func list --help`" },
        { "unknown option where deploy takes a directory", ["deploy", "--bogus"], "unrecognized option --bogus" },
        { "missing argument", ["describe"], "run `func describe --help`" },
        { "bad output format", ["list", "-o", "xml"], "--output must be one of table, json, yaml" },
        { "bad language", ["create", "-l", "cobol", "x"], "cobol" },
        { "bad env assignment", ["config", "env", "set", "1X=2"], "is not a variable name" },
        { "reserved env", ["deploy", ".", "--env", "PORT=1"], "reserved by the platform" },
        { "bad filter", ["subscribe", "fn", "--filter", "Type=x"], "not a CloudEvents attribute name" },
        { "filter without value", ["subscribe", "fn", "--filter", "type"], "is not ATTRIBUTE=VALUE" },
        { "broker and name", ["invoke", "fn", "--broker", "default"], "give a function name or --broker, not both" },
        { "bad format", ["invoke", "fn", "--format", "grpc"], "grpc" },
        { "negative tail", ["logs", "fn", "--tail", "-1"], "--tail must be from 0 to 100000" },
        { "top json without once", ["top", "-o", "json"], "--output json|yaml needs --once" },
        { "bad utilization", ["config", "scale", "--utilization", "1.5"], "--utilization must be above 0 and at most 1" },
        { "negative scale", ["config", "scale", "--max", "-1"], "--max must be 0 or more" },
        { "unknown autoscaler class", ["config", "scale", "--class", "hpa"], "hpa" },
        { "burst capacity below -1", ["config", "scale", "--burst-capacity", "-2"], "--burst-capacity must be -1 or 0 or more" },
        { "invalid name", ["describe", "Not_A_Name"], "a lowercase RFC 1123 label" },
        { "invalid namespace", ["list", "-n", "UPPER"], "--namespace a lowercase RFC 1123 label" },
        { "both namespace flags", ["list", "-A", "-n", "team"], "give --namespace or --all-namespaces, not both" },
        { "invalid address", ["up", "--ingress", "127.0.0.1:99999"], "--ingress: \"127.0.0.1:99999\": the port must be a number from 0 to 65535" },
        { "zero timeout", ["deploy", ".", "--timeout", "0"], "--timeout must be a positive number of seconds" },
        { "non-numeric timeout", ["invoke", "x", "--timeout", "soon"], "soon" },
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public async Task Run_BadCommandLine_Exits2WithTheProblem(string label, string[] args, string expected)
    {
        using var cli = new CliHarness();

        var result = await cli.RunAsync(args);

        Assert.True(result.ExitCode == 2, $"{label}: exit {result.ExitCode}, stderr {result.Error}");
        Assert.True(result.Error.Contains(expected, StringComparison.Ordinal), $"{label}: {result.Error}");
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("deploy --help")]
    [InlineData("invoke -h")]
    public async Task Run_Help_Exits0WithUsage(string args)
    {
        using var cli = new CliHarness();

        var result = await cli.RunAsync(args.Split(' '));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.Out, StringComparison.Ordinal);
    }
}
