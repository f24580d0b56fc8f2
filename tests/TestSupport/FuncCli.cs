namespace Serverless.TestSupport;

/// <summary>Runs the built <c>func</c> CLI as a real process against a given state directory.</summary>
public sealed class FuncCli
{
    private readonly Dictionary<string, string?> _environment;

    public FuncCli(string home, IReadOnlyDictionary<string, string?>? environment = null)
    {
        Home = home;
        _environment = new Dictionary<string, string?>(environment ?? new Dictionary<string, string?>())
        {
            ["SERVERLESS_HOME"] = home,
            ["NO_COLOR"] = "1",
        };
    }

    public string Home { get; }

    public Task<ProcessRunner.Result> RunAsync(params string[] arguments) => RunAsync(TimeSpan.FromMinutes(3), arguments);

    public Task<ProcessRunner.Result> RunAsync(TimeSpan timeout, params string[] arguments) =>
        ProcessRunner.RunAsync("dotnet", [RepoPaths.Built("func", "func.dll"), .. arguments], _environment, RepoPaths.Root, timeout);
}
