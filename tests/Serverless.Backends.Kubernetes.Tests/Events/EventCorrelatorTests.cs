using k8s.Models;
using Serverless.Backends.Kubernetes.Events;

namespace Serverless.Backends.Kubernetes.Tests.Events;

/// <summary>client-go's correlation rules on given times: repeats counted, similar messages combined, floods dropped.</summary>
public sealed class EventCorrelatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly EventCorrelator _correlator = new();

    [Fact]
    public void Correlate_SameOccurrenceTwice_OneEventCountedTwice()
    {
        var first = Assert.IsType<EventDecision.Create>(_correlator.Correlate(Occurrence("hello", "NotOwned", "Service team/hello is not ours"), T0));
        var second = Assert.IsType<EventDecision.Repeat>(_correlator.Correlate(Occurrence("hello", "NotOwned", "Service team/hello is not ours"), T0.AddSeconds(5)));

        Assert.StartsWith("hello.", first.Name, StringComparison.Ordinal);
        Assert.Equal((first.Name, 2, T0, T0.AddSeconds(5)), (second.Name, second.Count, second.FirstTime, second.Time));
    }

    [Fact]
    public void Correlate_OtherMessageOrObject_NewEvent()
    {
        var a = Assert.IsType<EventDecision.Create>(_correlator.Correlate(Occurrence("hello", "Created", "Created Deployment team/hello"), T0));
        var b = Assert.IsType<EventDecision.Create>(_correlator.Correlate(Occurrence("hello", "Created", "Created Service team/hello"), T0));
        var c = Assert.IsType<EventDecision.Create>(_correlator.Correlate(Occurrence("other", "Created", "Created Service team/hello"), T0));

        Assert.Equal(3, new[] { a.Name, b.Name, c.Name }.Distinct().Count());
    }

    [Fact]
    public void Correlate_ElevenDistinctMessagesOfOneReason_CombinedFromTheEleventh()
    {
        for (var i = 0; i < EventCorrelator.AggregateAfter; i++)
        {
            Assert.IsType<EventDecision.Create>(_correlator.Correlate(Occurrence("hello", "ReconcileFailed", $"error {i}"), T0.AddSeconds(i)));
        }

        var combined = Assert.IsType<EventDecision.Create>(_correlator.Correlate(Occurrence("hello", "ReconcileFailed", "error 10"), T0.AddSeconds(10)));
        var again = Assert.IsType<EventDecision.Repeat>(_correlator.Correlate(Occurrence("hello", "ReconcileFailed", "error 11"), T0.AddSeconds(11)));

        Assert.Equal("(combined from similar events): error 10", combined.Message);
        Assert.Equal((combined.Name, 2, "(combined from similar events): error 11"), (again.Name, again.Count, again.Message));
    }

    [Fact]
    public void Correlate_FloodOfOneObject_25ThenOnePerFiveMinutes()
    {
        var written = 0;
        for (var i = 0; i < 100; i++)
        {
            written += _correlator.Correlate(Occurrence("hello", "ReconcileFailed", "boom"), T0.AddSeconds(i)) is EventDecision.Drop ? 0 : 1;
        }

        Assert.Equal(EventCorrelator.Burst, written);
        Assert.IsType<EventDecision.Drop>(_correlator.Correlate(Occurrence("hello", "ReconcileFailed", "boom"), T0.AddMinutes(4)));
        Assert.IsType<EventDecision.Repeat>(_correlator.Correlate(Occurrence("hello", "ReconcileFailed", "boom"), T0.AddMinutes(6)));
        // Another object has its own budget.
        Assert.IsType<EventDecision.Create>(_correlator.Correlate(Occurrence("other", "ReconcileFailed", "boom"), T0.AddMinutes(6)));
    }

    private static EventRecord Occurrence(string name, string reason, string message) =>
        new(new V1ObjectReference { Kind = "Function", Name = name, NamespaceProperty = "team", Uid = "uid-" + name }, "Warning", reason, message);
}
