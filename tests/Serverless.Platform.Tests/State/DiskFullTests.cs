using System.Net;
using System.Text;
using k8s.Models;
using Serverless.Core.Api;
using Serverless.Core.Serialization;
using Serverless.Platform.Tests.Admin;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.State;

/// <summary>The real platform with its state on a small tmpfs that is then filled (root mounts it, as CI runs).</summary>
public sealed class DiskFullTests
{
    private const string Functions = "/apis/serverless.dev/v1alpha1/namespaces/default/functions";

    // Issue #14 item 5: the admin API answered a write on a full disk with 500 and an empty body.
    [Fact]
    public async Task Create_DiskFull_507StatusThenStoredOnceSpaceIsBack()
    {
        await using var disk = await SmallFileSystem.MountAsync("24m");
        var home = Path.Combine(disk.Path, "home");
        await using var platform = await PlatformProcess.StartAsync(home);
        using var admin = platform.CreateAdminClient();
        var filler = disk.Fill();

        using (var refused = await admin.PostAsync(Functions, Body(Large("full"))))
        {
            var text = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.InsufficientStorage, $"{(int)refused.StatusCode}: {text}\n{platform.Output}");
            var status = ResourceJson.Deserialize<V1Status>(text);
            Assert.Equal("InsufficientStorage", status.Reason);
            Assert.Contains("was not stored", status.Message, StringComparison.Ordinal);
        }

        File.Delete(filler);
        using (var stored = await admin.PostAsync(Functions, Body(Large("full"))))
        {
            Assert.True(stored.StatusCode == HttpStatusCode.Created, $"{(int)stored.StatusCode}: {await stored.Content.ReadAsStringAsync()}\n{platform.Output}");
        }

        Assert.False(platform.HasExited);
    }

    // Issue #14 item 1: with the disk full, a delivery whose outcome could not be stored stayed due and was sent again at
    // once, every round: 3 events were delivered 40,136 times in 15 s.
    [Fact]
    public async Task Delivery_OutcomeNotStorableOnFullDisk_NotSentAgainThenStoredOnceSpaceIsBack()
    {
        await using var disk = await SmallFileSystem.MountAsync("24m");
        var home = Path.Combine(disk.Path, "home");
        await using var sink = await Events.EventSink.StartAsync();
        await using var platform = await PlatformProcess.StartAsync(home);
        using var admin = platform.CreateAdminClient(TimeSpan.FromSeconds(30));
        using var ingress = new HttpClient { BaseAddress = new Uri(platform.IngressUrl), Timeout = TimeSpan.FromSeconds(30) };
        await Events.EventsApi.CreateAsync(admin, "triggers", Events.EventsApi.Trigger("held", "com.example.held", new Destination { Uri = sink.Url + "/hold" }));
        await Events.EventsApi.WaitReadyAsync(admin, "held", platform);

        // Stored, and each sent once: the sink holds its answers while the disk is filled under the broker.
        string[] ids = ["held-1", "held-2", "held-3"];
        await Events.EventsApi.PublishAsync(ingress, ids, "com.example.held", batchSize: 3, parallel: 1);
        await Events.EventsApi.WaitUntilAsync(() => sink.At("/hold").Count() >= 3, TimeSpan.FromSeconds(30), () => platform.Output);
        var filler = disk.Fill();
        sink.Release();

        // The 202s cannot be recorded; the deliveries must wait rather than go out again every round.
        await Events.EventsApi.WaitUntilAsync(
            () => platform.Output.Split('\n').Count(l => l.Contains("could not be stored", StringComparison.Ordinal)) >= 3,
            TimeSpan.FromSeconds(30),
            () => platform.Output);
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.True(sink.At("/hold").Count() == 3, $"{sink.At("/hold").Count()} deliveries of 3 events on a full disk\n{platform.Output}");

        File.Delete(filler);
        await Events.EventsApi.WaitUntilAsync(
            () => platform.Output.Split('\n').Count(l => l.Contains("is stored now", StringComparison.Ordinal)) >= 3,
            TimeSpan.FromSeconds(30),
            () => platform.Output);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(ids, sink.At("/hold").Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.False(platform.HasExited);
    }

    /// <summary>A Function of about 1.2 MB (40 env values of 30 000 characters): it cannot fit in pages SQLite already has.</summary>
    private static Function Large(string name)
    {
        var function = AdminApiTests.NodeFunction(name);
        function.Spec.Env = [.. Enumerable.Range(0, 40).Select(i => new EnvVar { Name = "V" + i, Value = new string('x', 30_000) })];
        return function;
    }

    private static StringContent Body(Function function) => new(ResourceJson.Serialize(function), Encoding.UTF8, "application/json");
}
