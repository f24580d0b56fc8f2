using Microsoft.Extensions.Configuration;
using Serverless.Backends.Local.Processes;
using Serverless.TestSupport;

namespace Serverless.Backends.Local.Tests.Processes;

public sealed class LocalBackendOptionsTests
{
    [Theory]
    [InlineData("dotnet", "dotnet", "/opt/rt/dotnet/Serverless.Runtime.Dotnet.dll")]
    [InlineData("node", "node", "/opt/rt/node/index.js")]
    [InlineData("python", "python3", "/opt/rt/python/runtime.py")]
    public void ResolveRuntimeCommands_RuntimesDirectory_Defaults(string runtime, string executable, string argument)
    {
        var options = new LocalBackendOptions { StateDirectory = "/state", RuntimesDirectory = "/opt/rt" };

        var command = options.ResolveRuntimeCommands()[runtime];

        Assert.Equal(executable, command.Executable);
        Assert.Equal([argument], command.Arguments);
    }

    [Fact]
    public void ResolveRuntimeCommands_Override_ReplacesOnlyThatRuntime()
    {
        var options = new LocalBackendOptions { StateDirectory = "/state", RuntimesDirectory = "/opt/rt" };
        options.Runtimes["python"] = new RuntimeCommand("/usr/bin/python3.12", ["/x/fake.py"]);
        options.Runtimes["ruby"] = new RuntimeCommand("ruby", ["/x/rt.rb"]);

        var table = options.ResolveRuntimeCommands();

        Assert.Equal("/usr/bin/python3.12", table["python"].Executable);
        Assert.Equal("ruby", table["ruby"].Executable);
        Assert.Equal("node", table["node"].Executable);
    }

    [Fact]
    public void Defaults_AsDocumented()
    {
        var options = new LocalBackendOptions();

        Assert.Equal(TimeSpan.FromMilliseconds(5), options.StartupProbeInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), options.ReadyProbeInterval);
        Assert.Equal(TimeSpan.FromSeconds(60), options.StartupTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.RestartBackoffBase);
        Assert.Equal(TimeSpan.FromSeconds(10), options.RestartBackoffMax);
        Assert.Equal(TimeSpan.FromSeconds(30), options.RestartBackoffResetAfter);
        Assert.Equal(4 * 1024 * 1024, options.LogFileMaxBytes);
        Assert.Equal(TimeSpan.FromSeconds(5), options.DrainGraceExtra);
        Assert.Equal("/usr/bin/setpriv", options.SetprivPath);
        Assert.Equal("/usr/bin/setsid", options.SetsidPath);
        Assert.True(options.Sandbox.Enabled);
        Assert.Equal("bwrap", options.Sandbox.BwrapPath);
        Assert.Equal((65532, 65532), (options.Sandbox.Uid, options.Sandbox.Gid));
        Assert.Equal(100, options.MaxInstances);
        Assert.Equal(4096, options.InstancePidsLimit);
        Assert.Equal(1, options.PoolSize);
        Assert.Equal(["dotnet", "node", "python"], options.PooledRuntimes.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Bind_SampleFile_EqualsDefaults()
    {
        var path = Path.Combine(RepoPaths.Root, "backends", "local", "local.sample.json");
        var configuration = new ConfigurationBuilder().AddJsonFile(path, optional: false).Build();

        var options = LocalBackendOptions.Bind(configuration.GetSection("local"));

        Assert.Equivalent(new LocalBackendOptions(), options, strict: true);
        Assert.Equal(8, configuration.GetSection("local").GetChildren().Count()); // every key is in the sample
    }

    [Fact]
    public void Bind_Keys_SetTheOptions()
    {
        var options = LocalBackendOptions.Bind(Section(
            ("sandbox", "false"), ("sandbox-uid", "1001"), ("sandbox-gid", "1002"), ("max-instances", "8"), ("instance-pids-limit", "0"), ("log-max-bytes", "64Ki"), ("pool-size", "0")));

        Assert.False(options.Sandbox.Enabled);
        Assert.Equal((1001, 1002), (options.Sandbox.Uid, options.Sandbox.Gid));
        Assert.Equal(8, options.MaxInstances);
        Assert.Equal(0, options.InstancePidsLimit);
        Assert.Equal(64 * 1024, options.LogFileMaxBytes);
        Assert.Equal(0, options.PoolSize);
    }

    [Fact]
    public void Bind_SourceRoots_AList()
    {
        var options = LocalBackendOptions.Bind(Section(("source-roots:0", "/srv/functions"), ("source-roots:1", "/home/me/code")));

        Assert.Equal(["/srv/functions", "/home/me/code"], options.SourceRoots);
    }

    [Theory]
    [InlineData("one string", "source-roots", "/srv/functions", "source-roots = /srv/functions, must be a list of absolute directories")]
    [InlineData("relative", "source-roots:0", "functions", "source-roots = functions, must be an absolute directory other than /")]
    [InlineData("everything", "source-roots:0", "/", "source-roots = /, must be an absolute directory other than /")]
    public void Bind_InvalidSourceRoots_ThrowsNamingTheKey(string label, string key, string value, string expected)
    {
        var e = Assert.Throws<InvalidOperationException>(() => LocalBackendOptions.Bind(Section((key, value))));

        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), $"{label}: {e.Message}");
    }

    [Theory]
    [InlineData("not a boolean", "sandbox", "off", "sandbox = off, must be true or false")]
    [InlineData("root again", "sandbox-uid", "0", "sandbox-uid = 0, must be greater than 0 (instances must not run as root)")]
    [InlineData("root group", "sandbox-gid", "0", "sandbox-gid = 0, must be greater than 0 (instances must not run in the root group)")]
    [InlineData("no instance at all", "max-instances", "0", "max-instances = 0, must be at least 1")]
    [InlineData("negative pids", "instance-pids-limit", "-1", "instance-pids-limit = -1, must be 0 (no limit) or more")]
    [InlineData("not a number", "max-instances", "many", "max-instances = many, must be a whole number")]
    [InlineData("tiny log", "log-max-bytes", "10", "log-max-bytes = 10, must be at least 1024")]
    [InlineData("negative pool", "pool-size", "-1", "pool-size = -1, must be 0 (no pool) to 100")]
    [InlineData("huge pool", "pool-size", "101", "pool-size = 101, must be 0 (no pool) to 100")]
    public void Bind_InvalidValue_ThrowsNamingKeyValueAndRange(string label, string key, string value, string expected)
    {
        var e = Assert.Throws<InvalidOperationException>(() => LocalBackendOptions.Bind(Section((key, value))));

        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), $"{label}: {e.Message}");
    }

    private static IConfigurationSection Section(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => KeyValuePair.Create<string, string?>("local:" + v.Key, v.Value)))
            .Build()
            .GetSection("local");

    public static TheoryData<string, Action<LocalBackendOptions>, string> Invalid => new()
    {
        { "state missing", o => o.StateDirectory = " ", "StateDirectory is required" },
        { "zero interval", o => o.StartupProbeInterval = TimeSpan.Zero, "StartupProbeInterval = 00:00:00, must be greater than zero" },
        { "max below base", o => o.RestartBackoffMax = TimeSpan.FromMilliseconds(100), "RestartBackoffMax = 00:00:00.1000000, must be at least RestartBackoffBase (00:00:00.2000000)" },
        { "tiny log", o => o.LogFileMaxBytes = 10, "log-max-bytes = 10, must be at least 1024" },
        { "negative grace", o => o.DrainGraceExtra = TimeSpan.FromSeconds(-1), "DrainGraceExtra = -00:00:01, must not be negative" },
        { "empty executable", o => o.Runtimes["python"] = new RuntimeCommand("", []), "Runtimes[python].Executable is empty" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Validate_InvalidSetting_NamesKeyValueAndRange(string label, Action<LocalBackendOptions> breakIt, string expected)
    {
        var options = new LocalBackendOptions { StateDirectory = "/state" };
        Assert.Empty(options.Validate());

        breakIt(options);

        Assert.True(options.Validate().Contains(expected), $"{label}: got [{string.Join("; ", options.Validate())}]");
    }
}
