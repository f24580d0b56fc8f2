namespace Serverless.Cli.Build;

/// <summary>The <c>dotnet</c> executable to start the platform and builds with: the one running us, so versions agree.</summary>
internal static class DotnetHost
{
    public static string Resolve(Func<string, string?> environment)
    {
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        // Set by the dotnet CLI for the processes it starts (test hosts, MSBuild nodes).
        return environment("DOTNET_HOST_PATH") is { Length: > 0 } hostPath ? hostPath : "dotnet";
    }
}
