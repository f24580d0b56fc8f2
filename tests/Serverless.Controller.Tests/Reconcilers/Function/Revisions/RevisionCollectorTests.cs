using Serverless.Controller.Reconcilers.Function.Revisions;
using Serverless.Core.Api;
using Serverless.Core.Naming;

namespace Serverless.Controller.Tests.Reconcilers.Function.Revisions;

/// <summary>Knative's config-gc decision: which revisions without traffic go, by age and by count.</summary>
public sealed class RevisionCollectorTests
{
    private static readonly DateTime Now = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    public static TheoryData<string, int, int, int, int[], string[]> Cases => new()
    {
        // label, revisions 1..n (each one hour older than the next), min, max, active generations, expected deleted
        { "all young: kept", 5, 1, 1000, [5], [] },
        { "old beyond min: the oldest go", 30, 20, 1000, [30], ["hello-00001", "hello-00002", "hello-00003", "hello-00004", "hello-00005", "hello-00006", "hello-00007", "hello-00008", "hello-00009"] },
        { "active ones never count nor go", 6, 2, 1000, [1, 6], ["hello-00002", "hello-00003"] },
        { "young, yet max caps them", 6, 0, 2, [6], ["hello-00001", "hello-00002", "hello-00003"] },
        { "min 0 and all old: every inactive one goes", 4, 0, 1000, [4], ["hello-00001", "hello-00002", "hello-00003"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Collect_Cases_DeleteTheOldestBeyondRetention(string label, int count, int min, int max, int[] active, string[] expected)
    {
        // Revision n was created (count - n) hours ago plus 48 h for the "old" rows, so age decides with the default 48 h.
        var young = label.Contains("young", StringComparison.Ordinal);
        var revisions = Enumerable.Range(1, count).Select(n => new Revision
        {
            Metadata = new()
            {
                Name = RevisionNames.Name("hello", n),
                CreationTimestamp = Now - TimeSpan.FromHours(count - n) - (young ? TimeSpan.Zero : TimeSpan.FromHours(48)),
                Labels = new Dictionary<string, string> { [RevisionNames.GenerationLabel] = n.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            },
        }).ToList();
        var retention = new RevisionRetention { MinNonActiveRevisions = min, MaxNonActiveRevisions = max };

        var deleted = RevisionCollector.Collect(revisions, active.Select(n => RevisionNames.Name("hello", n)).ToHashSet(), retention, Now);

        Assert.Equal(expected, deleted.Order(StringComparer.Ordinal));
    }
}
