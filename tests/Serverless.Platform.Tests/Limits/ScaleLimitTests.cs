using System.Diagnostics;
using System.Net;
using k8s.Models;
using Serverless.Core.Api;
using Serverless.Core.Serialization;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Limits;

/// <summary>max-scale-limit and max-instances at the admin API, and a large scale-up interrupted by DELETE and by shutdown.</summary>
public sealed class ScaleLimitTests
{
    [Fact]
    public async Task Create_MinScaleOverTheDefaultLimit_422NamingMaxScaleLimit()
    {
        await using var platform = await LimitsPlatform.StartAsync();
        var probe = LimitsPlatform.TestFunction("sandbox-probe");

        using var refused = await platform.CreateAsync(LimitsPlatform.Python("huge", probe, new ScaleSpec { MinScale = 1_000_000 }));
        var body = await LimitsPlatform.BodyAsync(refused);
        using var unbounded = await platform.CreateAsync(LimitsPlatform.Python("unbounded", probe, new ScaleSpec { MaxScale = 0 }));

        LimitsPlatform.AssertStatus(HttpStatusCode.UnprocessableEntity, refused, body);
        var status = ResourceJson.Deserialize<V1Status>(body);
        var cause = Assert.Single(status.Details.Causes);
        Assert.Equal("spec.scale.minScale", cause.Field);
        Assert.Equal("must be <= 50, the platform's max-scale-limit (got 1000000)", cause.Message);
        LimitsPlatform.AssertStatus(HttpStatusCode.Created, unbounded, await LimitsPlatform.BodyAsync(unbounded)); // unbounded means the limit
    }

    [Fact]
    public async Task Create_OverConfiguredMaxInstances_422NamingIt()
    {
        await using var platform = await LimitsPlatform.StartAsync("""{"autoscaler": {"max-scale-limit": "500"}, "local": {"max-instances": "20"}}""");
        var probe = LimitsPlatform.TestFunction("sandbox-probe");

        using var refused = await platform.CreateAsync(LimitsPlatform.Python("many", probe, new ScaleSpec { MaxScale = 30, InitialScale = 21 }));
        var body = await LimitsPlatform.BodyAsync(refused);

        LimitsPlatform.AssertStatus(HttpStatusCode.UnprocessableEntity, refused, body);
        var causes = ResourceJson.Deserialize<V1Status>(body).Details.Causes.ToDictionary(c => c.Field, c => c.Message);
        Assert.Equal("must be <= 20, the platform's max-instances (instances of all functions together) (got 30)", causes["spec.scale.maxScale"]);
        Assert.Equal("must be <= 20, the platform's max-instances (instances of all functions together) (got 21)", causes["spec.scale.initialScale"]);
    }

    [Theory]
    [InlineData("delete")]
    [InlineData("down")]
    public async Task LargeScaleUp_InterruptedByDeleteOrShutdown_PromptlyAndNoProcessLeft(string how)
    {
        await using var platform = await LimitsPlatform.StartAsync();
        var probe = LimitsPlatform.TestFunction("sandbox-probe");

        // Spawns do not wait for readiness, so a loaded machine sometimes finishes all 50 before the DELETE lands and
        // nothing was interrupted: a DELETE then tries again with a new Function (at most 3), so that the properties
        // below are checked on a scale-up that was really cut short. Shutdown gets one try: it ends the platform.
        var attempts = how == "delete" ? 3 : 1;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            var name = "crowd-" + attempt;
            using (var created = await platform.CreateAsync(LimitsPlatform.Python(name, probe, new ScaleSpec { MinScale = 50 })))
            {
                LimitsPlatform.AssertStatus(HttpStatusCode.Created, created, await LimitsPlatform.BodyAsync(created));
            }

            // Instance logs appear as instances start: the first one, and the scale-up is under way.
            var logs = Path.Combine(platform.Home, "logs", "default", name);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (DateTime.UtcNow < deadline && (!Directory.Exists(logs) || Directory.GetFiles(logs).Length < 1))
            {
                await Task.Delay(20);
            }

            var clock = Stopwatch.StartNew();
            if (how == "delete")
            {
                using var deleted = await platform.DeleteAsync(name);
                Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"DELETE took {clock.Elapsed}");
            }
            else
            {
                Assert.Equal(0, await platform.Platform.StopAsync(TimeSpan.FromSeconds(30)));
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"shutdown took {clock.Elapsed}\n{platform.Platform.Output}");
            }

            var left = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (DateTime.UtcNow < left && ProcessTree.WithEnvironment("FUNCTION_PATH", probe).Count > 0)
            {
                await Task.Delay(100);
            }

            Assert.Empty(ProcessTree.WithEnvironment("FUNCTION_PATH", probe));
            if (Directory.GetFiles(logs).Length < 50)
            {
                return; // interrupted, promptly, and nothing left
            }
        }

        Assert.Fail($"the scale-up ran to its end before the {how} landed, {attempts} time(s)");
    }
}
