using Serverless.Cli.Commands;
using Serverless.Core.Api;
using Serverless.Core.Naming;
using static Serverless.Cli.Tests.Fakes.TestFunctions;

namespace Serverless.Cli.Tests.Commands;

/// <summary><c>func traffic NAME set …</c>, <c>func traffic NAME latest</c> and <c>func revisions NAME</c> against the fake admin API.</summary>
public sealed class TrafficCommandTests : CommandTestBase
{
    public static TheoryData<string, string[], string[], string[]?, string?> ParseCases => new()
    {
        // label, splits, tags, expected targets "name|@latest:percent[:tag]", expected error part
        { "two named", ["hello-00001=90", "hello-00002=10"], [], ["hello-00001:90", "hello-00002:10"], null },
        { "latest and a pinned one", ["@latest=10", "hello-00001=90"], [], ["@latest:10", "hello-00001:90"], null },
        { "tag on a split target", ["hello-00001=90", "hello-00002=10"], ["canary=hello-00002"], ["hello-00001:90", "hello-00002:10:canary"], null },
        { "tag on another revision adds 0%", ["@latest=100"], ["old=hello-00001"], ["@latest:100", "hello-00001:0:old"], null },
        { "tag on latest", ["hello-00001=100"], ["next=@latest"], ["hello-00001:100", "@latest:0:next"], null },
        { "no equals", ["hello-00001"], [], null, "give REVISION=PERCENT" },
        { "percent not a number", ["hello-00001=ninety"], [], null, "give REVISION=PERCENT" },
        { "negative percent", ["hello-00001=-5"], [], null, "give REVISION=PERCENT" },
        { "tag without revision", ["hello-00001=100"], ["canary="], null, "give TAG=REVISION" },
    };

    [Theory]
    [MemberData(nameof(ParseCases))]
    public void Parse_Words_GiveTargetsOrAnError(string label, string[] splits, string[] tags, string[]? expected, string? error)
    {
        var targets = TrafficArguments.Parse(splits, tags, out var message);

        Assert.False(string.IsNullOrEmpty(label));
        Assert.Equal(expected, targets?.Select(t => $"{t.RevisionName ?? "@latest"}:{t.Percent}" + (t.Tag is { } tag ? ":" + tag : "")).ToArray());
        if (error is not null)
        {
            Assert.Contains(error, message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TrafficSet_Split_WritesSpecTrafficKeepingTheRestOfTheSpec()
    {
        Api.Seed(Function("hello"));

        var result = await Cli.RunAsync("traffic", "hello", "set", "hello-00001=90", "hello-00002=10", "--tag", "canary=hello-00002");

        Assert.Equal(0, result.ExitCode);
        var stored = Api.Stored("default", "hello")!;
        Assert.Equal(["hello-00001:90:", "hello-00002:10:canary"], stored.Spec.Traffic!.Select(t => $"{t.RevisionName}:{t.Percent}:{t.Tag}"));
        Assert.Equal("node", stored.Spec.Runtime);
        Assert.Contains("traffic set: hello-00001=90%, hello-00002=10% (tag canary)", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrafficLatest_RemovesSpecTraffic()
    {
        var function = Function("hello");
        function.Spec.Traffic = [new TrafficTarget { RevisionName = "hello-00001", Percent = 100 }];
        Api.Seed(function);

        var result = await Cli.RunAsync("traffic", "hello", "latest");

        Assert.Equal(0, result.ExitCode);
        Assert.Null(Api.Stored("default", "hello")!.Spec.Traffic);
    }

    [Theory]
    [InlineData("5m", "5m", "a new revision takes its share in steps over 5m")]
    [InlineData("90s", "1m30s", "in steps over 1m30s")]
    [InlineData("0s", "0s", "a new revision takes its share at once")]
    public async Task TrafficRollout_Duration_WritesTheAnnotationKeepingTheSpec(string duration, string stored, string said)
    {
        Api.Seed(Function("hello"));

        var result = await Cli.RunAsync("traffic", "hello", "rollout", "--duration", duration);

        Assert.True(result.ExitCode == 0, result.Error);
        var function = Api.Stored("default", "hello")!;
        Assert.Equal(stored, function.Metadata.Annotations![Serverless.Core.Traffic.RolloutDuration.Annotation]);
        Assert.Equal("node", function.Spec.Runtime);
        Assert.Equal(1, function.Metadata.Generation); // metadata only: no new revision
        Assert.Contains(said, result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("25h")]
    [InlineData("-1s")]
    public async Task TrafficRollout_BadDuration_Exits1WithoutWriting(string duration)
    {
        Api.Seed(Function("hello"));

        var result = await Cli.RunAsync("traffic", "hello", "rollout", "--duration", duration);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("give a duration from 0s to 24h", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Api.Requests, r => r.Method == "PUT");
    }

    [Fact]
    public async Task TrafficSet_BadWord_Exits1WithoutWriting()
    {
        Api.Seed(Function("hello"));

        var result = await Cli.RunAsync("traffic", "hello", "set", "hello-00001");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("give REVISION=PERCENT", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Api.Requests, r => r.Method == "PUT");
    }

    [Fact]
    public async Task Revisions_ListsTheFunctionsRevisionsWithTrafficAndTags()
    {
        var function = Function("hello");
        function.Status = new FunctionStatus
        {
            LatestCreatedRevision = "hello-00003",
            LatestReadyRevision = "hello-00002",
            Traffic = [new TrafficTarget { RevisionName = "hello-00002", LatestRevision = true, Percent = 100 }, new TrafficTarget { RevisionName = "hello-00001", Percent = 0, Tag = "old" }],
        };
        Api.Seed(function);
        Api.Revisions.Add(Revision("hello", 1, "True", new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
        Api.Revisions.Add(Revision("hello", 2, "True", new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc)));
        Api.Revisions.Add(Revision("hello", 3, "False", new DateTime(2026, 1, 3, 0, 0, 0, DateTimeKind.Utc)));
        Api.Revisions.Add(Revision("other", 1, "True", new DateTime(2026, 1, 3, 0, 0, 0, DateTimeKind.Utc)));

        var result = await Cli.RunAsync("revisions", "hello");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();
        Assert.StartsWith("NAME READY TRAFFIC TAGS REPLICAS AGE", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("hello-00003 (latest created) False 0% <none>", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("hello-00002 (latest ready) True 100% <none>", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("hello-00001 True 0% old", lines[3], StringComparison.Ordinal);
        Assert.Equal(4, lines.Length);
    }

    private static Revision Revision(string function, int generation, string ready, DateTime created) => new()
    {
        Metadata = new()
        {
            Name = RevisionNames.Name(function, generation),
            NamespaceProperty = "default",
            CreationTimestamp = created,
            Labels = new Dictionary<string, string> { [RevisionNames.FunctionLabel] = function },
        },
        Spec = new RevisionSpec { Function = function },
        Status = new RevisionStatus { Conditions = [new() { Type = ConditionTypes.Ready, Status = ready }] },
    };
}
