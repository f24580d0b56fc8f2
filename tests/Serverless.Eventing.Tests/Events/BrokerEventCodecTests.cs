using System.Text;
using Serverless.Eventing.Events;
using Serverless.Eventing.Tests.Fakes;

namespace Serverless.Eventing.Tests.Events;

public sealed class BrokerEventCodecTests
{
    /// <summary>Events of very different sizes one after another on one thread: the reused buffer leaks nothing between them.</summary>
    [Fact]
    public void Encode_SuccessiveEventsOfDifferentSizes_EachDecodesToItself()
    {
        var sizes = new[] { 200_000, 3, 70_000, 0, 1, 5_000 };
        var events = sizes.Select((size, i) => size == 0
            ? TestEvents.Event("e" + i, extensions: ("x", new string('x', i)))
            : new BrokerEvent(TestEvents.Event("e" + i).Attributes, Encoding.UTF8.GetBytes(new string((char)('a' + i), size)))).ToList();

        var encoded = events.Select(BrokerEventCodec.Encode).ToList();

        for (var i = 0; i < events.Count; i++)
        {
            var decoded = BrokerEventCodec.Decode(encoded[i]);
            Assert.Equal(events[i].Attributes.OrderBy(a => a.Key), decoded.Attributes.OrderBy(a => a.Key));
            Assert.Equal(events[i].Data?.ToArray(), decoded.Data?.ToArray());
        }
    }

    [Fact]
    public async Task Encode_ConcurrentThreads_EachGetsItsOwnEvent()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                var id = $"t{t}-{i}";
                var data = Encoding.UTF8.GetBytes(new string('d', (i * 97 + t) % 3000));
                var decoded = BrokerEventCodec.Decode(BrokerEventCodec.Encode(new BrokerEvent(TestEvents.Event(id).Attributes, data)));
                if (decoded.Id != id || !decoded.Data!.Value.Span.SequenceEqual(data))
                {
                    return id;
                }
            }

            return null;
        })));

        Assert.All(results, Assert.Null);
    }
}
