using Serverless.TestSupport;

namespace Serverless.Runtime.Dotnet.Tests.Integration;

/// <summary>
/// Two functions built with <c>build: {native: true}</c> by the real <c>func build</c>, as a user would (copied out of
/// the repository first, so no Directory.Build.props applies): the <c>cloudevents</c> template (a static handler taking
/// and returning a CloudEvent) and tests/testassets/native-function (an instance handler with constructor injection).
/// About a minute of NativeAOT compiling each.
/// </summary>
public sealed class NativeFunctionsFixture : IAsyncLifetime
{
    public const string Template = "cloudevents";
    public const string Asset = "native-function";

    private static readonly TimeSpan BuildBound = TimeSpan.FromMinutes(6);

    private readonly TempDirectory _temp = new("rt-native");

    public string ArtifactPath(string function) => Path.Combine(_temp.Path, function, "out");

    public string Executable(string function) => Path.Combine(ArtifactPath(function), "serverless-function");

    public string SourcePath(string function) => Path.Combine(_temp.Path, function, "src");

    /// <summary>What <c>func build</c> printed for tests/testassets/native-function.</summary>
    public ProcessRunner.Result? AssetBuild { get; private set; }

    /// <summary>A second <c>func build</c> of it, nothing changed.</summary>
    public ProcessRunner.Result? AssetRebuild { get; private set; }

    public async Task InitializeAsync()
    {
        var func = new FuncCli(Path.Combine(_temp.Path, "home"));
        foreach (var (function, from) in new[]
        {
            (Template, Path.Combine(TemplatesFixture.TemplatesDirectory, Template)),
            (Asset, Path.Combine(RepoPaths.Root, "tests", "testassets", Asset)),
        })
        {
            var source = SourcePath(function);
            Directory.CreateDirectory(source);
            foreach (var file in Directory.EnumerateFiles(from))
            {
                var text = await File.ReadAllTextAsync(file);
                await File.WriteAllTextAsync(Path.Combine(source, Path.GetFileName(file)), text.Replace("{{name}}", "native-" + function, StringComparison.Ordinal));
            }

            if (function == Template)
            {
                await File.AppendAllTextAsync(Path.Combine(source, "func.yaml"), "build:\n  native: true\n");
            }

            var build = await func.RunAsync(BuildBound, "build", source, "--out", ArtifactPath(function));
            if (build.ExitCode != 0)
            {
                throw new InvalidOperationException($"func build {function} failed: {build}");
            }

            if (function == Asset)
            {
                AssetBuild = build;
                AssetRebuild = await func.RunAsync(BuildBound, "build", source);
            }
        }
    }

    public Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }
}
