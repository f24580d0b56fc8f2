using Serverless.Backends.Local.Processes;

namespace Serverless.Backends.Local.Tests.Processes;

public sealed class WorkloadPlannerTests
{
    private const string Current = "new";

    // Instances are written "id:revision:state[:inFlight]" with state S(tarting), R(eady), N(otReady), D(raining)
    // and the requests in flight to it (default 0); the sequence is the position in the list (later = newer).
    public static TheoryData<string, int, string[], int, string[]> Cases => new()
    {
        { "nothing to do", 2, ["a:new:R", "b:new:S"], 0, [] },
        { "create from empty", 3, [], 3, [] },
        { "scale up counts starting ones", 3, ["a:new:R", "b:new:S"], 1, [] },
        { "crashed instance replaced", 2, ["a:new:R"], 1, [] },
        { "scale down: newest ready first", 1, ["a:new:R", "b:new:R", "c:new:R"], 0, ["c", "b"] },
        { "scale down: not ready before newer ready", 1, ["a:new:R", "b:new:N", "c:new:R"], 0, ["b", "c"] },
        { "scale down: idle before busy, whatever their age", 1, ["a:new:R:0", "b:new:R:3", "c:new:R:1"], 0, ["a", "c"] },
        { "scale down: the busiest survives", 2, ["a:new:R:5", "b:new:R:0", "c:new:R:2"], 0, ["b"] },
        { "scale down: not ready before idle ready", 1, ["a:new:R:0", "b:new:N", "c:new:R:4"], 0, ["b", "a"] },
        { "scale down: starting newest first", 1, ["a:new:S", "b:new:S", "c:new:R"], 0, ["b", "a"] },
        { "draining ones are ignored", 1, ["a:new:D", "b:new:R"], 0, [] },
        { "scale to zero drains all", 0, ["a:new:R", "b:new:S"], 0, ["b", "a"] },
        { "roll begins: old kept while new starts", 2, ["a:old:R", "b:old:R"], 2, [] },
        { "roll: old kept until new ready", 2, ["a:old:R", "b:old:R", "c:new:S", "d:new:S"], 0, [] },
        { "roll: one new ready drains newest old", 2, ["a:old:R", "b:old:R", "c:new:R", "d:new:S"], 0, ["b"] },
        { "roll: all new ready drains all old", 2, ["a:old:R", "b:old:R", "c:new:R", "d:new:R"], 0, ["a", "b"] },
        { "roll: old not ready drained at once", 2, ["a:old:N", "b:old:R", "c:new:S", "d:new:S"], 0, ["a"] },
        { "roll: failing new revision keeps old", 2, ["a:old:R", "b:old:R"], 2, [] },
        { "roll to zero drains old", 0, ["a:old:R", "b:new:S"], 0, ["b", "a"] },
        { "old beyond desired drained", 1, ["a:old:R", "b:old:R", "c:new:S"], 0, ["b"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Plan_Instances_StartsAndDrainsAsExpected(string label, int desired, string[] instances, int expectedStart, string[] expectedDrain)
    {
        var views = instances.Select((text, index) => Parse(text, index)).ToList();

        var plan = WorkloadPlanner.Plan(desired, Current, views);

        Assert.True(expectedStart == plan.ToStart, $"{label}: expected {expectedStart} to start, got {plan.ToStart}");
        Assert.True(
            expectedDrain.SequenceEqual(plan.ToDrain),
            $"{label}: expected to drain [{string.Join(", ", expectedDrain)}], got [{string.Join(", ", plan.ToDrain)}]");
    }

    private static InstanceView Parse(string text, int index)
    {
        var parts = text.Split(':');
        var state = parts[2] switch
        {
            "S" => LocalInstanceState.Starting,
            "R" => LocalInstanceState.Ready,
            "N" => LocalInstanceState.NotReady,
            "D" => LocalInstanceState.Draining,
            _ => throw new ArgumentException(text),
        };
        var inFlight = parts.Length > 3 ? int.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture) : 0;
        return new InstanceView(parts[0], parts[1], state, index, inFlight);
    }
}
