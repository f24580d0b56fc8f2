using Serverless.Core.Api;
using Serverless.Eventing.Filtering;
using Serverless.Eventing.Tests.Fakes;

namespace Serverless.Eventing.Tests.Filtering;

public sealed class EventFilterTests
{
    private static readonly Dictionary<string, string> Order = new(StringComparer.Ordinal)
    {
        ["specversion"] = "1.0",
        ["id"] = "1",
        ["type"] = "dev.example.order.created",
        ["source"] = "/shop/orders",
        ["subject"] = "order-42",
        ["region"] = "eu-west",
    };

    private static SubscriptionsApiFilter Exact(string a, string v) => new() { Exact = new Dictionary<string, string> { [a] = v } };

    private static SubscriptionsApiFilter Prefix(string a, string v) => new() { Prefix = new Dictionary<string, string> { [a] = v } };

    private static SubscriptionsApiFilter Suffix(string a, string v) => new() { Suffix = new Dictionary<string, string> { [a] = v } };

    private static SubscriptionsApiFilter All(params SubscriptionsApiFilter[] f) => new() { All = f };

    private static SubscriptionsApiFilter Any(params SubscriptionsApiFilter[] f) => new() { Any = f };

    private static SubscriptionsApiFilter Not(SubscriptionsApiFilter f) => new() { Not = f };

    private static TriggerSpec Attributes(params (string Name, string Value)[] pairs) =>
        new() { Filter = new TriggerFilter { Attributes = pairs.ToDictionary(p => p.Name, p => p.Value) } };

    private static TriggerSpec Filters(params SubscriptionsApiFilter[] filters) => new() { Filters = filters };

    public static TheoryData<string, TriggerSpec, bool> Cases => new()
    {
        // label, trigger spec, expected match of the order event above
        { "no filter passes everything", new TriggerSpec(), true },
        { "empty attributes pass everything", Attributes(), true },
        { "attributes type equal", Attributes(("type", "dev.example.order.created")), true },
        { "attributes type differs", Attributes(("type", "dev.example.order")), false },
        { "attributes case sensitive", Attributes(("type", "DEV.example.order.created")), false },
        { "attributes extension equal", Attributes(("region", "eu-west")), true },
        { "attributes missing extension", Attributes(("tenant", "a")), false },
        { "attributes all must match", Attributes(("type", "dev.example.order.created"), ("source", "/other")), false },
        { "attributes specversion", Attributes(("specversion", "1.0")), true },
        { "exact", Filters(Exact("source", "/shop/orders")), true },
        { "exact differs", Filters(Exact("source", "/shop")), false },
        { "exact missing attribute", Filters(Exact("tenant", "x")), false },
        { "prefix", Filters(Prefix("type", "dev.example.")), true },
        { "prefix whole value", Filters(Prefix("type", "dev.example.order.created")), true },
        { "prefix differs", Filters(Prefix("type", "com.")), false },
        { "prefix missing attribute", Filters(Prefix("tenant", "a")), false },
        { "suffix", Filters(Suffix("type", ".created")), true },
        { "suffix differs", Filters(Suffix("type", ".deleted")), false },
        { "suffix on extension", Filters(Suffix("region", "-west")), true },
        { "filters list is AND", Filters(Prefix("type", "dev."), Exact("subject", "order-41")), false },
        { "filters list all true", Filters(Prefix("type", "dev."), Exact("subject", "order-42")), true },
        { "all true", Filters(All(Prefix("type", "dev."), Suffix("source", "/orders"))), true },
        { "all one false", Filters(All(Prefix("type", "dev."), Suffix("source", "/users"))), false },
        { "any one true", Filters(Any(Exact("type", "x"), Exact("region", "eu-west"))), true },
        { "any none true", Filters(Any(Exact("type", "x"), Exact("region", "us"))), false },
        { "not of false", Filters(Not(Exact("type", "x"))), true },
        { "not of true", Filters(Not(Prefix("type", "dev."))), false },
        { "not of missing attribute", Filters(Not(Exact("tenant", "a"))), true },
        { "nested any in all with not", Filters(All(Any(Exact("type", "x"), Suffix("type", "created")), Not(Exact("region", "us")))), true },
        { "filters win over filter", new TriggerSpec { Filter = new TriggerFilter { Attributes = new Dictionary<string, string> { ["type"] = "x" } }, Filters = [Prefix("type", "dev.")] }, true },
        { "empty filters fall back to filter", new TriggerSpec { Filter = new TriggerFilter { Attributes = new Dictionary<string, string> { ["type"] = "x" } }, Filters = [] }, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_Table_DecidesAsKnative(string label, TriggerSpec spec, bool expected)
    {
        Assert.True(EventFilter.Matches(spec, Order) == expected, label);
    }

}
