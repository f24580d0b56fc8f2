using Serverless.Backends.Kubernetes.Resources;

namespace Serverless.Backends.Kubernetes.Tests.Resources;

public sealed class PodDeletionCostPlannerTests
{
    public static TheoryData<string, (string, string?, int)[], (string, string?)[]> Cases => new()
    {
        { "all idle, none annotated: no patch", [("a", null, 0), ("b", null, 0)], [] },
        { "busy pods get their in-flight count", [("a", null, 0), ("b", null, 5), ("c", null, 2)], [("b", "5"), ("c", "2")] },
        { "unchanged cost: no patch", [("a", "5", 5)], [] },
        { "a pod that went idle is reset", [("a", "3", 0)], [("a", null)] },
        { "an explicit zero counts as unannotated", [("a", "0", 0)], [] },
        { "a changed load is rewritten", [("a", "3", 8)], [("a", "8")] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Plan_Loads_BusiestHighestOnlyChangesWritten(string label, (string, string?, int)[] pods, (string, string?)[] expected)
    {
        var plan = PodDeletionCostPlanner.Plan(pods.Select(p => new PodLoad(p.Item1, p.Item2, p.Item3)));

        Assert.True(expected.SequenceEqual(plan), label);
    }
}
