using System.Net;
using System.Text;
using k8s.Models;
using Serverless.Core.Api;
using Serverless.Core.Defaulting;
using Serverless.Core.Serialization;
using Serverless.Platform.Tests.Admin;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Autoscaling;

/// <summary>
/// Issue #18 item 1 on the real local platform: an HPA-class function on CPU scales out while one client keeps it
/// burning CPU, and back to its minScale once the load stops (sync period and stabilization shortened), from what
/// the local backend reads of each instance's cgroup or /proc. Admission refuses minScale 0 for the class.
/// </summary>
public sealed class HpaClassTests
{
    private const string Functions = "/apis/serverless.dev/v1alpha1/namespaces/default/functions";

    [Fact]
    public async Task CpuBurningFunction_ScalesOutThenBackToMinScale()
    {
        using var home = new TempDirectory("serverless-hpa");
        await File.WriteAllTextAsync(
            Path.Combine(home.Path, "config.json"),
            """
            {"autoscaler": {"tick-interval": "1s", "horizontal-pod-autoscaler-sync-period": "2s",
                            "horizontal-pod-autoscaler-downscale-stabilization": "10s"}}
            """);
        await using var platform = await PlatformProcess.StartAsync(home.Path);
        using var admin = platform.CreateAdminClient();
        using var ingress = new HttpClient { BaseAddress = new Uri(platform.IngressUrl), Timeout = TimeSpan.FromSeconds(60) };

        // 200m requested, scaled at 50% of it: one client burning ~one core is several instances' worth.
        var function = AdminApiTests.DotnetFunction("burner", "DotnetTest::DotnetTest.Handlers::Burn");
        function.Spec.Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("200m") } };
        function.Spec.Scale = new ScaleSpec { Class = ScaleClassNames.Hpa, Metric = ScaleMetricNames.Cpu, Target = 50, MinScale = 1, MaxScale = 3 };
        using (var created = await admin.PostAsync(Functions, new StringContent(ResourceJson.Serialize(function), Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        // The activator learns of the Function from its own watch, a moment after the create's 201 (bounded: 30 s).
        var routed = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < routed)
        {
            using var first = await ingress.GetAsync("/default/burner/burn?ms=1");
            if (first.StatusCode != HttpStatusCode.NotFound)
            {
                break;
            }

            await Task.Delay(50);
        }

        // One client, 300 ms CPU-bound requests back to back, until 3 instances run or 60 s pass (at most 400 requests).
        var loadDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var maxReplicas = 0;
        for (var i = 0; i < 400 && DateTime.UtcNow < loadDeadline && maxReplicas < 3; i++)
        {
            using var response = await ingress.GetAsync("/default/burner/burn?ms=300");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            if (i % 5 == 0)
            {
                maxReplicas = Math.Max(maxReplicas, (await GetAsync(admin, "burner")).Status?.Replicas ?? 0);
            }
        }

        Assert.True(maxReplicas >= 2, $"at most {maxReplicas} instances while burning a core with a 100m target per instance\n{platform.Output}");

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        Function current;
        do
        {
            await Task.Delay(250);
            current = await GetAsync(admin, "burner");
        }
        while (current.Status?.Replicas != 1 && DateTime.UtcNow < deadline);

        Assert.True(current.Status?.Replicas == 1, $"still {current.Status?.Replicas} instances a minute after the load stopped\n{platform.Output}");
        Assert.Contains("HPA class, metric cpu", platform.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HpaClassWithMinScaleZero_RefusedNamingTheField()
    {
        using var home = new TempDirectory("serverless-hpa-refused");
        await using var platform = await PlatformProcess.StartAsync(home.Path);
        using var admin = platform.CreateAdminClient();
        var function = AdminApiTests.DotnetFunction("zero", "DotnetTest::DotnetTest.Handlers::Burn");
        function.Spec.Scale = new ScaleSpec { Class = ScaleClassNames.Hpa, Metric = ScaleMetricNames.Cpu, MinScale = 0 };

        using var refused = await admin.PostAsync(Functions, new StringContent(ResourceJson.Serialize(function), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("spec.scale.minScale", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<Function> GetAsync(HttpClient admin, string name)
    {
        using var response = await admin.GetAsync(Functions + "/" + name);
        response.EnsureSuccessStatusCode();
        return ResourceJson.Deserialize<Function>(await response.Content.ReadAsStringAsync());
    }
}
