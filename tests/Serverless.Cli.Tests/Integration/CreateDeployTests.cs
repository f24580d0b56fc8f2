using System.Text.Json;
using Serverless.TestSupport;

namespace Serverless.Cli.Tests.Integration;

/// <summary>
/// The developer loop as real processes against a real local platform: a project created from each
/// template deploys and answers as is; <c>func.yaml</c> edits reach the deployed function.
/// </summary>
[Collection(LocalPlatformCollection.Name)]
public sealed class CreateDeployTests : IDisposable
{
    private static readonly TimeSpan Slow = TimeSpan.FromMinutes(4); // a C# deploy runs dotnet publish
    private readonly LocalPlatformFixture _platform;
    private readonly TempDirectory _work = new("func-cli-projects");

    public CreateDeployTests(LocalPlatformFixture platform)
    {
        _platform = platform;
    }

    public void Dispose() => _work.Dispose();

    [Theory]
    [InlineData("node")]
    [InlineData("python")]
    [InlineData("csharp")]
    public async Task CreateHttp_DeployAsIs_AnswersHello(string language)
    {
        var name = "http-" + language;
        var dir = Path.Combine(_work.Path, name);

        var create = await _platform.Func.RunAsync("create", "-l", language, dir);
        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.True(File.Exists(Path.Combine(dir, "func.yaml")), create.ToString());

        var deploy = await _platform.Func.RunAsync(Slow, "deploy", dir);
        Assert.True(deploy.ExitCode == 0, deploy.ToString());
        Assert.Contains($"function default/{name} is ready", deploy.StdOut, StringComparison.Ordinal);
        Assert.Contains($"{_platform.Platform.IngressUrl}/default/{name}/", deploy.StdOut, StringComparison.Ordinal);

        var invoke = await _platform.Func.RunAsync("invoke", name, "--path", "/?name=cli");
        Assert.True(invoke.ExitCode == 0, invoke.ToString());
        Assert.Contains("Hello, cli!", invoke.StdOut, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("node")]
    [InlineData("python")]
    [InlineData("csharp")]
    public async Task CreateCloudEvents_DeployAsIs_RepliesToAnEvent(string language)
    {
        var name = "ce-" + language;
        var dir = Path.Combine(_work.Path, name);
        Assert.Equal(0, (await _platform.Func.RunAsync("create", "-l", language, "-t", "cloudevents", dir)).ExitCode);
        var deploy = await _platform.Func.RunAsync(Slow, "deploy", dir);
        Assert.True(deploy.ExitCode == 0, deploy.ToString());

        var invoke = await _platform.Func.RunAsync("invoke", name, "--format", "cloudevent", "--type", "com.example.ping", "--source", "/tests", "-d", "{\"n\":42}");

        Assert.True(invoke.ExitCode == 0, invoke.ToString());
        using var reply = JsonDocument.Parse(invoke.StdOut);
        Assert.Equal(42, reply.RootElement.GetProperty("data").GetProperty("n").GetInt32());
        Assert.False(string.IsNullOrEmpty(reply.RootElement.GetProperty("original").GetString()));
    }

    [Fact]
    public async Task Create_NonEmptyDirectory_RefusesAndKeepsFiles()
    {
        var dir = Path.Combine(_work.Path, "taken");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "mine.txt"), "keep me");

        var result = await _platform.Func.RunAsync("create", "-l", "node", dir);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is not an empty directory", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(["mine.txt"], Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task ConfigEnvAndScale_ThenDeploy_FunctionSeesThem()
    {
        var dir = Path.Combine(_work.Path, "configured");
        Assert.Equal(0, (await _platform.Func.RunAsync("create", "-l", "node", dir)).ExitCode);
        File.WriteAllText(Path.Combine(dir, "index.js"), "exports.handle = async () => `greeting=${process.env.GREETING}`;\n");

        var set = await _platform.Func.RunAsync("config", "env", "set", "GREETING=hola", "UNUSED=1", "--path", dir);
        var unset = await _platform.Func.RunAsync("config", "env", "unset", "UNUSED", "-p", dir);
        var scale = await _platform.Func.RunAsync("config", "scale", "--min", "1", "--max", "3", "--target", "10", "-p", dir);
        Assert.True(set.ExitCode + unset.ExitCode + scale.ExitCode == 0, set + "\n" + unset + "\n" + scale);

        Assert.Equal(0, (await _platform.Func.RunAsync("deploy", dir)).ExitCode);
        var invoke = await _platform.Func.RunAsync("invoke", "configured");
        var describe = await _platform.Func.RunAsync("describe", "configured", "-o", "json");

        Assert.Equal("greeting=hola", invoke.StdOut.Trim());
        using var function = JsonDocument.Parse(describe.StdOut);
        var spec = function.RootElement.GetProperty("spec");
        Assert.Equal((1, 3, 10), (spec.GetProperty("scale").GetProperty("minScale").GetInt32(), spec.GetProperty("scale").GetProperty("maxScale").GetInt32(), spec.GetProperty("scale").GetProperty("target").GetInt32()));
        Assert.Equal(["GREETING"], spec.GetProperty("env").EnumerateArray().Select(e => e.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task DeployEnvFlag_OverridesFuncYaml()
    {
        var dir = Path.Combine(_work.Path, "flagged");
        Assert.Equal(0, (await _platform.Func.RunAsync("create", "-l", "node", dir)).ExitCode);
        File.WriteAllText(Path.Combine(dir, "index.js"), "exports.handle = async () => `mode=${process.env.MODE}`;\n");
        Assert.Equal(0, (await _platform.Func.RunAsync("config", "env", "set", "MODE=yaml", "-p", dir)).ExitCode);

        var deploy = await _platform.Func.RunAsync("deploy", dir, "--env", "MODE=flag", "--no-wait");
        Assert.True(deploy.ExitCode == 0, deploy.ToString());
        Assert.Contains("submitted", deploy.StdOut, StringComparison.Ordinal);
        var invoke = await _platform.Func.RunAsync("invoke", "flagged");

        Assert.Equal("mode=flag", invoke.StdOut.Trim());
    }

    [Fact]
    public async Task Build_NodeProject_PrintsDigestAndCopiesArtifact()
    {
        var dir = Path.Combine(_work.Path, "built");
        var output = Path.Combine(_work.Path, "built-artifact");
        Assert.Equal(0, (await _platform.Func.RunAsync("create", "-l", "node", dir)).ExitCode);

        var build = await _platform.Func.RunAsync("build", dir, "--out", output);

        Assert.True(build.ExitCode == 0, build.ToString());
        // index.js only: func.yaml describes the function to func and is not part of what runs (issue #20).
        Assert.Matches("built built: 1 files, digest [0-9a-f]{16}", build.StdOut);
        Assert.True(File.Exists(Path.Combine(output, "index.js")));
        Assert.False(File.Exists(Path.Combine(output, "func.yaml")));
    }
}
