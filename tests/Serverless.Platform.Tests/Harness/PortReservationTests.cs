using Serverless.Core.Api;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Harness;

/// <summary>
/// TestSupport's port reservation, which RuntimeInstance and the Kubernetes replicas' harness hand their children.
/// KubernetesPoolTests failed under a full run on a port that was free when chosen (FreePort.Next) and taken before
/// the runtime bound it.
/// </summary>
public sealed class PortReservationTests
{
    /// <summary>
    /// Held, the port is handed to no bind to port 0 (what every Kestrel and double of the tests running in parallel
    /// does), while a runtime binding it itself listens on it. Released at once instead (FreePort.Next, as before),
    /// the same 20,000 binds got it back 1 to 5 times in each of 4 runs while writing this.
    /// </summary>
    [Theory]
    [InlineData(RuntimeNames.Python, "python3", "runtimes/python/runtime.py")]
    [InlineData(RuntimeNames.Node, "node", "runtimes/node/index.js")]
    public async Task Reserve_NoBindToPortZeroGetsIt_TheRuntimeListensOnIt(string runtime, string command, string entry)
    {
        // Generic mode: no function to load; /healthz answers once both ports listen.
        await using var instance = RuntimeInstance.Start(command, Path.Combine(RepoPaths.Root, entry), "", "", [("FUNCTION_GENERIC", "1"), ("SPECIALIZE_TOKEN", "t")]);
        var deadline = DateTime.UtcNow + RuntimeInstance.StartupBound;
        while (!await HealthyAsync(instance))
        {
            Assert.False(instance.HasExited, $"{runtime} exited: {instance.StandardError}");
            Assert.True(DateTime.UtcNow < deadline, $"{runtime} not listening: {instance.StandardError}");
            await Task.Delay(RuntimeInstance.PollInterval);
        }

        using var reservation = FreePort.Reserve();
        Assert.Equal(0, FreePort.TimesHandedOut(reservation.Port, binds: 20_000));
    }

    private static async Task<bool> HealthyAsync(RuntimeInstance instance)
    {
        try
        {
            using var response = await instance.Platform.GetAsync("healthz");
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
