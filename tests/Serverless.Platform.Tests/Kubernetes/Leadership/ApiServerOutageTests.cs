using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;

namespace Serverless.Platform.Tests.Kubernetes.Leadership;

/// <summary>
/// Issue #20's outage numbers with real controller processes and the default election durations: the API server
/// (the double, stopped so that connections are refused, then started on the same port with its data) goes away for
/// 30 s while two replicas run, and a replica starts while it is away. Reconciliation resumes within 5 s of its
/// return; meanwhile every replica says not-ready and none exits. The timing rules behind it are tested on virtual
/// time in LeaderGateTimingTests.
/// </summary>
public sealed class ApiServerOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Resume = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(60); // cold processes on a shared machine

    [Fact]
    public async Task Outage_ApiServerDown30sUnderTwoReplicas_NotReadyMeanwhileReconcilingWithin5sOfItsReturn()
    {
        await using var replicas = await ControllerReplicas.StartAsync(output);
        replicas.Start("controller-a");
        replicas.Start("controller-b");
        foreach (var pod in new[] { "controller-a", "controller-b" })
        {
            await replicas.UntilAsync(async () => await replicas.ReadyzAsync(pod) == HttpStatusCode.OK, Start, pod + " ready");
        }

        await replicas.CreateFunctionAsync("before");
        await replicas.UntilAsync(() => replicas.IsReady("before"), Start, "a Function reconciled before the outage");

        var down = Stopwatch.StartNew();
        await replicas.Api.StopAsync();
        foreach (var pod in new[] { "controller-a", "controller-b" })
        {
            await replicas.UntilAsync(async () => await replicas.ReadyzAsync(pod) == HttpStatusCode.ServiceUnavailable, Outage, pod + " not ready while the API server is away");
        }

        if (Outage > down.Elapsed)
        {
            await Task.Delay(Outage - down.Elapsed); // past it already when the replicas were slow to turn not-ready
        }

        await replicas.Api.StartAgainAsync();
        var away = down.Elapsed;
        var back = Stopwatch.StartNew();
        await replicas.CreateFunctionAsync("after");
        await replicas.UntilAsync(() => replicas.IsReady("after"), TimeSpan.FromSeconds(30), "a Function created after the outage turns Ready");
        var resumed = back.Elapsed;
        output.WriteLine($"API server away {away.TotalSeconds:0.0} s; a Function created on its return was Ready {resumed.TotalSeconds:0.0} s later");

        Assert.True(resumed <= Resume, $"reconciliation resumed {resumed.TotalSeconds:0.0} s after the API server returned");
        Assert.Contains(replicas.Holder, new[] { "controller-a", "controller-b" });
        foreach (var pod in new[] { "controller-a", "controller-b" })
        {
            await replicas.UntilAsync(async () => await replicas.ReadyzAsync(pod) == HttpStatusCode.OK, Resume, pod + " ready again");
        }
    }

    [Fact]
    public async Task Outage_ReplicaStartedWhileTheApiServerIsDown_RetriesThenReconcilesWithin5sOfItsReturn()
    {
        await using var replicas = await ControllerReplicas.StartAsync(output);
        await replicas.Api.StopAsync();
        replicas.Start("controller-a");

        // Up and answering its probes (so Kubernetes does not kill it), not ready, and retrying.
        await replicas.UntilAsync(async () => await replicas.ReadyzAsync("controller-a") == HttpStatusCode.ServiceUnavailable, Start, "/readyz answers not-ready");
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.False(replicas["controller-a"].HasExited, replicas["controller-a"].Output);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await replicas.ReadyzAsync("controller-a"));

        await replicas.Api.StartAgainAsync();
        var back = Stopwatch.StartNew();
        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} the API server is back");
        await replicas.CreateFunctionAsync("hello");
        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} created after {back.Elapsed.TotalSeconds:0.0} s");
        await replicas.UntilAsync(() => replicas.IsReady("hello"), TimeSpan.FromSeconds(30), "the Function turns Ready");
        var resumed = back.Elapsed;
        output.WriteLine($"a Function created when the API server came up was Ready {resumed.TotalSeconds:0.0} s later");

        Assert.True(resumed <= Resume, $"reconciling began {resumed.TotalSeconds:0.0} s after the API server came up");
        Assert.Equal("controller-a", replicas.Holder);
        await replicas.UntilAsync(async () => await replicas.ReadyzAsync("controller-a") == HttpStatusCode.OK, Resume, "ready");
    }
}
