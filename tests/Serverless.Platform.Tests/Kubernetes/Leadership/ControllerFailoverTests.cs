using System.Diagnostics;
using System.Net;
using Serverless.Backends.Kubernetes.Leadership;
using Xunit.Abstractions;

namespace Serverless.Platform.Tests.Kubernetes.Leadership;

/// <summary>
/// Issue #20's hand-over numbers with two real controller processes and the default election durations (lease 15 s,
/// renew deadline 10 s, retry 1 s): after SIGTERM the leader releases the Lease and the standby leads within 2 s;
/// after SIGKILL the standby waits the lease out and leads within the lease duration of the last renewal it saw.
/// Either way the new leader reconciles.
/// </summary>
public sealed class ControllerFailoverTests(ITestOutputHelper output)
{
    // Also the bound on the new leader's first reconciliation, which no issue times: its first term runs cold code (a
    // standby never reconciled), 7.5 s from leading to its first write on a loaded machine; 10 s failed once so.
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(60);
    private static readonly LeaderElectionOptions Defaults = new() { Identity = "any" };

    [Fact]
    public async Task Failover_LeaderGetsSigterm_ReleasesAndTheStandbyLeadsWithin2s()
    {
        await using var replicas = await LeaderAndStandbyAsync();
        // Issue #16: the "leader absent" alert sums this gauge over the replicas.
        Assert.Equal((1, 0), (await replicas.LeaderGaugeAsync("controller-a"), await replicas.LeaderGaugeAsync("controller-b")));

        var stop = Stopwatch.StartNew();
        replicas.Stopping("controller-a");
        var exit = replicas["controller-a"].StopAsync();
        await replicas.UntilAsync(() => replicas.Holder == "controller-b", TimeSpan.FromSeconds(20), "controller-b leads");
        var failover = stop.Elapsed;
        Assert.Equal(0, await exit);
        output.WriteLine($"graceful stop (SIGTERM): controller-b led {failover.TotalSeconds:0.0} s after the signal; controller-a exited after {stop.Elapsed.TotalSeconds:0.0} s");

        Assert.True(failover <= TimeSpan.FromSeconds(2), $"controller-b led {failover.TotalSeconds:0.0} s after controller-a's SIGTERM");
        await replicas.CreateFunctionAsync("after");
        await replicas.UntilAsync(() => replicas.IsReady("after"), Start, "the new leader reconciles");
        Assert.Equal(1, await replicas.LeaderGaugeAsync("controller-b"));
    }

    [Fact]
    public async Task Failover_LeaderKilled_TheStandbyLeadsWithinTheLeaseDuration()
    {
        await using var replicas = await LeaderAndStandbyAsync();

        var kill = Stopwatch.StartNew();
        replicas.Stopping("controller-a");
        await replicas["controller-a"].KillAsync();
        await replicas.UntilAsync(() => replicas.Holder == "controller-b", TimeSpan.FromSeconds(40), "controller-b leads");
        var failover = kill.Elapsed;
        output.WriteLine($"crash (SIGKILL): controller-b led {failover.TotalSeconds:0.0} s after the kill");

        // The standby may take a Lease only once it has not changed for the lease duration since the standby last saw
        // it change (client-go's rule): the last renewal was up to one retry period before the kill (safety: never
        // before lease − retry), the standby saw it up to one retry period later, and tries again up to one retry
        // period after the lease ran out: at most lease + 2 × retry (16.1 s was measured under a loaded machine).
        Assert.True(failover >= Defaults.LeaseDuration - Defaults.RetryPeriod, $"controller-b led {failover.TotalSeconds:0.0} s after the kill, inside controller-a's lease");
        Assert.True(failover <= Defaults.LeaseDuration + (2 * Defaults.RetryPeriod), $"controller-b led only {failover.TotalSeconds:0.0} s after the kill");
        await replicas.CreateFunctionAsync("after");
        await replicas.UntilAsync(() => replicas.IsReady("after"), Start, "the new leader reconciles");
    }

    /// <summary>controller-a leads and has reconciled a Function; controller-b is up, ready and standing by.</summary>
    private async Task<ControllerReplicas> LeaderAndStandbyAsync()
    {
        var replicas = await ControllerReplicas.StartAsync(output);
        try
        {
            replicas.Start("controller-a");
            await replicas.UntilAsync(() => replicas.Holder == "controller-a", Start, "controller-a leads");
            await replicas.CreateFunctionAsync("before");
            await replicas.UntilAsync(() => replicas.IsReady("before"), Start, "controller-a reconciles");
            replicas.Start("controller-b");
            await replicas.UntilAsync(async () => await replicas.ReadyzAsync("controller-b") == HttpStatusCode.OK, Start, "controller-b ready as a standby");
            await Task.Delay(Defaults.RetryPeriod * 2); // controller-b has seen the Lease renewed
            Assert.Equal("controller-a", replicas.Holder);
            return replicas;
        }
        catch
        {
            // The caller never gets it to dispose: the replicas would outlive the test (seen: two controllers left running).
            await replicas.DisposeAsync();
            throw;
        }
    }
}
