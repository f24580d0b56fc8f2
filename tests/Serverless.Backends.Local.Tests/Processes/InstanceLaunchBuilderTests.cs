using Serverless.Backends.Local.Processes;
using Serverless.Core.Contracts;

namespace Serverless.Backends.Local.Tests.Processes;

public sealed class InstanceLaunchBuilderTests
{
    private static readonly RuntimeCommand Command = new("python3", ["/rt/runtime.py", "--flag"]);

    private static readonly WorkloadSpec Spec = new()
    {
        Key = new FunctionKey("default", "hello"),
        Revision = "abc123",
        Runtime = "python",
        Handler = "main:handle",
        SourcePath = "/src/hello",
        Environment = [new("GREETING", "hi"), new("PORT", "1"), new("HOME", "/function-home")],
        TimeoutSeconds = 30,
        ContainerConcurrency = 8,
    };

    private static readonly InstancePorts Ports = new(4711, 4712);

    private static readonly Dictionary<string, string> Platform = new()
    {
        ["PATH"] = "/usr/bin",
        ["HOME"] = "/root",
        ["SERVERLESS_ADMIN_TOKEN"] = "secret",
        ["serverless_home"] = "/state",
        ["NOT_SERVERLESS_X"] = "kept",
        ["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = "1",
        ["AWS_SECRET_ACCESS_KEY"] = "secret",
        ["LANG"] = "C.UTF-8",
        ["LC_ALL"] = "C.UTF-8",
        ["TZ"] = "Europe/Paris",
    };

    [Theory]
    [InlineData("PATH", "/usr/bin")] // inherited
    [InlineData("NOT_SERVERLESS_X", null)] // an allow-list: nothing else of the platform's environment passes
    [InlineData("AWS_SECRET_ACCESS_KEY", null)]
    [InlineData("LANG", "C.UTF-8")]
    [InlineData("LC_ALL", "C.UTF-8")]
    [InlineData("TZ", "Europe/Paris")]
    [InlineData("SERVERLESS_ADMIN_TOKEN", null)] // platform secrets never reach function code
    [InlineData("serverless_home", null)]
    [InlineData("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", null)] // the proxy's tuning, unsafe for code that blocks
    [InlineData("GREETING", "hi")] // the function's env
    [InlineData("HOME", "/function-home")] // the function's env overrides the platform's
    [InlineData("PORT", "4711")] // the runtime contract overrides the function's env
    [InlineData("FUNCTION_PATH", "/src/hello")]
    [InlineData("HANDLER", "main:handle")]
    [InlineData("CONTAINER_CONCURRENCY", "8")]
    [InlineData("FUNCTION_TIMEOUT", "30")]
    [InlineData("INSTANCE_ID", "hello-abc123-1")]
    [InlineData("PLATFORM_PORT", "4712")] // issue #16: probes and metrics off the function's port
    [InlineData("K_SERVICE", "hello")] // issue #16: Knative's identity variables
    [InlineData("K_CONFIGURATION", "hello")]
    [InlineData("K_REVISION", "abc123")]
    [InlineData("FUNCTION_NAMESPACE", "default")]
    public void Build_Environment_Layered(string name, string? expected)
    {
        var launch = InstanceLaunchBuilder.Build(Spec, "/src/hello", "/usr/bin/python3", Command, Ports, "hello-abc123-1", Platform, setprivPath: null);

        Assert.Equal(expected, launch.Environment.GetValueOrDefault(name));
    }

    /// <summary>Knative's runtime contract: K_REVISION names the Revision; the content hash only where none was cut.</summary>
    [Theory]
    [InlineData("hello-00002", "hello-00002")]
    [InlineData(null, "abc123")]
    public void Build_KRevision_TheRevisionsNameElseTheContentHash(string? revisionName, string expected)
    {
        var spec = Spec with { Key = new FunctionKey("default", revisionName ?? "hello"), Function = "hello", RevisionName = revisionName };

        var launch = InstanceLaunchBuilder.Build(spec, "/src/hello", "/usr/bin/python3", Command, Ports, "hello-00002-abc123-1", Platform, setprivPath: null);

        Assert.Equal(expected, launch.Environment["K_REVISION"]);
        Assert.Equal("hello", launch.Environment["K_SERVICE"]);
        Assert.Equal(expected, InstanceLaunchBuilder.SpecializationEnvironment(spec, "/src/hello", "hello-00002-abc123-1")["K_REVISION"]);
    }

    [Fact]
    public void Build_WithSetpriv_WrapsCommandWithParentDeathSignal()
    {
        var launch = InstanceLaunchBuilder.Build(Spec, "/src/hello", "/usr/bin/python3", Command, Ports, "id", Platform, "/usr/bin/setpriv");

        Assert.Equal("/usr/bin/setpriv", launch.FileName);
        Assert.Equal(["--pdeathsig", "KILL", "--", "/usr/bin/python3", "/rt/runtime.py", "--flag"], launch.Arguments);
        Assert.Equal("/src/hello", launch.WorkingDirectory);
    }

    [Fact]
    public void Build_WithoutSetpriv_RunsCommandDirectly()
    {
        var launch = InstanceLaunchBuilder.Build(Spec, "/src/hello", "/usr/bin/python3", Command, Ports, "id", Platform, setprivPath: null);

        Assert.Equal("/usr/bin/python3", launch.FileName);
        Assert.Equal(["/rt/runtime.py", "--flag"], launch.Arguments);
    }

    [Theory]
    [InlineData("PATH", "/usr/bin")] // the same allow-list as a function's process
    [InlineData("HOME", "/root")]
    [InlineData("SERVERLESS_ADMIN_TOKEN", null)]
    [InlineData("AWS_SECRET_ACCESS_KEY", null)]
    [InlineData("PORT", "4711")]
    [InlineData("PLATFORM_PORT", "4712")]
    [InlineData("INSTANCE_ID", "pool-python-3")]
    [InlineData("FUNCTION_GENERIC", "1")]
    [InlineData("SPECIALIZE_TOKEN", "t0ken")]
    [InlineData("FUNCTION_PATH", null)] // no function yet: these come with the specialization
    [InlineData("HANDLER", null)]
    [InlineData("K_SERVICE", null)]
    [InlineData("GREETING", null)]
    public void BuildGeneric_Environment_NoFunctionYet(string name, string? expected)
    {
        var launch = InstanceLaunchBuilder.BuildGeneric("/state", "/usr/bin/python3", Command, Ports, "pool-python-3", "t0ken", Platform, "/usr/bin/setpriv", "/usr/bin/setsid");

        Assert.Equal(expected, launch.Environment.GetValueOrDefault(name));
        Assert.Equal("/usr/bin/setsid", launch.FileName);
        Assert.Equal(["/usr/bin/setpriv", "--pdeathsig", "KILL", "--", "/usr/bin/python3", "/rt/runtime.py", "--flag"], launch.Arguments);
    }

    [Theory]
    [InlineData("PATH", "/usr/bin")] // the same allow-list as unsandboxed
    [InlineData("HOME", "/home/function")] // the sandbox's home, not the platform's
    [InlineData("SERVERLESS_ADMIN_TOKEN", null)]
    [InlineData("serverless_home", null)]
    [InlineData("AWS_SECRET_ACCESS_KEY", null)]
    [InlineData("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", null)]
    [InlineData("PORT", "4711")]
    [InlineData("PLATFORM_PORT", "4712")]
    [InlineData("INSTANCE_ID", "pool-python-3")]
    [InlineData("FUNCTION_GENERIC", "1")]
    [InlineData("SPECIALIZE_TOKEN", "t0ken")]
    [InlineData("FUNCTION_PATH", null)] // no function yet: these come with the specialization
    [InlineData("HANDLER", null)]
    [InlineData("K_SERVICE", null)]
    [InlineData("GREETING", null)]
    public void BuildGenericSandboxed_Environment_NoFunctionAndNoPlatformSecret(string name, string? expected)
    {
        var layout = new Serverless.Backends.Local.Sandbox.SandboxLayout
        {
            BwrapPath = "/usr/bin/bwrap",
            SystemMounts = [],
            RuntimePaths = ["/rt"],
            ArtifactPath = "/state/pool-staging/pool-python-3",
            ArtifactMountPath = "/function",
            HiddenPaths = ["/state"],
        };

        var launch = InstanceLaunchBuilder.BuildGenericSandboxed(layout, "/usr/bin/python3", Command, Ports, "pool-python-3", "t0ken", Platform);

        Assert.Equal(expected, launch.Environment.GetValueOrDefault(name));
        Assert.True(launch.Sandboxed);
        Assert.Equal("/usr/bin/bwrap", launch.FileName);

        // The staging directory is the sandbox's function directory, read-only at /function, and its working directory.
        Assert.Contains("--ro-bind /state/pool-staging/pool-python-3 /function", string.Join(' ', launch.Arguments), StringComparison.Ordinal);
        Assert.Contains("--chdir /function", string.Join(' ', launch.Arguments), StringComparison.Ordinal);
        Assert.DoesNotContain("/state/pool-staging/pool-python-3 /state", string.Join(' ', launch.Arguments), StringComparison.Ordinal);
        Assert.Equal(["/usr/bin/python3", "/rt/runtime.py", "--flag"], launch.Arguments.SkipWhile(a => a != "--").Skip(1));
    }

    [Theory]
    [InlineData("GREETING", "hi")] // the function's env
    [InlineData("HOME", "/function-home")] // which may set HOME, as in its own process
    [InlineData("K_SERVICE", "hello")]
    [InlineData("K_REVISION", "abc123")]
    [InlineData("FUNCTION_NAMESPACE", "default")]
    [InlineData("CONTAINER_CONCURRENCY", "8")]
    [InlineData("FUNCTION_TIMEOUT", "30")]
    [InlineData("PORT", null)] // the process keeps its own ports and id; path and handler travel apart
    [InlineData("PLATFORM_PORT", null)]
    [InlineData("INSTANCE_ID", null)]
    [InlineData("FUNCTION_PATH", null)]
    [InlineData("HANDLER", null)]
    [InlineData("PATH", null)]
    public void SpecializationEnvironment_TheFunctionsVariables(string name, string? expected)
    {
        var environment = InstanceLaunchBuilder.SpecializationEnvironment(Spec, "/src/hello", "pool-python-3");

        Assert.Equal(expected, environment.GetValueOrDefault(name));
    }
}
