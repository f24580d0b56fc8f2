using Serverless.Backends.Local.Processes;

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

        Assert.Equal(TimeSpan.FromMilliseconds(50), options.StartupProbeInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), options.ReadyProbeInterval);
        Assert.Equal(TimeSpan.FromSeconds(60), options.StartupTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.RestartBackoffBase);
        Assert.Equal(TimeSpan.FromSeconds(10), options.RestartBackoffMax);
        Assert.Equal(TimeSpan.FromSeconds(30), options.RestartBackoffResetAfter);
        Assert.Equal(4 * 1024 * 1024, options.LogFileMaxBytes);
        Assert.Equal(TimeSpan.FromSeconds(5), options.DrainGraceExtra);
        Assert.Equal("/usr/bin/setpriv", options.SetprivPath);
    }

    public static TheoryData<string, Action<LocalBackendOptions>, string> Invalid => new()
    {
        { "state missing", o => o.StateDirectory = " ", "StateDirectory is required" },
        { "zero interval", o => o.StartupProbeInterval = TimeSpan.Zero, "StartupProbeInterval = 00:00:00, must be greater than zero" },
        { "max below base", o => o.RestartBackoffMax = TimeSpan.FromMilliseconds(100), "RestartBackoffMax = 00:00:00.1000000, must be at least RestartBackoffBase (00:00:00.2000000)" },
        { "tiny log", o => o.LogFileMaxBytes = 10, "LogFileMaxBytes = 10, must be at least 1024" },
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
