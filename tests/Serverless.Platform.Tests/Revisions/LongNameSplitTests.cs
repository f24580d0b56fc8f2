using System.Net;
using System.Text;
using Serverless.Core.Api;
using Serverless.Core.Naming;
using Serverless.Core.Serialization;
using Serverless.Platform.Tests.Admin;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Revisions;

/// <summary>
/// Issue #17: a Function whose name is over 57 characters gets hashed revision names (Knative's kmeta.ChildName), so
/// its revisions are created and a split runs the other revision as a workload of its own.
/// </summary>
public sealed class LongNameSplitTests
{
    private const string Name = "a-function-name-long-enough-that-its-revisions-need-a-hash-61";
    private const string Functions = "/apis/serverless.dev/v1alpha1/namespaces/default/functions";

    [Fact]
    public async Task Split_FunctionNameOf61Characters_BothRevisionsServe()
    {
        Assert.Equal(61, Name.Length);
        using var home = new TempDirectory("serverless-longname");
        await using var platform = await PlatformProcess.StartAsync(home.Path);
        using var admin = platform.CreateAdminClient();
        using var ingress = new HttpClient { BaseAddress = new Uri(platform.IngressUrl), Timeout = TimeSpan.FromSeconds(60) };
        var v1 = RevisionNames.Name(Name, 1);
        var v2 = RevisionNames.Name(Name, 2);
        Assert.All([v1, v2], n => Assert.Equal(RevisionNames.MaxLength, n.Length));

        using (var created = await admin.PostAsync(Functions, Json(AdminApiTests.DotnetFunction(Name, "DotnetTest::DotnetTest.Handlers::Slow"))))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        await WaitForAsync(admin, f => f.Status?.LatestReadyRevision == v1, platform);
        await ChangeAsync(admin, f => f.Spec.Handler = "DotnetTest::DotnetTest.Handlers::Echo");
        await WaitForAsync(admin, f => f.Status?.LatestReadyRevision == v2, platform);

        await ChangeAsync(admin, f => f.Spec.Traffic = [new TrafficTarget { RevisionName = v1, Percent = 50 }, new TrafficTarget { RevisionName = v2, Percent = 50 }]);
        await WaitForAsync(admin, f => string.Join(",", (f.Status?.Traffic ?? []).Select(t => $"{t.RevisionName}:{t.Percent}")) == $"{v1}:50,{v2}:50", platform);

        var answers = new Dictionary<string, int> { ["v1"] = 0, ["v2"] = 0 };
        for (var i = 0; i < 40; i++)
        {
            using var response = await ingress.GetAsync($"/default/{Name}/?ms=0");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}\n{platform.Output}");
            answers[body == "slept 0" ? "v1" : "v2"]++;
        }

        // The choice is exact per 100 picks at 50/50: 40 requests give 20 and 20.
        Assert.InRange(answers["v2"], 15, 25);
        Assert.Equal(40, answers["v1"] + answers["v2"]);
    }

    private static StringContent Json(object value) => new(ResourceJson.Serialize(value), Encoding.UTF8, "application/json");

    private static async Task ChangeAsync(HttpClient admin, Action<Function> edit)
    {
        for (var attempt = 0; ; attempt++)
        {
            var fn = await GetAsync(admin);
            edit(fn);
            using var replaced = await admin.PutAsync($"{Functions}/{Name}", Json(fn));
            if (replaced.StatusCode == HttpStatusCode.Conflict && attempt < 5)
            {
                continue;
            }

            Assert.True(replaced.StatusCode == HttpStatusCode.OK, await replaced.Content.ReadAsStringAsync());
            return;
        }
    }

    private static async Task<Function> GetAsync(HttpClient admin)
    {
        using var response = await admin.GetAsync($"{Functions}/{Name}");
        response.EnsureSuccessStatusCode();
        return ResourceJson.Deserialize<Function>(await response.Content.ReadAsStringAsync());
    }

    private static async Task WaitForAsync(HttpClient admin, Func<Function, bool> predicate, PlatformProcess platform)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        Function? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await GetAsync(admin);
            if (predicate(last))
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"condition not reached; last status {ResourceJson.Serialize(last?.Status ?? new FunctionStatus())}\n{platform.Output}");
    }
}
