using System.Diagnostics;
using System.Net;
using Serverless.Runtime.Dotnet.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Runtime.Dotnet.Tests.Integration;

public sealed class RuntimeLifecycleTests
{
    private const int SigInt = 2;

    [Fact]
    public async Task Sigterm_RequestInFlight_ReadinessTurns503ThenRequestCompletesAndExitZero()
    {
        await using var runtime = await RuntimeProcess.StartTestHandlerReadyAsync("Slow", ("FUNCTION_TIMEOUT", "30"));
        var slow = runtime.Client.GetAsync("?ms=3000");
        await runtime.WaitForMetricsAsync(s => s.Value("serverless_runtime_in_flight") == 1);

        runtime.Terminate();
        var readiness = await WaitForReadinessAsync(runtime, HttpStatusCode.ServiceUnavailable);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, readiness);
        Assert.False(slow.IsCompleted, "readiness must turn 503 while the request is still in flight");
        using var response = await slow.WaitAsync(Bounds.Request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("slept 3000", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, await runtime.WaitForExitAsync(Bounds.Exit));
    }

    [Fact]
    public async Task Sigterm_NothingInFlight_ExitsZeroWithoutWaitingForTheTimeout()
    {
        // FUNCTION_TIMEOUT bounds the drain; with nothing in flight the runtime must not wait for it.
        await using var runtime = await RuntimeProcess.StartTestHandlerReadyAsync("Echo", ("FUNCTION_TIMEOUT", "120"));
        using (var warm = await runtime.Client.GetAsync("warm"))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        var clock = Stopwatch.StartNew();
        runtime.Terminate();
        var exitCode = await runtime.WaitForExitAsync(Bounds.Exit);

        Assert.Equal(0, exitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"exit took {clock.Elapsed}");
    }

    /// <summary>Issue #21: without the generic host's console lifetime, the runtime itself turns SIGINT into a graceful stop.</summary>
    [Fact]
    public async Task Sigint_NothingInFlight_ExitsZero()
    {
        await using var runtime = await RuntimeProcess.StartTestHandlerReadyAsync("Echo");

        Signals.Send(runtime.ProcessId, SigInt);
        var exitCode = await runtime.WaitForExitAsync(Bounds.Exit);

        Assert.Equal(0, exitCode);
    }

    [Fact]
    public async Task ChildProcess_OfTheFunction_HasDefaultSignalMaskAndDispositions()
    {
        // The runtime's own SIGTERM handling must not leak into the function's children: a SIGTERM stops them.
        await using var runtime = await RuntimeProcess.StartReadyAsync("DotnetTest::DotnetTest.ChildSignals::Report", RuntimeProcess.TestFunctionPath);

        using var response = await runtime.Client.GetAsync("");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = System.Text.Json.JsonDocument.Parse(body);
        Assert.Equal("0000000000000000", json.RootElement.GetProperty("child").GetProperty("SigBlk").GetString());

        // SIGPIPE (bit 12) stays ignored in children of every .NET process: .NET ignores it for itself and its
        // Process.Start resets only handled signals. SIGINT (bit 1) and SIGTERM (bit 14) must not be ignored.
        var ignored = Convert.ToUInt64(json.RootElement.GetProperty("child").GetProperty("SigIgn").GetString(), 16);
        Assert.Equal(0UL, ignored & ~(1UL << 12));
        Assert.Equal("143", json.RootElement.GetProperty("terminated").GetString());
    }

    [Theory]
    [InlineData("missing type", "DotnetTest::DotnetTest.Missing::Echo", "type \"DotnetTest.Missing\" not found in ", "/DotnetTest.dll")]
    [InlineData("missing assembly", "Missing::Missing.Handler::Run", "assembly Missing.dll not found in ", "DotnetTest.dll")]
    [InlineData("missing method", "DotnetTest::DotnetTest.Handlers::Nope", "method \"Nope\" not found on type \"DotnetTest.Handlers\"", "Echo")]
    [InlineData("bad format", "DotnetTest.Handlers.Echo", "expected Assembly::Namespace.Type::Method", "got 1 part(s)")]
    [InlineData("path in assembly", "../DotnetTest::DotnetTest.Handlers::Echo", "may only contain letters", "\"../DotnetTest\"")]
    [InlineData("constructor throws", "DotnetTest::DotnetTest.Unconstructible::Handle", "creating \"DotnetTest.Unconstructible\" failed", "InvalidOperationException: constructor refused")]
    [InlineData("unbindable parameters", "DotnetTest::DotnetTest.Broken::TwoBodies", "method \"TwoBodies\" cannot be bound to a request", "Failure to infer one or more parameters")]
    public async Task Start_BrokenHandler_Exits3WithOneStderrLineNamingIt(string label, string handler, string expected, string alsoExpected)
    {
        await using var runtime = RuntimeProcess.Start(handler, RuntimeProcess.TestFunctionPath);

        var exitCode = await runtime.WaitForExitAsync(Bounds.Startup);
        var line = Assert.Single(runtime.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries)).TrimEnd('\r');

        Assert.Equal(3, exitCode);
        Assert.StartsWith($"serverless-runtime: handler \"{handler}\": ", line, StringComparison.Ordinal);
        Assert.True(line.Contains(expected, StringComparison.Ordinal), $"{label}: {line}");
        Assert.True(line.Contains(alsoExpected, StringComparison.Ordinal), $"{label}: {line}");
        Assert.DoesNotContain("listening", runtime.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PORT", "http", "serverless-runtime: PORT = \"http\", must be an integer in 1..65535")]
    [InlineData("FUNCTION_TIMEOUT", "-1", "serverless-runtime: FUNCTION_TIMEOUT = \"-1\", must be an integer in 1..86400")]
    [InlineData("HOST", "example.com", "serverless-runtime: HOST = \"example.com\", must be an IP address")]
    public async Task Start_InvalidEnvironment_Exits2NamingKeyAndValue(string key, string value, string expected)
    {
        await using var runtime = RuntimeProcess.Start("DotnetTest::DotnetTest.Handlers::Echo", RuntimeProcess.TestFunctionPath, (key, value));

        var exitCode = await runtime.WaitForExitAsync(Bounds.Startup);

        Assert.Equal(2, exitCode);
        Assert.StartsWith(expected, runtime.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PortAlreadyTaken_Exits4NamingTheAddress()
    {
        await using var first = await RuntimeProcess.StartTestHandlerReadyAsync("Echo");
        await using var second = RuntimeProcess.Start("DotnetTest::DotnetTest.Handlers::Echo", RuntimeProcess.TestFunctionPath, ("PORT", first.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var exitCode = await second.WaitForExitAsync(Bounds.Startup);

        Assert.Equal(4, exitCode);
        Assert.Contains($"serverless-runtime: cannot listen on http://127.0.0.1:{first.Port}", second.StandardError, StringComparison.Ordinal);
    }

    private static async Task<HttpStatusCode> WaitForReadinessAsync(RuntimeInstance runtime, HttpStatusCode wanted)
    {
        using var deadline = new CancellationTokenSource(Bounds.Request);
        while (true)
        {
            using var response = await runtime.Platform.GetAsync("readyz", deadline.Token);
            if (response.StatusCode == wanted)
            {
                return response.StatusCode;
            }

            await Task.Delay(Bounds.PollInterval, deadline.Token);
        }
    }
}
