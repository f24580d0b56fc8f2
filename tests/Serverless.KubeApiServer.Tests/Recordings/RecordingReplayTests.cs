using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Serverless.KubeApiServer.Tests.Recordings;

/// <summary>
/// Replays what a real kube-apiserver v1.32 answered (tests/testassets/kube-recordings) against the double and
/// compares codes, reasons, causes' field paths, Warning headers and body shapes, step by step.
/// </summary>
public sealed partial class RecordingReplayTests(ITestOutputHelper output)
{
    public static TheoryData<string> ScenarioNames => new(KubeRecordings.Scenarios);

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public async Task Replay_HttpScenario_MatchesRealServerOrKnownDifference(string scenario)
    {
        var steps = KubeRecordings.Scenario(scenario);
        await using var session = await ReplaySession.StartAsync(steps.Select(s => RecordedNamespace().Match(s.Request.Path)).Where(m => m.Success).Select(m => m.Groups[1].Value).Distinct());
        var report = new ReplayReport();

        foreach (var step in steps)
        {
            report.Add(step, StepComparison.Compare(step.Response, await session.RunAsync(step)));
        }

        output.WriteLine(report.ToString());
        Assert.True(report.Unexplained.Count == 0 && report.Stale.Count == 0, report.Failures());
    }

    [Fact]
    public async Task Replay_Discovery_MatchesRealServerOrKnownDifference()
    {
        await using var session = await ReplaySession.StartAsync([]);
        var report = new ReplayReport();

        foreach (var step in KubeRecordings.Discovery())
        {
            var answer = await session.RunAsync(step);
            var projected = answer with { Body = DiscoveryProjection.Project(step.Name, step.Response.Body, answer.Body) };
            report.Add(step, StepComparison.Compare(step.Response, projected, stringListValues: true));
        }

        output.WriteLine(report.ToString());
        Assert.True(report.Unexplained.Count == 0 && report.Stale.Count == 0, report.Failures());
    }

    [Fact]
    public void KnownDifferences_EveryEntry_NamesARecordedStep()
    {
        var steps = KubeRecordings.Scenarios.SelectMany(KubeRecordings.Scenario).Concat(KubeRecordings.Discovery())
            .Select(s => (s.Scenario, s.Name))
            .ToHashSet();

        Assert.All(KnownDifferences.All, d => Assert.Contains((d.Scenario, d.Step), steps));
        Assert.All(KnownDifferences.All, d => Assert.NotEqual(StepAspect.None, d.Aspects));
    }

    [GeneratedRegex("^/[^?]*/namespaces/(rec-[a-z]+-[0-9]+)/")]
    private static partial Regex RecordedNamespace();
}
