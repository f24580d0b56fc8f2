using Serverless.Core.Api;
using Serverless.Core.Tests.Builders;
using Serverless.Core.Validation;
using static Serverless.Core.Tests.Builders.TestBrokers;

namespace Serverless.Core.Tests.Validation;

public sealed class BrokerValidatorTests
{
    [Fact]
    public void Validate_PlainBroker_IsValid()
    {
        ValidationAssert.Valid(BrokerValidator.Validate(TestBrokers.Broker("default", "default")));
    }

    [Fact]
    public void Validate_BrokerWithDelivery_IsValid()
    {
        var broker = TestBrokers.Broker("default", "default", WithDelivery(d =>
        {
            d.Retry = 10;
            d.BackoffPolicy = "exponential";
            d.BackoffDelay = "PT1S";
            d.Timeout = "PT30S";
            d.DeadLetterSink = new Destination { Uri = "http://127.0.0.1:9000/dlq" };
        }));

        ValidationAssert.Valid(BrokerValidator.Validate(broker));
    }

    public static TheoryData<string, string?, string?, string, string> Names => new()
    {
        // label, namespace, name, expected field, expected message part
        { "name 64 chars", "default", new string('b', 64), "metadata.name", "no more than 63 characters (got 64)" },
        { "name upper case", "default", "Default", "metadata.name", "lowercase RFC 1123 label" },
        { "name missing", "default", null, "metadata.name", "is required" },
        { "namespace traversal", "../etc", "default", "metadata.namespace", "(got \"../etc\")" },
        { "namespace missing (not defaulted)", null, "default", "metadata.namespace", "is required" },
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Validate_BrokerMetadata_UsesDnsLabels(string label, string? ns, string? name, string field, string expected)
    {
        var broker = TestBrokers.Broker("default", "default", b =>
        {
            b.Metadata.NamespaceProperty = ns;
            b.Metadata.Name = name;
        });

        var errors = BrokerValidator.Validate(broker);

        Assert.False(string.IsNullOrEmpty(label));
        ValidationAssert.HasError(errors, field, expected);
    }

    [Fact]
    public void Validate_BrokerDelivery_UsesTriggerRules()
    {
        var broker = TestBrokers.Broker("default", "default", WithDelivery(d =>
        {
            d.Retry = 1000;
            d.BackoffPolicy = "fibonacci";
            d.BackoffDelay = "P1M";
            d.Timeout = "PT2H";
            d.DeadLetterSink = new Destination { Uri = "http://user:pw@host/" };
        }));

        var errors = BrokerValidator.Validate(broker);

        Assert.Equal(
            [
                "spec.delivery.retry",
                "spec.delivery.backoffPolicy",
                "spec.delivery.backoffDelay",
                "spec.delivery.timeout",
                "spec.delivery.deadLetterSink.uri",
            ],
            errors.Select(e => e.Field));
    }
}
