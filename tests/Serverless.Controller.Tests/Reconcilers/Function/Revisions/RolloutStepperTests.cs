using Serverless.Controller.Reconcilers.Function.Revisions;
using Serverless.Core.Api;

namespace Serverless.Controller.Tests.Reconcilers.Function.Revisions;

/// <summary>The rollout's step plan on virtual time: the shares each second of a run where the new revision is always ready, and the waits.</summary>
public sealed class RolloutStepperTests
{
    private static readonly DateTime T0 = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    public static TheoryData<string, int, string, int, long, string> Plans => new()
    {
        // label, target %, duration, step %, interval ms, the share at t = 0 s, 1 s, 2 s, ... until done
        { "10s to 100%: 10 steps of 10%, one a second", 100, "10s", 10, 1000, "10 20 30 40 50 60 70 80 90 100" },
        { "2s to 100%: 2 steps of 50%", 100, "2s", 50, 1000, "50 100" },
        { "4s to 90%: 4 steps of 23% (the last one short)", 90, "4s", 23, 1000, "23 46 69 90" },
        { "0s: all at once", 100, "0s", 100, 0, "100" },
        { "500ms: one step (no step under a second)", 100, "500ms", 100, 500, "100" },
        { "5m to 100%: 1% every 3 s", 100, "5m", 1, 3000, "1 1 1 2 2 2 3" },
        { "1m to 10%: 1% every 6 s", 10, "1m", 1, 6000, "1 1 1 1 1 1 2" },
        { "3s to 1%: a single step", 1, "3s", 1, 3000, "1" },
    };

    [Theory]
    [MemberData(nameof(Plans))]
    public void StartThenNext_AlwaysReady_MovesTheShareInEqualSteps(string label, int target, string duration, int stepPercent, long intervalMs, string shares)
    {
        Assert.True(Core.Configuration.DurationText.TryParse(duration, out var span), label);
        var state = RolloutStepper.Start("hello-00002", "hello-00001", target, span, T0);
        Assert.Equal((stepPercent, intervalMs), (state.StepPercent, state.StepIntervalMilliseconds));

        var expected = shares.Split(' ').Select(int.Parse).ToArray();
        var seen = new List<int> { state.Percent };
        for (var second = 1; second < expected.Length; second++)
        {
            (state, _) = RolloutStepper.Next(state, readyForShare: true, T0.AddSeconds(second));
            seen.Add(state.Percent);
        }

        Assert.Equal(expected, seen);
    }

    public static TheoryData<string, int, bool, double, int, double?> Waits => new()
    {
        // label, share now, ready, seconds since the last step, share after, wait (s) after (null: done)
        { "not due yet: waits the rest of the interval", 30, true, 0.25, 30, 0.75 },
        { "due and ready: steps, waits an interval", 30, true, 1.0, 40, 1.0 },
        { "due and late: steps once, not twice", 30, true, 5.0, 40, 1.0 },
        { "due but not ready for its share: holds, polls after an interval", 30, false, 3.0, 30, 1.0 },
        { "the last step: done", 90, true, 1.0, 100, null },
        { "done already: nothing moves", 100, false, 9.0, 100, null },
    };

    [Theory]
    [MemberData(nameof(Waits))]
    public void Next_GivenReadinessAndTime_StepsOnlyWhenDueAndReady(string label, int percent, bool ready, double since, int after, double? wait)
    {
        var state = new RolloutStatus
        {
            RevisionName = "hello-00002", PreviousRevisionName = "hello-00001", Percent = percent, TargetPercent = 100,
            StepPercent = 10, StepIntervalMilliseconds = 1000, LastStepTime = T0,
        };

        var (next, delay) = RolloutStepper.Next(state, ready, T0.AddSeconds(since));

        Assert.True(after == next.Percent, label);
        Assert.Equal(wait, delay?.TotalSeconds);
        Assert.Equal(after == percent ? T0 : T0.AddSeconds(since), next.LastStepTime);
    }

    public static TheoryData<string, string, string> Splits => new()
    {
        // label, resolved status.traffic (rev:percent[:tag][:latest]), split at 30 of 100 (of 60 for the second)
        { "all latest", "hello-00002:100:latest", "hello-00001:70:latest hello-00002:30:latest" },
        { "latest beside a pinned share", "hello-00009:40 hello-00002:60:latest", "hello-00009:40 hello-00001:30:latest hello-00002:30:latest" },
        { "a tag stays with the new revision", "hello-00002:100:next:latest", "hello-00001:70:latest hello-00002:30:next:latest" },
        { "tag-only latest target keeps its 0%", "hello-00002:100:latest hello-00002:0:t:latest", "hello-00001:70:latest hello-00002:30:latest hello-00002:0:t:latest" },
    };

    [Theory]
    [MemberData(nameof(Splits))]
    public void Split_RolloutAt30Percent_GivesThePreviousRevisionTheRest(string label, string resolved, string expected)
    {
        var targets = resolved.Split(' ').Select(Parse).ToList();
        var latest = targets.Where(t => t.LatestRevision == true).Sum(t => t.Percent ?? 0);
        var state = new RolloutStatus { RevisionName = "hello-00002", PreviousRevisionName = "hello-00001", Percent = 30, TargetPercent = latest, StepPercent = 10, StepIntervalMilliseconds = 1000, LastStepTime = T0 };
        if (latest < 100)
        {
            state.Percent = latest - 30;
        }

        var split = RolloutStepper.Split(targets, state);

        Assert.True(expected == string.Join(' ', split.Select(Format)), $"{label}: {string.Join(' ', split.Select(Format))}");
    }

    private static TrafficTarget Parse(string text)
    {
        var parts = text.Split(':');
        return new TrafficTarget
        {
            RevisionName = parts[0],
            Percent = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture),
            Tag = parts.Length > 2 && parts[2] != "latest" ? parts[2] : null,
            LatestRevision = parts[^1] == "latest" ? true : null,
        };
    }

    private static string Format(TrafficTarget t) =>
        $"{t.RevisionName}:{t.Percent}" + (t.Tag is { } tag ? ":" + tag : "") + (t.LatestRevision == true ? ":latest" : "");
}
