using System.Net;
using System.Text;
using Serverless.Core.Api;
using Serverless.Core.Serialization;
using Serverless.Core.Traffic;
using Serverless.Platform.Tests.Admin;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Revisions;

/// <summary>
/// Issue #17 item 5 on the real platform: a Function with a 6 s rollout duration gets v2, which takes the traffic in
/// steps (observed in status.traffic and in who answers), while every request is answered.
/// </summary>
public sealed class RolloutTests
{
    private const string Functions = "/apis/serverless.dev/v1alpha1/namespaces/default/functions";
    private const string V1Handler = "DotnetTest::DotnetTest.Handlers::Slow"; // answers "slept 0"
    private const string V2Handler = "DotnetTest::DotnetTest.Handlers::Echo"; // answers JSON with the path

    [Fact]
    public async Task Deploy_V2WithRolloutDuration_TrafficMovesInStepsUntilComplete()
    {
        using var home = new TempDirectory("serverless-rollout");
        await using var platform = await PlatformProcess.StartAsync(home.Path);
        using var admin = platform.CreateAdminClient();
        using var ingress = new HttpClient { BaseAddress = new Uri(platform.IngressUrl), Timeout = TimeSpan.FromSeconds(60) };

        var v1 = AdminApiTests.DotnetFunction("roll", V1Handler);
        v1.Metadata.Annotations = new Dictionary<string, string> { [RolloutDuration.Annotation] = "6s" }; // 6 steps of 17%, one a second
        using (var created = await admin.PostAsync(Functions, Json(v1)))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        await WaitForAsync(admin, f => Routed(f) == "roll-00001:100", platform);
        Assert.Equal("v1", await CallAsync(ingress, platform));

        await ChangeAsync(admin, f => f.Spec.Handler = V2Handler);

        // Watch the status and call the function until v2 has everything (bounded in time and in rounds).
        var splits = new List<int>();
        var answersDuringSplit = new Dictionary<string, int> { ["v1"] = 0, ["v2"] = 0 };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        Function? fn = null;
        for (var round = 0; round < 3_000 && DateTime.UtcNow < deadline; round++)
        {
            fn = await GetAsync(admin);
            var routed = Routed(fn);
            if (routed == "roll-00002:100")
            {
                break;
            }

            if (fn.Status?.Traffic is [{ RevisionName: "roll-00001", Percent: int old }, { RevisionName: "roll-00002", Percent: int share }] && share > 0)
            {
                Assert.Equal(100, old + share);
                Assert.Equal(share, fn.Status.Rollout?.Percent);
                if (splits.Count == 0 || splits[^1] != share)
                {
                    splits.Add(share);
                }

                for (var i = 0; i < 5; i++)
                {
                    answersDuringSplit[await CallAsync(ingress, platform)]++;
                }
            }
            else
            {
                await Task.Delay(50);
            }
        }

        Assert.True(Routed(fn!) == "roll-00002:100", $"the rollout did not complete: {ResourceJson.Serialize(fn?.Status ?? new FunctionStatus())}\n{platform.Output}");

        // At least two intermediate splits were seen, each larger than the one before, and both revisions answered meanwhile.
        Assert.True(splits.Count >= 2, $"intermediate splits seen: {string.Join(",", splits)}");
        Assert.Equal(splits.Order().ToList(), splits);
        Assert.All(splits, s => Assert.InRange(s, 1, 99));
        Assert.True(answersDuringSplit["v1"] > 0 && answersDuringSplit["v2"] > 0, $"answers while split: v1 {answersDuringSplit["v1"]}, v2 {answersDuringSplit["v2"]}");

        var rollout = fn!.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Rollout);
        Assert.Equal(("True", "RolloutComplete"), (rollout.Status, rollout.Reason));
        Assert.Null(fn.Status.Rollout);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("v2", await CallAsync(ingress, platform));
        }
    }

    private static async Task<string> CallAsync(HttpClient ingress, PlatformProcess platform)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        HttpResponseMessage? sent = null;
        try
        {
            sent = await ingress.GetAsync("/default/roll/?ms=0", timeout.Token);
        }
        catch (OperationCanceledException e)
        {
            throw new TimeoutException($"no answer in 30 s\n{platform.Output}", e);
        }

        using var response = sent;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return body == "slept 0" ? "v1" : body.Contains("\"path\"", StringComparison.Ordinal) ? "v2" : body;
    }

    private static string Routed(Function f) =>
        string.Join(",", (f.Status?.Traffic ?? []).Select(t => $"{t.RevisionName}:{t.Percent}"));

    private static StringContent Json(object value) => new(ResourceJson.Serialize(value), Encoding.UTF8, "application/json");

    private static async Task ChangeAsync(HttpClient admin, Action<Function> edit)
    {
        for (var attempt = 0; ; attempt++)
        {
            var fn = await GetAsync(admin);
            edit(fn);
            using var replaced = await admin.PutAsync(Functions + "/roll", Json(fn));
            if (replaced.StatusCode == HttpStatusCode.Conflict && attempt < 5)
            {
                continue; // the controller wrote the status in between
            }

            Assert.True(replaced.StatusCode == HttpStatusCode.OK, await replaced.Content.ReadAsStringAsync());
            return;
        }
    }

    private static async Task<Function> GetAsync(HttpClient admin)
    {
        using var response = await admin.GetAsync(Functions + "/roll");
        response.EnsureSuccessStatusCode();
        return ResourceJson.Deserialize<Function>(await response.Content.ReadAsStringAsync());
    }

    private static async Task<Function> WaitForAsync(HttpClient admin, Func<Function, bool> predicate, PlatformProcess platform)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        Function? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await GetAsync(admin);
            if (predicate(last))
            {
                return last;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"condition not reached; last status {ResourceJson.Serialize(last?.Status ?? new FunctionStatus())}\n{platform.Output}");
    }
}
