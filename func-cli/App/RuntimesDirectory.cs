namespace Serverless.Cli.App;

/// <summary>The install layout's <c>runtimes/</c> beside <c>func/</c>, or <c>SERVERLESS_RUNTIMES</c> when set.</summary>
internal static class RuntimesDirectory
{
    public const string Variable = "SERVERLESS_RUNTIMES";

    public static string Resolve(Func<string, string?> environment) =>
        environment(Variable) is { Length: > 0 } configured
            ? configured
            : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "runtimes"));
}
