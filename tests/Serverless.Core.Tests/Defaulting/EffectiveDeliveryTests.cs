using Serverless.Core.Api;
using Serverless.Core.Defaulting;

namespace Serverless.Core.Tests.Defaulting;

public sealed class EffectiveDeliveryTests
{
    private static readonly DeliveryDefaults Defaults = new();

    [Fact]
    public void Resolve_NothingSet_UsesDefaults()
    {
        var delivery = EffectiveDelivery.Resolve(null, null, Defaults);

        Assert.Equal(
            new EffectiveDelivery
            {
                Retry = 3,
                BackoffPolicy = "exponential",
                BackoffDelay = TimeSpan.FromMilliseconds(200),
                Timeout = TimeSpan.FromSeconds(30),
                DeadLetterSink = null,
            },
            delivery);
    }

    [Fact]
    public void Resolve_BrokerOnly_UsesBrokersPolicy()
    {
        var sink = new Destination { Uri = "http://127.0.0.1:9/dlq" };
        var broker = new DeliverySpec { Retry = 7, BackoffPolicy = "linear", BackoffDelay = "PT1S", Timeout = "PT5S", DeadLetterSink = sink };

        var delivery = EffectiveDelivery.Resolve(null, broker, Defaults);

        Assert.Equal((7, "linear", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)), (delivery.Retry, delivery.BackoffPolicy, delivery.BackoffDelay, delivery.Timeout));
        Assert.Same(sink, delivery.DeadLetterSink);
    }

    [Fact]
    public void Resolve_TriggerDelivery_ReplacesBrokersAsAWhole()
    {
        var broker = new DeliverySpec { Retry = 7, Timeout = "PT5S", DeadLetterSink = new Destination { Uri = "http://127.0.0.1:9/dlq" } };
        var trigger = new DeliverySpec { Retry = 1 };

        var delivery = EffectiveDelivery.Resolve(trigger, broker, Defaults);

        Assert.Equal(1, delivery.Retry);
        Assert.Equal(TimeSpan.FromSeconds(30), delivery.Timeout);
        Assert.Null(delivery.DeadLetterSink);
    }
}
