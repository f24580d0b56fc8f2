namespace Serverless.Cli.Platform;

/// <summary>The platform's state directory: <c>$SERVERLESS_HOME</c>, else <c>~/.serverless</c>.</summary>
internal static class HomeDirectory
{
    public const string Variable = "SERVERLESS_HOME";
    public const string DefaultName = ".serverless";

    public static string Resolve(Func<string, string?> environment)
    {
        if (environment(Variable) is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured);
        }

        var user = environment("HOME") is { Length: > 0 } home
            ? home
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(user, DefaultName);
    }

    public static string Logs(string home) => Path.Combine(home, "logs");

    public static string PlatformLog(string home) => Path.Combine(Logs(home), "platform.log");
}
