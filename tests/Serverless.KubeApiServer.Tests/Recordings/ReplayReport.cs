using System.Text;

namespace Serverless.KubeApiServer.Tests.Recordings;

/// <summary>
/// The outcome of replaying steps: which matched, which differ as <see cref="KnownDifferences"/> says, and what no
/// entry explains. An entry whose aspect now matches is reported too (stale), so the table stays true.
/// </summary>
internal sealed class ReplayReport
{
    private readonly List<string> _lines = [];

    public int Steps { get; private set; }

    public int Matched { get; private set; }

    public List<string> Unexplained { get; } = [];

    public List<string> Stale { get; } = [];

    public void Add(RecordedStep step, IReadOnlyList<StepDifference> differences)
    {
        Steps++;
        var known = KnownDifferences.For(step.Scenario, step.Name);
        var excused = known?.Aspects ?? StepAspect.None;
        var differing = differences.Aggregate(StepAspect.None, (all, d) => all | d.Aspect);
        if (differences.Count == 0)
        {
            Matched++;
        }

        foreach (var difference in differences.Where(d => !excused.HasFlag(d.Aspect)))
        {
            Unexplained.Add($"{step}: {difference}");
        }

        foreach (var aspect in Enum.GetValues<StepAspect>().Where(a => a != StepAspect.None && excused.HasFlag(a) && !differing.HasFlag(a)))
        {
            Stale.Add($"{step}: known difference in {aspect} no longer differs ({known!.Why})");
        }

        var verdict = differences.Count == 0 ? "match" : differing == (differing & excused) ? "known" : "DIFFERS";
        _lines.Add($"{verdict,-8} {step}{(differences.Count == 0 ? "" : ": " + string.Join("; ", differences))}");
    }

    public string Failures() => string.Join('\n', Unexplained.Concat(Stale));

    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine($"{Matched} of {Steps} steps match the real server");
        foreach (var line in _lines)
        {
            text.AppendLine(line);
        }

        return text.ToString();
    }
}
