using Serverless.Core.Api;
using Serverless.Core.Traffic;

namespace Serverless.Core.Tests.Traffic;

/// <summary>Knative's traffic configuration cases: latest, named, tags, a missing revision, a failed one, percents.</summary>
public sealed class TrafficResolverTests
{
    private static readonly Dictionary<string, RevisionReadiness> Revisions = new(StringComparer.Ordinal)
    {
        ["hello-00001"] = RevisionReadiness.Ready,
        ["hello-00002"] = RevisionReadiness.Ready,
        ["hello-00003"] = RevisionReadiness.Failed,
        ["hello-00004"] = RevisionReadiness.Pending,
    };

    private static TrafficTarget Latest(int? percent, string? tag = null) => new() { LatestRevision = true, Percent = percent, Tag = tag };

    private static TrafficTarget Named(string revision, int? percent, string? tag = null) => new() { RevisionName = revision, Percent = percent, Tag = tag };

    private static string Url(string tag) => $"http://127.0.0.1:8080/default/hello@{tag}/";

    public static TheoryData<string, TrafficTarget[]?, string?, string[]?, string, string?> Cases => new()
    {
        // label, spec.traffic, latest ready, expected targets "revision:percent[:tag=url][:latest]" (null: previous split kept), RouteReady status, message
        { "no block: all to latest ready", null, "hello-00002", ["hello-00002:100:latest"], "True", null },
        { "empty block is the same", [], "hello-00002", ["hello-00002:100:latest"], "True", null },
        { "no ready revision yet", null, null, null, "Unknown", "Function \"hello\" is waiting for a Revision to become ready." },
        { "named 90/10", [Named("hello-00001", 90), Named("hello-00002", 10)], "hello-00002", ["hello-00001:90", "hello-00002:10"], "True", null },
        {
            "latest tagged beside a pinned revision", [Named("hello-00001", 100, "stable"), Latest(0, "canary")], "hello-00002",
            ["hello-00001:100:stable=http://127.0.0.1:8080/default/hello@stable/", "hello-00002:0:canary=http://127.0.0.1:8080/default/hello@canary/:latest"], "True", null
        },
        { "tag-only target without percent reads 0", [Latest(100), Named("hello-00001", null, "old")], "hello-00002", ["hello-00002:100:latest", "hello-00001:0:old=http://127.0.0.1:8080/default/hello@old/"], "True", null },
        { "missing revision", [Named("hello-00009", 100)], "hello-00002", null, "False", "Revision \"hello-00009\" referenced in traffic not found." },
        { "failed revision", [Named("hello-00003", 10), Latest(90)], "hello-00002", null, "False", "Revision \"hello-00003\" failed to become ready." },
        { "pending revision", [Named("hello-00004", 10), Latest(90)], "hello-00002", null, "Unknown", "Revision \"hello-00004\" is not yet ready." },
        {
            "missing beats pending whatever the order", [Named("hello-00004", 10), Named("hello-00008", 90)], "hello-00002",
            null, "False", "Revision \"hello-00008\" referenced in traffic not found."
        },
        { "broken latest created is not latest ready: traffic stays", [Latest(100)], "hello-00002", ["hello-00002:100:latest"], "True", null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Resolve_Cases_GiveTheSplitAndRouteState(string label, TrafficTarget[]? traffic, string? latestReady, string[]? expected, string status, string? message)
    {
        var resolution = TrafficResolver.Resolve("hello", traffic, Revisions, latestReady, Url);

        Assert.False(string.IsNullOrEmpty(label));
        Assert.Equal(status, resolution.Route.Status);
        Assert.Equal(status == "True" ? "TrafficAssigned" : RouteState.RevisionMissing, resolution.Route.Reason);
        if (message is not null)
        {
            Assert.Equal(message, resolution.Route.Message);
        }

        Assert.Equal(expected, resolution.Targets?.Select(Describe).ToArray());
    }

    [Fact]
    public void Weights_SameRevisionTwice_AddsUpAndDropsZeroShares()
    {
        TrafficTarget[] targets =
        [
            Named("hello-00001", 40), Named("hello-00002", 10, "canary"), Named("hello-00001", 50, "stable"), Named("hello-00003", 0, "next"),
        ];

        var weights = TrafficResolution.Weights(targets);

        Assert.Equal(["hello-00001=90", "hello-00002=10"], weights.Select(w => $"{w.Key}={w.Value}"));
    }

    private static string Describe(TrafficTarget t) =>
        $"{t.RevisionName}:{t.Percent}" + (t.Tag is { } tag ? $":{tag}={t.Url}" : "") + (t.LatestRevision == true ? ":latest" : "");
}
