using System.Globalization;
using System.Net;
using System.Text;
using Serverless.Core.Api;
using Serverless.Core.Serialization;
using Serverless.Platform.Tests.Admin;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Revisions;

/// <summary>
/// Issue #17 item 3 on the real platform: every revision is a workload of its own, so promoting a 10% canary to 100%
/// only moves weights. The processes (pids, from the instances' pid files) that served the canary's share are the ones
/// serving after the promotion, the old revision's drain, and no request fails on the way.
/// </summary>
public sealed class PromotionKeepsInstancesTests
{
    private const string Functions = "/apis/serverless.dev/v1alpha1/namespaces/default/functions";
    private const string V1Handler = "DotnetTest::DotnetTest.Handlers::Slow"; // answers "slept N"
    private const string V2Handler = "DotnetTest::DotnetTest.Handlers::Echo"; // answers JSON with the path

    [Fact]
    public async Task Promote_CanaryTo100UnderLoad_SameProcessesServeAndTheOldRevisionDrains()
    {
        using var home = new TempDirectory("serverless-promote");
        await File.WriteAllTextAsync(
            Path.Combine(home.Path, "config.json"),
            """{"autoscaler": {"tick-interval": "1s", "stable-window": "10s", "scale-to-zero-grace-period": "6s"}}""");
        await using var platform = await PlatformProcess.StartAsync(home.Path);
        using var admin = platform.CreateAdminClient();
        using var ingress = new HttpClient { BaseAddress = new Uri(platform.IngressUrl), Timeout = TimeSpan.FromSeconds(60) };

        var fn = AdminApiTests.DotnetFunction("promo", V1Handler);
        fn.Spec.Scale = new ScaleSpec { InitialScale = 1, MinScale = 1 };

        // Spawned for the function rather than specialized from the warm pool: their pid files carry their instance names.
        (fn.Metadata.Annotations ??= new Dictionary<string, string>())["serverless.dev/pool"] = "false";
        using (var created = await admin.PostAsync(Functions, Json(fn)))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        await WaitForAsync(admin, f => Routed(f) == "promo-00001:100", platform);
        Assert.Equal("v1", await CallAsync(ingress));
        Assert.DoesNotContain(Pids(home.Path, "promo-").Keys, id => !id.StartsWith("promo-00001-", StringComparison.Ordinal)); // no Function-keyed instances

        // v2 (a new handler), then pinned at 10% beside v1's 90%.
        await ChangeAsync(admin, f => f.Spec.Handler = V2Handler);
        await WaitForAsync(admin, f => f.Status?.LatestReadyRevision == "promo-00002", platform);
        await ChangeAsync(admin, f => f.Spec.Traffic =
            [new TrafficTarget { RevisionName = "promo-00001", Percent = 90 }, new TrafficTarget { RevisionName = "promo-00002", Percent = 10 }]);
        await WaitForAsync(admin, f => Routed(f) == "promo-00001:90,promo-00002:10", platform);

        // Load through the split until the promotion has been seen: bounded by count and time.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var failures = new List<string>();
        var answers = new Dictionary<string, int> { ["v1"] = 0, ["v2"] = 0 };
        var afterPromotion = -1; // answers counted once the promotion is routed; -1 before
        var load = Task.Run(async () =>
        {
            // At most 5,000 requests or 90 s; done 50 answers after the promotion.
            for (var i = 0; i < 5_000 && !stop.IsCancellationRequested; i++)
            {
                try
                {
                    using var response = await ingress.GetAsync("/default/promo/?ms=5", stop.Token);
                    var body = await response.Content.ReadAsStringAsync(stop.Token);
                    lock (answers)
                    {
                        if (response.StatusCode != HttpStatusCode.OK)
                        {
                            failures.Add($"{(int)response.StatusCode}: {body}");
                        }
                        else
                        {
                            answers[body.StartsWith("slept", StringComparison.Ordinal) ? "v1" : "v2"]++;
                        }

                        if (afterPromotion >= 0 && ++afterPromotion >= 50)
                        {
                            return;
                        }
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }
        });

        await WaitUntilAsync(() => { lock (answers) { return answers["v2"] >= 5; } }, TimeSpan.FromSeconds(60), "the canary got no share", platform);
        var canary = Pids(home.Path, "promo-00002-");
        var v1 = Pids(home.Path, "promo-00001-");
        Assert.NotEmpty(canary);
        Assert.NotEmpty(v1);

        // Promote past 50%, then to 100%: only weights move.
        await ChangeAsync(admin, f => f.Spec.Traffic =
            [new TrafficTarget { RevisionName = "promo-00001", Percent = 40 }, new TrafficTarget { RevisionName = "promo-00002", Percent = 60 }]);
        await WaitForAsync(admin, f => Routed(f) == "promo-00001:40,promo-00002:60", platform);
        await ChangeAsync(admin, f => f.Spec.Traffic = [new TrafficTarget { RevisionName = "promo-00002", Percent = 100 }]);
        await WaitForAsync(admin, f => Routed(f) == "promo-00002:100", platform);
        lock (answers)
        {
            afterPromotion = 0;
        }

        await load.WaitAsync(TimeSpan.FromSeconds(120));
        Assert.True(afterPromotion >= 50, $"only {afterPromotion} answers after the promotion\n{platform.Output}");
        Assert.True(failures.Count == 0, $"{failures.Count} requests failed during the promotion, first: {failures.FirstOrDefault()}\n{platform.Output}");

        // The canary's processes are the ones serving: none restarted (more may have been added by the autoscaler).
        var after = Pids(home.Path, "promo-00002-");
        foreach (var (instance, pid) in canary)
        {
            Assert.True(after.TryGetValue(instance, out var still) && still == pid, $"canary instance {instance} (pid {pid}) was replaced: now {string.Join(", ", after)}\n{platform.Output}");
        }

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("v2", await CallAsync(ingress));
        }

        // v1 has no share and no tag: unreachable, it drains (to zero once idle, its workload gone after the 6 s grace).
        await WaitUntilAsync(() => Pids(home.Path, "promo-00001-").Count == 0, TimeSpan.FromSeconds(60), "v1's instances did not drain", platform);
        foreach (var pid in v1.Values)
        {
            Assert.False(Alive(pid), $"v1's pid {pid} is still running");
        }
    }

    /// <summary>Instance id → pid of the running instances whose id starts with <paramref name="prefix"/>, from their pid files.</summary>
    private static Dictionary<string, int> Pids(string home, string prefix)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        var directory = Path.Combine(home, "instances");
        if (!Directory.Exists(directory))
        {
            return result;
        }

        foreach (var file in Directory.GetFiles(directory, prefix + "*.pid"))
        {
            try
            {
                var text = File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (text.Length > 0 && int.TryParse(text[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                {
                    result[Path.GetFileNameWithoutExtension(file)] = pid;
                }
            }
            catch (IOException)
            {
                // Removed as it was read: that instance has exited.
            }
        }

        return result;
    }

    private static bool Alive(int pid) => Directory.Exists($"/proc/{pid}");

    private static async Task<string> CallAsync(HttpClient ingress)
    {
        using var response = await ingress.GetAsync("/default/promo/?ms=0");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return body.StartsWith("slept", StringComparison.Ordinal) ? "v1" : "v2";
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what, PlatformProcess platform)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what}\n{platform.Output}");
            }

            await Task.Delay(100);
        }
    }

    private static string Routed(Function f) =>
        string.Join(",", (f.Status?.Traffic ?? []).Select(t => $"{t.RevisionName}:{t.Percent}"));

    private static StringContent Json(object value) => new(ResourceJson.Serialize(value), Encoding.UTF8, "application/json");

    private static async Task<Function> GetAsync(HttpClient admin)
    {
        using var response = await admin.GetAsync(Functions + "/promo");
        response.EnsureSuccessStatusCode();
        return ResourceJson.Deserialize<Function>(await response.Content.ReadAsStringAsync());
    }

    private static async Task ChangeAsync(HttpClient admin, Action<Function> edit)
    {
        for (var attempt = 0; ; attempt++)
        {
            var fn = await GetAsync(admin);
            edit(fn);
            using var replaced = await admin.PutAsync(Functions + "/promo", Json(fn));
            if (replaced.StatusCode == HttpStatusCode.Conflict && attempt < 5)
            {
                continue; // the controller wrote the status in between
            }

            Assert.True(replaced.StatusCode == HttpStatusCode.OK, await replaced.Content.ReadAsStringAsync());
            return;
        }
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

        throw new TimeoutException($"condition not reached; last status: {ResourceJson.Serialize(last?.Status!)}\n{platform.Output}");
    }
}
