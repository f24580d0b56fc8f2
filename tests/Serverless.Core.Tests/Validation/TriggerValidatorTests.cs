using Serverless.Core.Api;
using Serverless.Core.Tests.Builders;
using Serverless.Core.Validation;
using static Serverless.Core.Tests.Builders.TestTriggers;

namespace Serverless.Core.Tests.Validation;

public sealed class TriggerValidatorTests
{
    public static TheoryData<string, Action<Trigger>[], string?, string?> Cases => new()
    {
        // label, options, expected field, expected message part
        { "function subscriber", [], null, null },
        { "http uri", [WithSubscriberUri("http://example.com/events")], null, null },
        { "https uri with port and query", [WithSubscriberUri("https://example.com:8443/e?x=1")], null, null },
        { "other namespace ref", [WithSubscriberRef(FunctionRef("hello", "team-a"))], null, null },
        { "filters", [WithFilter("type", "dev.example.order.created"), WithFilter("source", "/orders")], null, null },
        { "missing broker", [WithBroker(null)], "spec.broker", "is required" },
        { "broker upper case", [WithBroker("Default")], "spec.broker", "lowercase RFC 1123 label" },
        { "broker traversal", [WithBroker("../etc")], "spec.broker", "(got \"../etc\")" },
        { "filter key upper case", [WithFilter("Type", "x")], "spec.filter.attributes", "key \"Type\": a CloudEvents attribute name" },
        { "filter key too long", [WithFilter(new string('a', 21), "x")], "spec.filter.attributes", "1 to 20 lower-case letters or digits" },
        { "filter key with dash", [WithFilter("my-attr", "x")], "spec.filter.attributes", "CloudEvents attribute name" },
        { "filter key with newline", [WithFilter("type\n", "x")], "spec.filter.attributes", "key \"type\\u000a\"" },
        { "filter empty value", [WithFilter("type", "")], "spec.filter.attributes[type]", "must not be empty" },
        { "filter value newline", [WithFilter("type", "a\nb")], "spec.filter.attributes[type]", "must not contain control characters (got \"a\\u000ab\")" },
        { "filter value too long", [WithFilter("type", new string('v', 1025))], "spec.filter.attributes[type]", "must be no more than 1024 characters (got 1025)" },
        { "no subscriber", [WithSubscriber(null)], "spec.subscriber", "is required" },
        { "empty subscriber", [WithSubscriber(new Destination())], "spec.subscriber", "must set one of ref or uri" },
        {
            "ref and uri",
            [WithSubscriber(new Destination { Ref = FunctionRef("hello", "default"), Uri = "http://example.com" })],
            "spec.subscriber",
            "exactly one of ref or uri"
        },
        { "ref other kind", [t => t.Spec.Subscriber!.Ref!.Kind = "Service"], "spec.subscriber.ref.kind", "unsupported value \"Service\": supported values: \"Function\"" },
        { "ref other apiVersion", [t => t.Spec.Subscriber!.Ref!.ApiVersion = "v1"], "spec.subscriber.ref.apiVersion", "supported values: \"serverless.dev/v1alpha1\"" },
        { "ref without kind (not defaulted)", [t => t.Spec.Subscriber!.Ref!.Kind = null], "spec.subscriber.ref.kind", "is required" },
        { "ref without name", [WithSubscriberRef(FunctionRef(null, "default"))], "spec.subscriber.ref.name", "is required" },
        { "ref name 64 chars", [WithSubscriberRef(FunctionRef(new string('a', 64), "default"))], "spec.subscriber.ref.name", "no more than 63 characters (got 64)" },
        { "ref name injection", [WithSubscriberRef(FunctionRef("$(reboot)", "default"))], "spec.subscriber.ref.name", "(got \"$(reboot)\")" },
        { "ref namespace traversal", [WithSubscriberRef(FunctionRef("hello", "../etc"))], "spec.subscriber.ref.namespace", "lowercase RFC 1123 label" },
        { "javascript uri", [WithSubscriberUri("javascript:alert(1)")], "spec.subscriber.uri", "must be an absolute http or https URL (got \"javascript:alert(1)\")" },
        { "file uri", [WithSubscriberUri("file:///etc/passwd")], "spec.subscriber.uri", "must be an absolute http or https URL" },
        { "ftp uri", [WithSubscriberUri("ftp://example.com/x")], "spec.subscriber.uri", "must be an absolute http or https URL" },
        { "relative uri", [WithSubscriberUri("/events")], "spec.subscriber.uri", "must be an absolute http or https URL" },
        { "relative host-less uri", [WithSubscriberUri("events/orders")], "spec.subscriber.uri", "must be an absolute http or https URL" },
        { "userinfo", [WithSubscriberUri("http://user:pw@host/")], "spec.subscriber.uri", "must not contain user information" },
        { "empty userinfo", [WithSubscriberUri("http://@host/")], "spec.subscriber.uri", "must not contain user information" },
        { "backslash host confusion", [WithSubscriberUri("http://evil.example\\@good.example/")], "spec.subscriber.uri", "must not contain '\\'" },
        { "space", [WithSubscriberUri("http://example.com/a b")], "spec.subscriber.uri", "whitespace or control characters" },
        { "newline", [WithSubscriberUri("http://example.com/\r\nX-Injected: 1")], "spec.subscriber.uri", "whitespace or control characters" },
        { "no host", [WithSubscriberUri("http:///path")], "spec.subscriber.uri", "" },
        { "empty uri", [WithSubscriberUri("")], "spec.subscriber.uri", "must not be empty" },
        { "uri too long", [WithSubscriberUri("http://example.com/" + new string('a', 2048))], "spec.subscriber.uri", "no more than 2048 characters" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_Trigger_ChecksBrokerFilterAndSubscriber(string label, Action<Trigger>[] options, string? field, string? expected)
    {
        var errors = TriggerValidator.Validate(TestTriggers.Trigger("default", "orders", options));

        ValidationAssert.Row(label, errors, field, expected);
    }

    public static TheoryData<string, Action<Trigger>, string?, string?> FilterDialects => new()
    {
        { "exact", WithFilters(Exact("type", "dev.example.order")), null, null },
        { "prefix and suffix", WithFilters(Prefix("type", "dev.example."), Suffix("source", "/orders")), null, null },
        { "nested all any not", WithFilters(new SubscriptionsApiFilter { All = [Exact("type", "a"), new() { Any = [Prefix("subject", "x"), new() { Not = Suffix("source", "y") }] }] }), null, null },
        { "extension attribute", WithFilters(Exact("myext1", "v")), null, null },
        { "no dialect", WithFilters(new SubscriptionsApiFilter()), "spec.filters[0]", "must set exactly one of exact, prefix, suffix, all, any, not (got none)" },
        {
            "two dialects",
            WithFilters(Exact("type", "a"), new SubscriptionsApiFilter { Exact = new Dictionary<string, string> { ["type"] = "a" }, Prefix = new Dictionary<string, string> { ["source"] = "b" } }),
            "spec.filters[1]",
            "(got exact, prefix)"
        },
        { "exact with two attributes", WithFilters(new SubscriptionsApiFilter { Exact = new Dictionary<string, string> { ["type"] = "a", ["source"] = "b" } }), "spec.filters[0].exact", "must hold exactly one attribute and value (got 2)" },
        { "empty prefix map", WithFilters(new SubscriptionsApiFilter { Prefix = new Dictionary<string, string>() }), "spec.filters[0].prefix", "(got 0)" },
        { "prefix empty value", WithFilters(Prefix("type", "")), "spec.filters[0].prefix[type]", "must not be empty" },
        { "suffix bad name", WithFilters(Suffix("Type", "x")), "spec.filters[0].suffix", "key \"Type\": a CloudEvents attribute name" },
        { "exact value newline", WithFilters(Exact("type", "a\nb")), "spec.filters[0].exact[type]", "must not contain control characters" },
        { "empty all", WithFilters(new SubscriptionsApiFilter { All = [] }), "spec.filters[0].all", "must hold at least one filter" },
        { "empty any", WithFilters(new SubscriptionsApiFilter { Any = [] }), "spec.filters[0].any", "must hold at least one filter" },
        { "nested error path", WithFilters(new SubscriptionsApiFilter { Any = [Exact("type", "a"), new() { Not = Prefix("source", "") }] }), "spec.filters[0].any[1].not.prefix[source]", "must not be empty" },
        { "null entry", WithFilters(new SubscriptionsApiFilter { All = [null!] }), "spec.filters[0].all[0]", "is required" },
        { "too deep", WithFilters(Nest(9)), "spec.filters[0]" + string.Concat(Enumerable.Repeat(".not", 8)), "must not nest more than 8 levels deep" },
    };

    [Theory]
    [MemberData(nameof(FilterDialects))]
    public void Validate_TriggerFilters_ChecksEachDialect(string label, Action<Trigger> option, string? field, string? expected)
    {
        var errors = TriggerValidator.Validate(TestTriggers.Trigger("default", "orders", option));

        ValidationAssert.Row(label, errors, field, expected);
    }

    private static SubscriptionsApiFilter Nest(int depth) => depth == 1 ? Exact("type", "a") : new SubscriptionsApiFilter { Not = Nest(depth - 1) };

    public static TheoryData<string, Action<DeliverySpec>, string?, string?> Deliveries => new()
    {
        { "full", d => { d.Retry = 5; d.BackoffPolicy = "linear"; d.BackoffDelay = "PT0.2S"; d.Timeout = "PT1H"; }, null, null },
        { "retry 0", d => d.Retry = 0, null, null },
        { "retry 100", d => d.Retry = 100, null, null },
        { "dead letter ref", d => d.DeadLetterSink = new Destination { Ref = FunctionRef("dlq", "default") }, null, null },
        { "dead letter uri", d => d.DeadLetterSink = new Destination { Uri = "https://dlq.example.com/" }, null, null },
        { "negative retry", d => d.Retry = -1, "spec.delivery.retry", "must be between 0 and 100 (got -1)" },
        { "too many retries", d => d.Retry = 101, "spec.delivery.retry", "must be between 0 and 100 (got 101)" },
        { "unknown policy", d => d.BackoffPolicy = "random", "spec.delivery.backoffPolicy", "unsupported value \"random\": supported values: \"exponential\", \"linear\"" },
        { "garbage delay", d => d.BackoffDelay = "200ms", "spec.delivery.backoffDelay", "must be an ISO-8601 duration such as PT0.2S, PT30S or P1D (got \"200ms\")" },
        { "negative delay", d => d.BackoffDelay = "-PT1S", "spec.delivery.backoffDelay", "ISO-8601 duration" },
        { "zero delay", d => d.BackoffDelay = "PT0S", "spec.delivery.backoffDelay", "must be greater than zero (got \"PT0S\")" },
        { "zero timeout", d => d.Timeout = "PT0S", "spec.delivery.timeout", "must be greater than zero" },
        { "timeout over an hour", d => d.Timeout = "PT1H0.1S", "spec.delivery.timeout", "must be at most 60 minutes (got \"PT1H0.1S\")" },
        { "timeout a day", d => d.Timeout = "P1D", "spec.delivery.timeout", "must be at most 60 minutes" },
        { "timeout with newline", d => d.Timeout = "PT1S\n", "spec.delivery.timeout", "(got \"PT1S\\u000a\")" },
        { "dead letter javascript", d => d.DeadLetterSink = new Destination { Uri = "javascript:alert(1)" }, "spec.delivery.deadLetterSink.uri", "http or https" },
        { "dead letter empty", d => d.DeadLetterSink = new Destination(), "spec.delivery.deadLetterSink", "must set one of ref or uri" },
        { "dead letter bad ref name", d => d.DeadLetterSink = new Destination { Ref = FunctionRef("DLQ", "default") }, "spec.delivery.deadLetterSink.ref.name", "lowercase RFC 1123 label" },
    };

    [Theory]
    [MemberData(nameof(Deliveries))]
    public void Validate_TriggerDelivery_ChecksRetryBackoffTimeoutAndSink(string label, Action<DeliverySpec> configure, string? field, string? expected)
    {
        var errors = TriggerValidator.Validate(TestTriggers.Trigger("default", "orders", WithDelivery(configure)));

        ValidationAssert.Row(label, errors, field, expected);
    }

    [Fact]
    public void Validate_TriggerWithManyProblems_ReportsEveryOne()
    {
        var trigger = TestTriggers.Trigger(
            "default",
            "Orders",
            WithBroker(""),
            WithSubscriberUri("javascript:alert(1)"),
            WithDelivery(d => { d.Retry = -1; d.Timeout = "forever"; }));

        var errors = TriggerValidator.Validate(trigger);

        Assert.Equal(
            ["metadata.name", "spec.broker", "spec.subscriber.uri", "spec.delivery.retry", "spec.delivery.timeout"],
            errors.Select(e => e.Field));
    }
}
