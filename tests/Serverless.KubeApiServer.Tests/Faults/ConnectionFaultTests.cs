using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using k8s;
using Serverless.KubeApiServer.Faults;
using Serverless.TestSupport;
using static Serverless.KubeApiServer.Tests.Http.Objects;

namespace Serverless.KubeApiServer.Tests.Faults;

/// <summary>The API server going away and coming back, connections reset mid-response, and slow answers.</summary>
public sealed class ConnectionFaultTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Stop_NewRequests_AreRefused()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        await server.StopAsync();
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("api/v1/namespaces/default/configmaps"));

        Assert.False(server.IsRunning);
        Assert.Equal(SocketError.ConnectionRefused, Assert.IsType<SocketException>(error.InnerException).SocketErrorCode);
    }

    [Fact]
    public async Task StartAgain_SamePortAndData_ServesAgain()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), Namespace);
        var address = server.BaseAddress;

        await server.StopAsync();
        await server.StartAgainAsync();
        var map = await client.CoreV1.ReadNamespacedConfigMapAsync("a", Namespace);

        Assert.Equal(address, server.BaseAddress);
        Assert.Equal("1", map.Data["key"]);
    }

    /// <summary>
    /// While stopped, its port is held: no bind to port 0 (any listener of the tests running in parallel) gets it, so
    /// nothing takes it during a long outage. Before, the port was free meanwhile (20,000 binds to port 0 got a released
    /// port back 1 to 5 times), and whatever took it made <see cref="KubeApiDouble.StartAgainAsync"/> fail with
    /// "address already in use" (ApiServerOutageTests' 30 s outage, under a full test run).
    /// </summary>
    [Fact]
    public async Task Stop_PortHeldUntilStartAgain_RefusedMeanwhileServesAfter()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var port = server.BaseAddress.Port;

        await server.StopAsync();
        Assert.Equal(0, FreePort.TimesHandedOut(port, binds: 20_000));
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("version"));
        Assert.Equal(SocketError.ConnectionRefused, Assert.IsType<SocketException>(refused.InnerException).SocketErrorCode);
        await server.StartAgainAsync();

        Assert.Equal(port, server.BaseAddress.Port);
        Assert.True((await http.GetAsync("version")).IsSuccessStatusCode);
    }

    [Fact]
    public async Task Stop_OpenWatch_IsCut()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        using var cts = new CancellationTokenSource(Bound);

        var reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var _ in client.CoreV1.WatchListNamespacedConfigMapAsync(Namespace, resourceVersion: server.ResourceVersion.ToString(), cancellationToken: cts.Token))
                {
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                // A cut connection: what a client sees when the API server goes away.
            }
        });
        await Poll.Until(() => server.OpenWatchCount == 1, cts.Token);
        await server.StopAsync();

        await reading.WaitAsync(cts.Token);
        Assert.Equal(0, server.OpenWatchCount);
    }

    [Fact]
    public async Task ResetNext_ClientSeesTheConnectionGoMidResponse()
    {
        await using var server = await KubeApiDouble.StartAsync();
        server.Faults.ResetNext(1, r => r.Verb == "get");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var cts = new CancellationTokenSource(Bound);

        var error = await Record.ExceptionAsync(async () =>
        {
            using var response = await http.GetAsync($"api/v1/namespaces/{Namespace}/configmaps/a", cts.Token);
            await response.Content.ReadAsStringAsync(cts.Token);
        });
        var after = await http.GetAsync($"api/v1/namespaces/{Namespace}/configmaps/a", cts.Token);

        Assert.True(error is HttpRequestException or IOException, $"expected a connection failure, got {error?.GetType().Name ?? "none"}");
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        Assert.Equal(0, server.Audit.Records[0].StatusCode);
    }

    [Fact]
    public async Task SlowDown_EveryRequest_AnswersAfterTheDelay()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var rule = server.Faults.SlowDown(TimeSpan.FromMilliseconds(300));
        var client = server.CreateClient();

        var watch = Stopwatch.StartNew();
        await client.CoreV1.ListNamespacedConfigMapAsync(Namespace);
        var slow = watch.Elapsed;
        server.Faults.Clear();

        Assert.True(slow >= TimeSpan.FromMilliseconds(290), $"answered after {slow.TotalMilliseconds} ms");
        Assert.Equal(FaultKind.Delay, rule.Kind);
    }

    [Fact]
    public async Task Hang_StopWhileHanging_CutsTheRequest()
    {
        await using var server = await KubeApiDouble.StartAsync();
        server.Faults.Add(new FaultRule(r => r.Verb == "list", 1, FaultKind.Hang));
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var cts = new CancellationTokenSource(Bound);

        var hanging = http.GetAsync($"api/v1/namespaces/{Namespace}/configmaps", cts.Token);
        await Poll.Until(() => server.RequestCount == 1, cts.Token);
        await server.StopAsync(cts.Token);

        await Assert.ThrowsAsync<HttpRequestException>(() => hanging);
    }
}
