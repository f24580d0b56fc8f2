using System.Net;
using Microsoft.AspNetCore.Http;
using Serverless.Activator.Configuration;
using Serverless.Activator.Tests.Fakes;
using Serverless.Core.Contracts;
using Serverless.TestSupport;

namespace Serverless.Activator.Tests.Forwarding;

public sealed class FunctionProxyTests
{
    private static readonly FunctionKey Hello = new("default", "hello");

    [Fact]
    public async Task InvokeAsync_HundredRequestsAtZero_AllSucceedOnceInstanceReady()
    {
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions(), TimeProvider.System, ProxyHarness.TestFunction("hello"));
        await using var instance = await InstanceServer.StartAsync("i1");

        var requests = Enumerable.Range(0, 100).Select(_ => harness.Client.GetAsync(new Uri("/default/hello/", UriKind.Relative))).ToArray();
        await harness.WaitForActiveAsync(Hello, 100);
        Assert.Contains(Hello, harness.Scaler.Requests);
        harness.Endpoints.Set(Hello, instance.Endpoint());
        var responses = await Task.WhenAll(requests).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(100, instance.Requests);
        // Issue #16: cold starts broken down by namespace and function.
        Assert.Equal(1, harness.Metrics.ColdStart.WithLabels("default", "hello", "").Count);
        await harness.WaitForActiveAsync(Hello, 0);
    }

    // Regression: the scale from zero named the Function of the URL, not the revision the request was routed to, so a
    // revision's workload at zero waited for the autoscaler's next tick (cold starts of ~2 s instead of ~60 ms).
    [Fact]
    public async Task InvokeAsync_RevisionAtZero_ScaleFromZeroNamesTheRevisionsWorkload()
    {
        var function = ProxyHarness.TestFunction("hello");
        function.Status = new Serverless.Core.Api.FunctionStatus
        {
            Traffic = [new Serverless.Core.Api.TrafficTarget { RevisionName = "hello-00002", LatestRevision = true, Percent = 100 }],
        };
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions(), TimeProvider.System, function);
        await using var instance = await InstanceServer.StartAsync("i1");
        var revision = new FunctionKey("default", "hello-00002");

        var request = harness.Client.GetAsync(new Uri("/default/hello/", UriKind.Relative));
        await harness.WaitForActiveAsync(revision, 1);
        harness.Endpoints.Set(revision, instance.Endpoint());
        using var response = await request.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([revision], harness.Scaler.Requests.Distinct());
    }

    [Fact]
    public async Task InvokeAsync_ContainerConcurrencyOne_InstanceNeverSeesTwoAtOnce()
    {
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions(), TimeProvider.System, ProxyHarness.TestFunction("hello", containerConcurrency: 1));
        await using var a = await InstanceServer.StartAsync("a", SlowHandler);
        await using var b = await InstanceServer.StartAsync("b", SlowHandler);

        // The endpoints carry no limit of their own: the function's containerConcurrency applies.
        harness.Endpoints.Set(Hello, a.Endpoint(), b.Endpoint());
        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => harness.Client.GetAsync(new Uri("/default/hello/", UriKind.Relative)))).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, a.MaxInFlight);
        Assert.Equal(1, b.MaxInFlight);
        Assert.Equal(40, a.Requests + b.Requests);
    }

    /// <summary>Issue #16: desired vs ready instances on the dashboard; ready is the activator's view, for any function.</summary>
    [Fact]
    public async Task EndpointsChanged_AnyFunction_SetsReadyInstancesGauge()
    {
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions(), TimeProvider.System, ProxyHarness.TestFunction("hello"));
        await using var a = await InstanceServer.StartAsync("a");
        await using var b = await InstanceServer.StartAsync("b");

        harness.Endpoints.Set(Hello, a.Endpoint(), b.Endpoint());
        Assert.Equal(2, harness.Metrics.ReadyInstances.WithLabels("default/hello", "").Value);
        harness.Endpoints.Set(Hello, b.Endpoint());
        Assert.Equal(1, harness.Metrics.ReadyInstances.WithLabels("default/hello", "").Value);
        harness.Endpoints.Set(Hello);
        Assert.Equal(0, harness.Metrics.ReadyInstances.WithLabels("default/hello", "").Value);
    }

    [Fact]
    public async Task InvokeAsync_InstanceKilledUnderLoad_NoRequestLost()
    {
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions(), TimeProvider.System, ProxyHarness.TestFunction("hello"));
        await using var doomed = await InstanceServer.StartAsync("doomed");
        await using var survivor = await InstanceServer.StartAsync("survivor");
        harness.Endpoints.Set(Hello, doomed.Endpoint(), survivor.Endpoint());

        // Eight clients send 25 requests each; the doomed instance stops once 50 have completed, while the
        // others are in flight. The endpoint source keeps listing it: the activator must cope by itself.
        var completed = 0;
        var stopped = Task.CompletedTask;
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        var clients = Enumerable.Range(0, 8).Select(async _ =>
        {
            for (var i = 0; i < 25; i++)
            {
                using var response = await harness.Client.GetAsync(new Uri("/default/hello/", UriKind.Relative));
                statuses.Add(response.StatusCode);
                if (Interlocked.Increment(ref completed) == 50)
                {
                    stopped = doomed.StopAsync();
                }
            }
        });
        await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(60));
        await stopped.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(200, statuses.Count);
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.True(doomed.Requests > 0, "the doomed instance served before it stopped");
        Assert.Equal(200, doomed.Requests + survivor.Requests);
    }

    [Fact]
    public async Task InvokeAsync_ConnectionRefusedWithBody_RetriedWithBodyIntact()
    {
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions(), TimeProvider.System, ProxyHarness.TestFunction("hello"));
        await using var dead = await InstanceServer.StartAsync("dead");
        await using var echo = await InstanceServer.StartAsync("echo", async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            await context.Response.WriteAsync(await reader.ReadToEndAsync());
        });
        await dead.StopAsync();
        harness.Endpoints.Set(Hello, dead.Endpoint(), echo.Endpoint());

        for (var i = 0; i < 6; i++)
        {
            using var content = new StringContent("payload " + i);
            using var response = await harness.Client.PostAsync(new Uri("/default/hello/", UriKind.Relative), content);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("payload " + i, await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task InvokeAsync_QueueFull_503WithRetryAfter()
    {
        var options = new ActivatorOptions { MaxQueuedRequestsPerFunction = 2 };
        await using var harness = await ProxyHarness.StartAsync(options, TimeProvider.System, ProxyHarness.TestFunction("hello"));
        using var waiting = new CancellationTokenSource();
        var queued = Enumerable.Range(0, 2).Select(_ => harness.Client.GetAsync(new Uri("/default/hello/", UriKind.Relative), waiting.Token)).ToArray();
        await harness.WaitForActiveAsync(Hello, 2);

        using var rejected = await harness.Client.GetAsync(new Uri("/default/hello/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, rejected.StatusCode);
        Assert.NotNull(rejected.Headers.RetryAfter);
        Assert.Contains("already waiting", await rejected.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Clients that give up leave the queue.
        await waiting.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.WhenAll(queued));
        await harness.WaitForActiveAsync(Hello, 0);
    }

    [Fact]
    public async Task InvokeAsync_NoRoomUntilTimeout_504()
    {
        var time = new ManualTimeProvider();
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions(), time, ProxyHarness.TestFunction("hello", containerConcurrency: 1, timeoutSeconds: 30));
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var instance = await InstanceServer.StartAsync("busy", async context =>
        {
            await release.Task;
            await context.Response.WriteAsync("done");
        });
        harness.Endpoints.Set(Hello, instance.Endpoint());
        var holding = harness.Client.GetAsync(new Uri("/default/hello/", UriKind.Relative));
        await harness.WaitForActiveAsync(Hello, 1);
        var waiting = harness.Client.GetAsync(new Uri("/default/hello/", UriKind.Relative));
        await harness.WaitForActiveAsync(Hello, 2);

        time.Advance(TimeSpan.FromSeconds(30));
        using var timedOut = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        release.SetResult();
        using var held = await holding.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.GatewayTimeout, timedOut.StatusCode);
        Assert.Equal(HttpStatusCode.OK, held.StatusCode);
        Assert.Equal(1, instance.Requests);
    }

    [Fact]
    public async Task InvokeAsync_NoInstanceBeforeActivationDeadline_503WithReason()
    {
        var time = new ManualTimeProvider();
        var options = new ActivatorOptions { ActivationDeadline = TimeSpan.FromSeconds(10) };
        await using var harness = await ProxyHarness.StartAsync(options, time, ProxyHarness.TestFunction("hello"));
        var waiting = harness.Client.GetAsync(new Uri("/default/hello/", UriKind.Relative));
        await harness.WaitForActiveAsync(Hello, 1);

        time.Advance(TimeSpan.FromSeconds(10));
        using var response = await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Contains("no ready instance 10 s after it was asked to scale from zero", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(harness.Scaler.Requests);
    }

    [Fact]
    public async Task InvokeAsync_InstanceAnswers429_RetriedOnAnother()
    {
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions(), TimeProvider.System, ProxyHarness.TestFunction("hello"));
        await using var full = await InstanceServer.StartAsync("full", context =>
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers["X-Serverless-Rejected"] = "concurrency";
            return Task.CompletedTask;
        });
        await using var free = await InstanceServer.StartAsync("free");
        harness.Endpoints.Set(Hello, full.Endpoint(), free.Endpoint());

        var served = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await harness.Client.GetAsync(new Uri("/default/hello/", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            served.Add(response.Headers.GetValues("X-Instance").Single());
        }

        Assert.All(served, id => Assert.Equal("free", id));
        Assert.True(full.Requests > 0, "the full instance was tried");
    }

    // Issue #14 item 6: a function's own 429 ran the function three times and reached the client as the activator's 429.
    [Theory]
    [InlineData(StatusCodes.Status429TooManyRequests)]
    [InlineData(StatusCodes.Status503ServiceUnavailable)]
    public async Task InvokeAsync_FunctionsOwnRefusal_PassedThroughUntouchedAndRunOnce(int status)
    {
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions(), TimeProvider.System, ProxyHarness.TestFunction("hello"));
        await using var busy = await InstanceServer.StartAsync("busy", context =>
        {
            context.Response.StatusCode = status;
            context.Response.Headers.RetryAfter = "7";
            return context.Response.WriteAsync("come back later");
        });
        harness.Endpoints.Set(Hello, busy.Endpoint());

        using var response = await harness.Client.GetAsync(new Uri("/default/hello/", UriKind.Relative));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("7", response.Headers.GetValues("Retry-After").Single());
        Assert.Equal("come back later", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, busy.Requests);
    }

    // Issue #14 item 7: the activator gave up at the same moment as the runtime, so clients got YARP's empty 504.
    [Fact]
    public async Task InvokeAsync_RuntimeAnswers504AtItsTimeout_ClientGetsTheRuntimesAnswer()
    {
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions(), TimeProvider.System, ProxyHarness.TestFunction("hello", timeoutSeconds: 1));
        await using var hung = await InstanceServer.StartAsync("hung", async context =>
        {
            // The runtime's deadline runs from when it read the request, a little after the activator sent it.
            await Task.Delay(TimeSpan.FromSeconds(1.3));
            context.Response.StatusCode = StatusCodes.Status504GatewayTimeout;
            await context.Response.WriteAsync("{\"detail\":\"the function did not answer within 1 s\"}");
        });
        harness.Endpoints.Set(Hello, hung.Endpoint());

        using var response = await harness.Client.GetAsync(new Uri("/default/hello/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("did not answer within 1 s", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    // Issue #14 item 8: a declared body larger than the queue's budget, to a function at zero, got 503 "Queue full".
    [Fact]
    public async Task InvokeAsync_BodyLargerThanTheQueueToAFunctionAtZero_413AndNoActivation()
    {
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions { MaxQueuedBytesPerFunction = 1024 }, TimeProvider.System, ProxyHarness.TestFunction("hello"));
        using var content = new ByteArrayContent(new byte[4096]);

        using var response = await harness.Client.PostAsync(new Uri("/default/hello/", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("4096 bytes is larger than the 1024 bytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(harness.Scaler.Requests);
    }

    // Issue #14 item 3: an instance whose port refuses connections was ejected only after 5 failures in a row.
    [Fact]
    public async Task InvokeAsync_InstanceRefusesConnections_EjectedAfterTheFirstRefusal()
    {
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions { MaxForwardAttempts = 1 }, TimeProvider.System, ProxyHarness.TestFunction("hello"));
        await using var live = await InstanceServer.StartAsync("live");
        harness.Endpoints.Set(Hello, new InstanceEndpoint("dead", "127.0.0.1", Serverless.TestSupport.FreePort.Next(), 0), live.Endpoint());

        var failed = 0;
        for (var i = 0; i < 20; i++)
        {
            using var response = await harness.Client.GetAsync(new Uri("/default/hello/", UriKind.Relative));
            failed += response.StatusCode == HttpStatusCode.OK ? 0 : 1;
        }

        Assert.True(failed <= 1, $"{failed} of 20 requests went to the instance that refuses connections");
        Assert.True(live.Requests >= 19, $"the live instance served {live.Requests}");
    }

    // Issue #14 item 4: every failed forward logged a stack trace (3–11 KB); they are counted, and logged as one line.
    [Fact]
    public async Task InvokeAsync_ForwardsFail_CountedByFunctionAndError()
    {
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions { MaxForwardAttempts = 1 }, TimeProvider.System, ProxyHarness.TestFunction("hello"));
        harness.Endpoints.Set(Hello, new InstanceEndpoint("dead", "127.0.0.1", Serverless.TestSupport.FreePort.Next(), 0));

        for (var i = 0; i < 5; i++)
        {
            using var response = await harness.Client.GetAsync(new Uri("/default/hello/", UriKind.Relative));
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        }

        Assert.Equal(5, harness.Metrics.ForwardFailures.WithLabels("default/hello", "", "Request").Value);
    }

    [Fact]
    public async Task InvokeAsync_429AfterBodyWasSent_NotRetried()
    {
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions(), TimeProvider.System, ProxyHarness.TestFunction("hello"));
        await using var reader = await InstanceServer.StartAsync("reader", async context =>
        {
            using var body = new StreamReader(context.Request.Body);
            await body.ReadToEndAsync();
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers["X-Serverless-Rejected"] = "concurrency";
        });
        await using var other = await InstanceServer.StartAsync("other");
        harness.Endpoints.Set(Hello, reader.Endpoint(), other.Endpoint());

        var refused = 0;
        for (var i = 0; i < 6; i++)
        {
            using var content = new StringContent("payload");
            using var response = await harness.Client.PostAsync(new Uri("/default/hello/", UriKind.Relative), content);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused++;
                Assert.NotNull(response.Headers.RetryAfter);
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }

        // The activator keeps no copy of a body it has sent, so a refusal after the body went out reaches the client.
        Assert.True(refused > 0, "round-robin sends some requests to the refusing instance");
        Assert.Equal(refused, reader.Requests);
        Assert.Equal(6 - refused, other.Requests);
    }

    [Fact]
    public async Task InvokeAsync_UnknownFunction_404()
    {
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions(), TimeProvider.System, ProxyHarness.TestFunction("hello"));

        using var response = await harness.Client.GetAsync(new Uri("/default/other/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(harness.Scaler.Requests);
    }

    private static async Task SlowHandler(HttpContext context)
    {
        await Task.Delay(10);
        await context.Response.WriteAsync("ok");
    }
}
