using Serverless.Core.Api;
using Serverless.Core.Serialization;

namespace Serverless.Core.Tests.Serialization;

public sealed class TriggerFiltersJsonTests
{
    [Fact]
    public void Deserialize_KnativeFiltersYamlShape_ReadsEveryDialect()
    {
        const string json = """
            {"apiVersion":"serverless.dev/v1alpha1","kind":"Trigger","metadata":{"name":"t"},
             "spec":{"broker":"default","subscriber":{"uri":"http://x/"},
                     "filters":[{"exact":{"type":"a"}},{"prefix":{"source":"/s"}},{"suffix":{"subject":".x"}},
                                {"all":[{"exact":{"type":"a"}}]},{"any":[{"exact":{"type":"b"}}]},{"not":{"exact":{"type":"c"}}}]}}
            """;

        var trigger = ResourceJson.Deserialize<Trigger>(json);

        var filters = trigger.Spec.Filters!;
        Assert.Equal("a", filters[0].Exact!["type"]);
        Assert.Equal("/s", filters[1].Prefix!["source"]);
        Assert.Equal(".x", filters[2].Suffix!["subject"]);
        Assert.Equal("a", filters[3].All![0].Exact!["type"]);
        Assert.Equal("b", filters[4].Any![0].Exact!["type"]);
        Assert.Equal("c", filters[5].Not!.Exact!["type"]);
    }

    [Fact]
    public void Serialize_Filters_RoundTrips()
    {
        var trigger = new Trigger { Spec = new TriggerSpec { Filters = [new SubscriptionsApiFilter { Not = new SubscriptionsApiFilter { Prefix = new Dictionary<string, string> { ["type"] = "x." } } }] } };

        var again = ResourceJson.Clone(trigger);

        Assert.Equal("x.", again.Spec.Filters![0].Not!.Prefix!["type"]);
        Assert.Contains("\"filters\":[{\"not\":{\"prefix\":{\"type\":\"x.\"}}}]", ResourceJson.Serialize(trigger), StringComparison.Ordinal);
    }
}
