using System.Net;
using System.Net.Http.Json;
using System.Text;
using Serverless.Core.Api;
using Serverless.Core.Serialization;
using Serverless.Platform.Tests.Admin;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Restart;

public sealed class RestartTests
{
    private const string Functions = "/apis/serverless.dev/v1alpha1/namespaces/default/functions";

    [Fact]
    public async Task Platform_KilledAndRestarted_BringsFunctionsBackAtMinScaleWithoutRedeploy()
    {
        using var home = new TempDirectory("serverless-restart");
        var warm = AdminApiTests.DotnetFunction("warm", "DotnetTest::DotnetTest.Handlers::Echo");
        warm.Spec.Scale = new ScaleSpec { MinScale = 2 };
        var cold = AdminApiTests.DotnetFunction("cold", "DotnetTest::DotnetTest.Handlers::Echo");

        var first = await PlatformProcess.StartAsync(home.Path);
        using (var admin = first.CreateAdminClient())
        {
            foreach (var function in new[] { warm, cold })
            {
                using var created = await admin.PostAsync(Functions, new StringContent(ResourceJson.Serialize(function), Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }

            await WaitForReadyReplicasAsync(admin, "warm", 2, first);
            await WaitForReadyReplicasAsync(admin, "cold", 1, first); // a new revision starts at initialScale 1
        }

        first.Kill();
        Assert.Empty(await ProcessTree.WaitForExitAsync([first.Pid], TimeSpan.FromSeconds(10)));
        await first.DisposeAsync();

        await using var second = await PlatformProcess.StartAsync(home.Path);
        using var again = second.CreateAdminClient();
        await WaitForReadyReplicasAsync(again, "warm", 2, second);
        // minScale 0: nothing runs until a request comes. (The stored status is the dead platform's until
        // the new one reconciles, so wait for its verdict rather than reading once.)
        await WaitForAsync(again, "cold", f => f.Status?.Conditions?.Any(c => c.Type == ConditionTypes.WorkloadReady && c.Reason == "ScaledToZero") == true, second);
        Assert.Equal(0, (await GetAsync(again, "cold")).Status!.Replicas);

        using var ingress = new HttpClient { BaseAddress = new Uri(second.IngressUrl), Timeout = TimeSpan.FromSeconds(60) };
        using var response = await ingress.GetAsync("/default/cold/hello?x=1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadFromJsonAsync<Dictionary<string, object>>();
        Assert.Equal("/hello", echo!["path"]?.ToString());
    }

    private static async Task<Function> GetAsync(HttpClient admin, string name)
    {
        using var response = await admin.GetAsync(Functions + "/" + name);
        response.EnsureSuccessStatusCode();
        return ResourceJson.Deserialize<Function>(await response.Content.ReadAsStringAsync());
    }

    private static Task WaitForReadyReplicasAsync(HttpClient admin, string name, int expected, PlatformProcess platform) =>
        WaitForAsync(admin, name, f => f.Status?.ReadyReplicas == expected && f.Status.ObservedGeneration == f.Metadata.Generation, platform);

    private static async Task WaitForAsync(HttpClient admin, string name, Func<Function, bool> predicate, PlatformProcess platform)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        Function? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await GetAsync(admin, name);
            if (predicate(last))
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{name}: condition not reached; last status {ResourceJson.Serialize(last?.Status ?? new FunctionStatus())}\n{platform.Output}");
    }
}
