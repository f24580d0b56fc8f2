using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Backends.Kubernetes.Events;
using Serverless.Core.Contracts;
using Serverless.KubeApiServer;
using Serverless.Hosting.KubeApi.Resources;
using static Serverless.Backends.Kubernetes.Tests.KubeTestObjects;

namespace Serverless.Backends.Kubernetes.Tests.Events;

/// <summary>The recorder against the API double: the Events <c>kubectl describe</c> shows, repeats counted on one.</summary>
public sealed class KubernetesEventRecorderTests
{
    [Fact]
    public async Task RunAsync_RepeatedOccurrence_OneEventWithItsCount()
    {
        await using var api = await KubeApiDouble.StartAsync();
        var recorder = new KubernetesEventRecorder(api.CreateClient("controller"), "serverless-controller", "controller-0", TimeProvider.System, NullLogger.Instance);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var run = recorder.RunAsync(stop.Token);
        var function = TestFunction("team-a", "hello");

        recorder.Record(function, EventTypes.Normal, "Created", "Created Deployment team-a/hello");
        for (var i = 0; i < 3; i++)
        {
            recorder.Record(function, EventTypes.Warning, "NotOwned", "Service team-a/hello exists and is not owned by this Function");
        }

        while (api.Audit.For("controller").Count(r => r.StatusCode is >= 200 and < 300) < 4)
        {
            await Task.Delay(20, stop.Token);
        }

        var events = api.ListObjects(ResourceTypes.Events, "team-a").OrderBy(e => e["reason"]!.GetValue<string>()).ToList();
        Assert.Equal(2, events.Count);
        Assert.Equal(("Created", "Normal", 1), (events[0]["reason"]!.GetValue<string>(), events[0]["type"]!.GetValue<string>(), events[0]["count"]!.GetValue<int>()));
        var notOwned = events[1];
        Assert.Equal(("NotOwned", "Warning", 3), (notOwned["reason"]!.GetValue<string>(), notOwned["type"]!.GetValue<string>(), notOwned["count"]!.GetValue<int>()));
        Assert.Equal(("Function", "hello", "uid-hello"), (
            notOwned["involvedObject"]!["kind"]!.GetValue<string>(),
            notOwned["involvedObject"]!["name"]!.GetValue<string>(),
            notOwned["involvedObject"]!["uid"]!.GetValue<string>()));
        Assert.Equal("serverless-controller", notOwned["source"]!["component"]!.GetValue<string>());
        Assert.Equal(["create", "create", "patch", "patch"], api.Audit.For("controller").Select(r => r.Verb).ToArray());

        // The loop ends on cancellation: by throwing it while it waits for the next occurrence, or by returning when the
        // cancellation meets a write still finishing (it raced so under load).
        await stop.CancelAsync();
        var ended = await Record.ExceptionAsync(() => run);
        Assert.True(ended is null or OperationCanceledException, ended?.ToString());
    }
}
