using System.Net;
using Microsoft.Extensions.Logging;
using Serverless.Runtime.Dotnet.Configuration;

namespace Serverless.Runtime.Dotnet.Tests.Configuration;

public sealed class RuntimeSettingsParserTests
{
    private static readonly Dictionary<string, string> Minimal = new()
    {
        ["PORT"] = "8080",
        ["FUNCTION_PATH"] = "/srv/fn",
        ["HANDLER"] = "A::B::C",
    };

    [Fact]
    public void TryParse_MinimalEnvironment_AppliesDefaults()
    {
        Assert.True(RuntimeSettingsParser.TryParse(Lookup(Minimal), out var settings, out var errors), string.Join("; ", errors));

        Assert.Equal(8080, settings.Port);
        Assert.Equal(IPAddress.Parse("127.0.0.1"), settings.ListenAddress);
        Assert.Equal(Path.GetFullPath("/srv/fn"), settings.FunctionPath);
        Assert.Equal("A::B::C", settings.Handler);
        Assert.Equal(0, settings.ContainerConcurrency);
        Assert.Equal(TimeSpan.FromSeconds(300), settings.FunctionTimeout);
        Assert.Equal(32L * 1024 * 1024, settings.MaxRequestBodyBytes);
        Assert.Equal(LogLevel.Warning, settings.LogLevel);
        Assert.Null(settings.PlatformPort);
        Assert.Empty(settings.MetricLabels);
    }

    [Fact]
    public void TryParse_PlatformPortAndIdentity_ReadsThemAndLeavesBlankLabelsOut()
    {
        var environment = new Dictionary<string, string>(Minimal)
        {
            ["PLATFORM_PORT"] = "9091",
            ["K_SERVICE"] = "hello",
            ["K_REVISION"] = "abc",
            ["FUNCTION_NAMESPACE"] = " ",
        };

        Assert.True(RuntimeSettingsParser.TryParse(Lookup(environment), out var settings, out var errors), string.Join("; ", errors));

        Assert.Equal(9091, settings.PlatformPort);
        Assert.Equal(new Dictionary<string, string> { ["function"] = "hello", ["revision"] = "abc" }, settings.MetricLabels);
    }

    [Fact]
    public void TryParse_EverythingSet_ReadsEveryKey()
    {
        var environment = new Dictionary<string, string>(Minimal)
        {
            ["HOST"] = "0.0.0.0",
            ["CONTAINER_CONCURRENCY"] = "4",
            ["FUNCTION_TIMEOUT"] = "15",
            ["MAX_REQUEST_BODY_BYTES"] = "1024",
            ["LOG_LEVEL"] = "Debug",
        };

        Assert.True(RuntimeSettingsParser.TryParse(Lookup(environment), out var settings, out var errors), string.Join("; ", errors));

        Assert.Equal(IPAddress.Any, settings.ListenAddress);
        Assert.Equal(4, settings.ContainerConcurrency);
        Assert.Equal(TimeSpan.FromSeconds(15), settings.FunctionTimeout);
        Assert.Equal(1024, settings.MaxRequestBodyBytes);
        Assert.Equal(LogLevel.Debug, settings.LogLevel);
    }

    [Theory]
    [InlineData("HOST", "::", "::")]
    [InlineData("HOST", "::1", "::1")]
    [InlineData("HOST", "localhost", "127.0.0.1")]
    [InlineData("HOST", "10.1.2.3", "10.1.2.3")]
    public void TryParse_HostForms_ParsesAddress(string key, string value, string expected)
    {
        var environment = new Dictionary<string, string>(Minimal) { [key] = value };

        Assert.True(RuntimeSettingsParser.TryParse(Lookup(environment), out var settings, out var errors), string.Join("; ", errors));
        Assert.Equal(IPAddress.Parse(expected), settings.ListenAddress);
    }

    [Theory]
    [InlineData("PLATFORM_PORT", "0", "PLATFORM_PORT = \"0\", must be an integer in 1..65535")]
    [InlineData("PLATFORM_PORT", "8080", "PLATFORM_PORT = \"8080\", must differ from PORT")]
    [InlineData("PORT", null, "PORT is required")]
    [InlineData("PORT", "0", "PORT = \"0\", must be an integer in 1..65535")]
    [InlineData("PORT", "65536", "PORT = \"65536\", must be an integer in 1..65535")]
    [InlineData("PORT", "-1", "PORT = \"-1\", must be an integer in 1..65535")]
    [InlineData("PORT", "80a", "PORT = \"80a\"")]
    [InlineData("PORT", " 80", "PORT = \" 80\"")]
    [InlineData("HOST", "1", "HOST = \"1\", must be an IP address")]
    [InlineData("HOST", "example.com", "HOST = \"example.com\"")]
    [InlineData("FUNCTION_PATH", null, "FUNCTION_PATH is required")]
    [InlineData("FUNCTION_PATH", "  ", "FUNCTION_PATH is required")]
    [InlineData("HANDLER", null, "HANDLER is required")]
    [InlineData("CONTAINER_CONCURRENCY", "-1", "CONTAINER_CONCURRENCY = \"-1\", must be an integer in 0..")]
    [InlineData("CONTAINER_CONCURRENCY", "many", "CONTAINER_CONCURRENCY = \"many\"")]
    [InlineData("FUNCTION_TIMEOUT", "0", "FUNCTION_TIMEOUT = \"0\", must be an integer in 1..86400")]
    [InlineData("FUNCTION_TIMEOUT", "1.5", "FUNCTION_TIMEOUT = \"1.5\"")]
    [InlineData("FUNCTION_TIMEOUT", "99999999999", "FUNCTION_TIMEOUT = \"99999999999\"")]
    [InlineData("MAX_REQUEST_BODY_BYTES", "0", "MAX_REQUEST_BODY_BYTES = \"0\"")]
    [InlineData("MAX_REQUEST_BODY_BYTES", "1MB", "MAX_REQUEST_BODY_BYTES = \"1MB\"")]
    [InlineData("LOG_LEVEL", "loud", "LOG_LEVEL = \"loud\", must be one of")]
    [InlineData("LOG_LEVEL", "1", "LOG_LEVEL = \"1\"")]
    [InlineData("LOG_LEVEL", "Warning,Error", "LOG_LEVEL = \"Warning,Error\"")]
    public void TryParse_InvalidValue_FailsNamingKeyValueAndRange(string key, string? value, string expected)
    {
        var environment = new Dictionary<string, string>(Minimal);
        if (value is null)
        {
            environment.Remove(key);
        }
        else
        {
            environment[key] = value;
        }

        Assert.False(RuntimeSettingsParser.TryParse(Lookup(environment), out var settings, out var errors));
        Assert.Null(settings);
        var error = Assert.Single(errors);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_SeveralInvalidValues_ReportsEachOnce()
    {
        var environment = new Dictionary<string, string> { ["PORT"] = "x", ["FUNCTION_TIMEOUT"] = "-5" };

        Assert.False(RuntimeSettingsParser.TryParse(Lookup(environment), out _, out var errors));

        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("PORT", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("FUNCTION_PATH", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("HANDLER", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("FUNCTION_TIMEOUT", StringComparison.Ordinal));
    }

    [Fact]
    public void TryParse_ControlCharactersInValue_AreEscapedInTheError()
    {
        var environment = new Dictionary<string, string>(Minimal) { ["PORT"] = "80\nfake: line" };

        Assert.False(RuntimeSettingsParser.TryParse(Lookup(environment), out _, out var errors));

        var error = Assert.Single(errors);
        Assert.DoesNotContain('\n', error);
        Assert.Contains("80\\u000afake: line", error, StringComparison.Ordinal);
    }

    private static Func<string, string?> Lookup(IReadOnlyDictionary<string, string> environment) =>
        key => environment.TryGetValue(key, out var value) ? value : null;
}
