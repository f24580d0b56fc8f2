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
        { "missing argument", ["invoke"], "run `func invoke --help`" },
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
