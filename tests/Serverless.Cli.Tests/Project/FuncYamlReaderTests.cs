using Serverless.Cli.Project;
using Serverless.Core.Api;
using Serverless.TestSupport;

namespace Serverless.Cli.Tests.Project;

public sealed class FuncYamlReaderTests
{
    private const string File = "/fn/func.yaml";

    [Fact]
    public void Parse_EveryField_MapsToProject()
    {
        var project = FuncYamlReader.Parse(
            """
            name: hello-dotnet
            namespace: team-a
            runtime: dotnet
            handler: HelloDotnet::HelloDotnet.Handler::Handle
            image: registry.local/hello:1
            env:
              - name: GREETING
                value: hi
              - name: COUNT
                value: 3
              - name: EMPTY
            scale:
              minScale: 1
              maxScale: 5
              initialScale: 2
              target: 50
              targetUtilization: 0.8
              containerConcurrency: 10
              scaleToZeroGracePeriodSeconds: 60
              metric: rps
            timeoutSeconds: 30
            """,
            File);

        Assert.Equal("hello-dotnet", project.Name);
        Assert.Equal("team-a", project.Namespace);
        Assert.Equal(RuntimeNames.Dotnet, project.Runtime);
        Assert.Equal("HelloDotnet::HelloDotnet.Handler::Handle", project.Handler);
        Assert.Equal("registry.local/hello:1", project.Image);
        Assert.Equal([("GREETING", "hi"), ("COUNT", "3"), ("EMPTY", null)], project.Env.Select(e => (e.Name, e.Value)));
        var scale = Assert.IsType<ScaleSpec>(project.Scale);
        Assert.Equal((1, 5, 2, 50, 0.8, 10, 60, "rps"), (scale.MinScale, scale.MaxScale, scale.InitialScale, scale.Target, scale.TargetUtilization, scale.ContainerConcurrency, scale.ScaleToZeroGracePeriodSeconds, scale.Metric));
        Assert.Equal(30, project.TimeoutSeconds);
    }

    [Fact]
    public void Parse_AutoscalingKeys_ClassDelayActivationAndBurstCapacity()
    {
        var project = FuncYamlReader.Parse(
            """
            name: burner
            runtime: dotnet
            scale:
              class: hpa.autoscaling.knative.dev
              metric: cpu
              target: 70
              minScale: 1
              scaleDownDelaySeconds: 120
              activationScale: 2
              targetBurstCapacity: -1
            """,
            File);

        var scale = Assert.IsType<ScaleSpec>(project.Scale);
        Assert.Equal(("hpa.autoscaling.knative.dev", "cpu", 70, 120, 2, -1.0), (scale.Class, scale.Metric, scale.Target, scale.ScaleDownDelaySeconds, scale.ActivationScale, scale.TargetBurstCapacity));
    }

    [Theory]
    [InlineData("minimal", "name: a\nruntime: node\n")]
    [InlineData("null values are absent", "name: a\nruntime: python\nhandler: ~\nenv:\nscale: null\ntimeoutSeconds:\n")]
    [InlineData("comments and quoted strings", "# my function\nname: \"a\"\nruntime: 'node' # js\n")]
    [InlineData("flow mapping for scale", "name: a\nruntime: node\nscale: {minScale: 0, maxScale: 3}\n")]
    public void Parse_ValidFile_Succeeds(string label, string yaml)
    {
        var project = FuncYamlReader.Parse(yaml, File);

        Assert.True(project.Name == "a", label);
        Assert.Contains(project.Runtime, RuntimeNames.All);
    }

    [Theory]
    [InlineData("unknown top-level key", "name: a\nruntime: node\nreplicas: 3\n", "/fn/func.yaml:3: unknown key \"replicas\"")]
    [InlineData("unknown scale key (case typo)", "name: a\nruntime: node\nscale:\n  maxscale: 3\n", "/fn/func.yaml:4: unknown key \"scale.maxscale\"")]
    [InlineData("unknown env key", "name: a\nruntime: node\nenv:\n  - name: X\n    valu: 1\n", "/fn/func.yaml:5: unknown key \"env[0].valu\"")]
    [InlineData("integer expected", "name: a\nruntime: node\nscale:\n  maxScale: many\n", "/fn/func.yaml:4: scale.maxScale must be an integer (got \"many\")")]
    [InlineData("quoted number is a string", "name: a\nruntime: node\ntimeoutSeconds: \"30\"\n", "timeoutSeconds must be an integer (got the quoted string \"30\")")]
    [InlineData("fraction for an integer", "name: a\nruntime: node\nscale:\n  target: 1.5\n", "scale.target must be an integer (got \"1.5\")")]
    [InlineData("number expected", "name: a\nruntime: node\nscale:\n  targetUtilization: high\n", "scale.targetUtilization must be a number (got \"high\")")]
    [InlineData("string expected, list given", "name: [a, b]\nruntime: node\n", "/fn/func.yaml:1: name must be a string")]
    [InlineData("env must be a list", "name: a\nruntime: node\nenv:\n  X: 1\n", "/fn/func.yaml:4: env must be a list")]
    [InlineData("env entry needs a name", "name: a\nruntime: node\nenv:\n  - value: 1\n", "env[0].name is required")]
    [InlineData("scale must be a mapping", "name: a\nruntime: node\nscale: 3\n", "scale must be a mapping")]
    [InlineData("missing name", "runtime: node\n", "/fn/func.yaml: name is required")]
    [InlineData("missing runtime", "name: a\n", "/fn/func.yaml: runtime is required (one of dotnet, node, python)")]
    [InlineData("unsupported runtime", "name: a\nruntime: ruby\n", "/fn/func.yaml:2: runtime must be one of dotnet, node, python (got \"ruby\")")]
    [InlineData("name not a DNS label", "name: Hello_World\nruntime: node\n", "/fn/func.yaml:1: name a lowercase RFC 1123 label")]
    [InlineData("namespace not a DNS label", "name: a\nnamespace: -x\nruntime: node\n", "/fn/func.yaml:2: namespace a lowercase RFC 1123 label")]
    [InlineData("top level is a list", "- name: a\n", "must be a mapping")]
    [InlineData("not YAML", "name: a\n  runtime: [node\n", "/fn/func.yaml:")]
    [InlineData("duplicate key", "name: a\nname: b\nruntime: node\n", "/fn/func.yaml:")]
    public void Parse_InvalidFile_ReportsTheProblemWithFileAndLine(string label, string yaml, string expected)
    {
        var ex = Assert.Throws<FuncYamlException>(() => FuncYamlReader.Parse(yaml, File));

        Assert.True(ex.Errors.Any(e => e.Contains(expected, StringComparison.Ordinal)), $"{label}: no error contains '{expected}' in [{string.Join(" | ", ex.Errors)}]");
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsAllAtOnce()
    {
        var ex = Assert.Throws<FuncYamlException>(() => FuncYamlReader.Parse("replicas: 1\nscale:\n  maxScale: x\n  bogus: 1\n", File));

        Assert.Equal(5, ex.Errors.Count);
        Assert.Contains(ex.Errors, e => e.Contains("unknown key \"replicas\"", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("unknown key \"scale.bogus\"", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("scale.maxScale must be an integer", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("name is required", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("runtime is required", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    public void Parse_EmptyFile_SaysWhatIsNeeded(string yaml)
    {
        var ex = Assert.Throws<FuncYamlException>(() => FuncYamlReader.Parse(yaml, File));

        Assert.Equal("/fn/func.yaml is empty", ex.Message);
        Assert.Contains("name", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadDirectory_NoFuncYaml_SaysHowToFixIt()
    {
        using var dir = new TempDirectory();

        var ex = Assert.Throws<FuncYamlException>(() => FuncYamlReader.ReadDirectory(dir.Path));

        Assert.Equal($"no func.yaml in {dir.Path}: run `func create` or pass the function's directory", ex.Message);
    }

    [Fact]
    public void ReadDirectory_FuncYamlPresent_ReadsIt()
    {
        using var dir = new TempDirectory();
        System.IO.File.WriteAllText(Path.Combine(dir.Path, "func.yaml"), "name: hello-dotnet\nruntime: dotnet\nhandler: HelloDotnet::HelloDotnet.Handler::Handle\n");

        var project = FuncYamlReader.ReadDirectory(dir.Path);

        Assert.Equal(("hello-dotnet", "dotnet", "HelloDotnet::HelloDotnet.Handler::Handle"), (project.Name, project.Runtime, project.Handler));
    }
}
