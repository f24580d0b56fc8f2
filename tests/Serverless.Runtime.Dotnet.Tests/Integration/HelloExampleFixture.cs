using Serverless.Runtime.Dotnet.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Runtime.Dotnet.Tests.Integration;

/// <summary>examples/hello-dotnet published to a temporary directory, as a user's build would produce it.</summary>
public sealed class HelloExampleFixture : IAsyncLifetime
{
    private readonly TempDirectory _temp = new("rt-hello");

    public static string ExampleDirectory => Path.Combine(RepoPaths.Examples, "hello-dotnet");

    public string FunctionPath => Path.Combine(_temp.Path, "out");

    /// <summary>The handler as written in the example's func.yaml.</summary>
    public string Handler { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Handler = ReadHandler(Path.Combine(ExampleDirectory, "func.yaml"));
        await DotnetCli.PublishAsync(Path.Combine(ExampleDirectory, "HelloDotnet.csproj"), FunctionPath, Path.Combine(_temp.Path, "artifacts"));
    }

    public Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>The top-level <c>handler:</c> of a func.yaml; enough YAML for a file we wrote ourselves.</summary>
    private static string ReadHandler(string funcYaml)
    {
        const string key = "handler:";
        var line = File.ReadLines(funcYaml).Single(l => l.StartsWith(key, StringComparison.Ordinal));
        return line[key.Length..].Trim();
    }
}
