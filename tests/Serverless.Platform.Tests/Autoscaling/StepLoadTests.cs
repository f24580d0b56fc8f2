using System.Net;
using System.Text;
using Serverless.Core.Api;
using Serverless.Core.Serialization;
using Serverless.Platform.Tests.Admin;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Autoscaling;

/// <summary>
/// The autoscaler on the real platform: a step from 0 to 50 concurrent clients on a function with
/// target 10 scales it out with no failed request; when the load stops it returns to zero after the
/// (shortened) windows and grace period, and the next request wakes it again. A function nobody calls reaches zero too.
/// </summary>
public sealed class StepLoadTests
{
    private const string Functions = "/apis/serverless.dev/v1alpha1/namespaces/default/functions";

    [Fact]
    public async Task StepLoad_ScalesOutWithoutFailuresThenBackToZeroAndWakesAgain()
    {
        using var home = new TempDirectory("serverless-scale");
        await File.WriteAllTextAsync(
            Path.Combine(home.Path, "config.json"),
            """{"autoscaler": {"tick-interval": "1s", "stable-window": "10s", "scale-to-zero-grace-period": "6s"}}""");
        await using var platform = await PlatformProcess.StartAsync(home.Path);
        using var admin = platform.CreateAdminClient();
        using var ingress = new HttpClient { BaseAddress = new Uri(platform.IngressUrl), Timeout = TimeSpan.FromSeconds(60) };

        var function = AdminApiTests.DotnetFunction("step", "DotnetTest::DotnetTest.Handlers::Slow");
        function.Spec.Scale = new ScaleSpec { Target = 10, InitialScale = 1 };
        using (var created = await admin.PostAsync(Functions, new StringContent(ResourceJson.Serialize(function), Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        // The activator learns of the Function from its own watch, a moment after the create's 201: one request that
        // waits for that, so that the load's every request must succeed.
        using (var routed = await Ingress.GetOnceRoutedAsync(ingress, "/default/step/work?ms=1", TimeSpan.FromSeconds(30)))
        {
            Assert.Equal(HttpStatusCode.OK, routed.StatusCode);
        }

        // 50 clients, each looping 300 ms requests for 15 s (and at most 100 requests each).
        var loadEnds = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        var failures = new List<string>();
        var completed = 0;
        var clients = Enumerable.Range(0, 50).Select(async _ =>
        {
            for (var i = 0; i < 100 && DateTime.UtcNow < loadEnds; i++)
            {
                using var response = await ingress.GetAsync("/default/step/work?ms=300");
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    var failure = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
                    lock (failures)
                    {
                        failures.Add(failure);
                    }
                }

                Interlocked.Increment(ref completed);
            }
        }).ToList();

        var maxReady = 0;
        while (clients.Any(c => !c.IsCompleted))
        {
            maxReady = Math.Max(maxReady, (await GetAsync(admin, "step")).Status?.ReadyReplicas ?? 0);
            await Task.WhenAny(Task.WhenAll(clients), Task.Delay(250));
        }

        await Task.WhenAll(clients);
        Assert.True(failures.Count == 0, $"{failures.Count} of {completed} requests failed: {string.Join("; ", failures.Take(5))}");
        Assert.True(maxReady >= 5, $"at most {maxReady} instances were ready under 50 concurrent clients with target 10\n{platform.Output}");

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        Function current;
        do
        {
            await Task.Delay(250);
            current = await GetAsync(admin, "step");
        }
        while ((current.Status?.Replicas ?? -1) != 0 && DateTime.UtcNow < deadline);
        Assert.True(current.Status?.Replicas == 0, $"still {current.Status?.Replicas} instances a minute after the load stopped\n{platform.Output}");

        using var again = await ingress.GetAsync("/default/step/work?ms=1");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task NeverInvoked_ReachesZeroAfterTheGracePeriod()
    {
        // Issue #18: a function deployed and never called sent no sample, and the KPA held its initial instance for good.
        using var home = new TempDirectory("serverless-idle");
        await File.WriteAllTextAsync(
            Path.Combine(home.Path, "config.json"),
            """{"autoscaler": {"tick-interval": "1s", "stable-window": "10s", "scale-to-zero-grace-period": "6s"}}""");
        await using var platform = await PlatformProcess.StartAsync(home.Path);
        using var admin = platform.CreateAdminClient();

        var function = AdminApiTests.DotnetFunction("idle", "DotnetTest::DotnetTest.Handlers::Slow");
        function.Spec.Scale = new ScaleSpec { InitialScale = 1 };
        using (var created = await admin.PostAsync(Functions, new StringContent(ResourceJson.Serialize(function), Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        Function current;
        var sawReady = false;
        do
        {
            await Task.Delay(250);
            current = await GetAsync(admin, "idle");
            sawReady |= current.Status?.ReadyReplicas == 1;
        }
        while (!(sawReady && current.Status?.Replicas == 0) && DateTime.UtcNow < deadline);

        Assert.True(sawReady, $"the initial instance never became ready\n{platform.Output}");
        Assert.True(current.Status?.Replicas == 0, $"still {current.Status?.Replicas} instances 60 s after a deploy nobody called\n{platform.Output}");
    }

    private static async Task<Function> GetAsync(HttpClient admin, string name)
    {
        using var response = await admin.GetAsync(Functions + "/" + name);
        response.EnsureSuccessStatusCode();
        return ResourceJson.Deserialize<Function>(await response.Content.ReadAsStringAsync());
    }
}
