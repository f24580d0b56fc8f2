using Serverless.Cli.App;
using Serverless.Cli.Build;
using Serverless.Cli.Project;
using Serverless.Core.Api;
using Serverless.TestSupport;

namespace Serverless.Cli.Tests.Build;

/// <summary>Runs the real <c>dotnet publish</c> on a tiny class library in a temp directory (outside the repo, so no repo-wide props apply).</summary>
public sealed class ArtifactBuilderTests
{
    private const string ProjectFile = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
          </PropertyGroup>
        </Project>
        """;

    private readonly ArtifactBuilder _builder = new(Environment.GetEnvironmentVariable);

    [Fact]
    public async Task PrepareAsync_DotnetProject_PublishesOutputWithStableDigest()
    {
        using var source = new TempDirectory("func-cli-dotnet");
        ArtifactFiles.Write(source.Path, ("Fn.csproj", ProjectFile), ("Handler.cs", "namespace Fn; public static class Handler { public static string Handle() => \"hi\"; }"));
        var project = Project("fn", RuntimeNames.Dotnet);

        string firstDigest;
        string publishDirectory;
        using (var first = await _builder.PrepareAsync(project, source.Path, CancellationToken.None))
        {
            Assert.Contains("Fn.dll", first.Entries.Select(e => e.RelativePath));
            Assert.DoesNotContain(first.Entries, e => e.RelativePath.StartsWith("obj/", StringComparison.Ordinal));
            firstDigest = first.Digest;
            publishDirectory = first.Root;
        }

        using var second = await _builder.PrepareAsync(project, source.Path, CancellationToken.None);

        Assert.False(Directory.Exists(publishDirectory), "the publish directory is removed on dispose");
        Assert.Equal(firstDigest, second.Digest);
    }

    [Fact]
    public async Task PrepareAsync_DotnetBuildError_FailsWithTheCompilerOutput()
    {
        using var source = new TempDirectory("func-cli-dotnet");
        ArtifactFiles.Write(source.Path, ("Fn.csproj", ProjectFile), ("Handler.cs", "namespace Fn; public static class Handler { oops }"));

        var ex = await Assert.ThrowsAsync<CliException>(() => _builder.PrepareAsync(Project("fn", RuntimeNames.Dotnet), source.Path, CancellationToken.None));

        Assert.StartsWith($"dotnet publish {source.Path} failed (exit code 1)", ex.Message, StringComparison.Ordinal);
        Assert.Contains(ex.Details, line => line.Contains("error CS", StringComparison.Ordinal));
        Assert.Contains("fix the build errors", ex.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RuntimeNames.Node)]
    [InlineData(RuntimeNames.Python)]
    public async Task PrepareAsync_ScriptRuntime_TheSourceDirectoryAsIs(string runtime)
    {
        using var source = new TempDirectory();
        ArtifactFiles.Write(source.Path, ("main.py", "def handle(): pass"), ("__pycache__/main.pyc", "x"), (".git/HEAD", "x"));

        using var artifact = await _builder.PrepareAsync(Project("fn", runtime), source.Path, CancellationToken.None);

        Assert.Equal(source.Path, artifact.Root);
        Assert.Equal(["main.py"], artifact.Entries.Select(e => e.RelativePath));
    }

    [Theory]
    [InlineData(RuntimeNames.Node)]
    [InlineData(RuntimeNames.Python)]
    public async Task PrepareAsync_OnlyFuncYamlOrReadmeChanged_SameDigest(string runtime)
    {
        using var source = new TempDirectory();
        ArtifactFiles.Write(source.Path, ("main.py", "def handle(): pass"), ("func.yaml", "name: fn\nscale:\n  maxScale: 2\n"), ("README.md", "# fn"), ("docs/README.md", "kept"));
        string digest;
        using (var first = await _builder.PrepareAsync(Project("fn", runtime), source.Path, CancellationToken.None))
        {
            Assert.Equal(["docs/README.md", "main.py"], first.Entries.Select(e => e.RelativePath));
            digest = first.Digest;
        }

        // A scale-only change and a README edit: nothing an instance runs, so no new artifact (no new ConfigMap).
        ArtifactFiles.Write(source.Path, ("func.yaml", "name: fn\nscale:\n  maxScale: 5\n"), ("README.md", "# fn, scaled"));
        using (var scaled = await _builder.PrepareAsync(Project("fn", runtime), source.Path, CancellationToken.None))
        {
            Assert.Equal(digest, scaled.Digest);
        }

        ArtifactFiles.Write(source.Path, ("main.py", "def handle(): return 1"));
        using var changed = await _builder.PrepareAsync(Project("fn", runtime), source.Path, CancellationToken.None);
        Assert.NotEqual(digest, changed.Digest);
    }

    private static FunctionProject Project(string name, string runtime) => new() { Name = name, Runtime = runtime };
}
