using Serverless.Core.Api;
using static Serverless.Deploy.Tests.Schema.SpecCases;

namespace Serverless.Deploy.Tests.Schema;

public sealed class TriggerSchemaTests
{
    private static readonly string Base = TriggerJson();

    public static TheoryData<string, string> CoreCases => AsTheory(CoreTriggerCases());

    [Theory]
    [MemberData(nameof(CoreCases))]
    public void Schema_CoreValidationCase_GivesCoreVerdict(string label, string json) =>
        Conformance.AssertSameVerdict(label, Trigger.KindName, json);

    public static TheoryData<string, string> JsonShapes => new()
    {
        { "retry as a string", WithRaw(Base, "spec.delivery", """{"retry":"3"}""") },
        { "backoffPolicy in capitals", WithRaw(Base, "spec.delivery", """{"backoffPolicy":"Linear"}""") },
        { "fraction on a component that is not the last", WithRaw(Base, "spec.delivery", """{"backoffDelay":"PT1.5M30S"}""") },
        { "fraction on a day followed by hours", WithRaw(Base, "spec.delivery", """{"backoffDelay":"P1.5DT2H"}""") },
        { "T with nothing after it", WithRaw(Base, "spec.delivery", """{"backoffDelay":"P1DT"}""") },
        { "only P", WithRaw(Base, "spec.delivery", """{"backoffDelay":"P"}""") },
        { "comma fraction", WithRaw(Base, "spec.delivery", """{"backoffDelay":"PT0,5S"}""") },
        { "weeks", WithRaw(Base, "spec.delivery", """{"backoffDelay":"P1W"}""") },
        { "timeout exactly an hour", WithRaw(Base, "spec.delivery", """{"timeout":"PT1H"}""") },
        { "timeout 3600 seconds", WithRaw(Base, "spec.delivery", """{"timeout":"PT3600S"}""") },
        { "timeout 3601 seconds", WithRaw(Base, "spec.delivery", """{"timeout":"PT3601S"}""") },
        { "duration of 65 characters", WithRaw(Base, "spec.delivery", $$"""{"backoffDelay":"PT{{new string('1', 62)}}S"}""") },
        { "filter value as a number", WithRaw(Base, "spec.filter", """{"attributes":{"type":1}}""") },
        { "filter value with a tab", WithRaw(Base, "spec.filter", """{"attributes":{"type":"a\tb"}}""") },
        { "subscriber uri as a number", WithRaw(Base, "spec.subscriber", """{"uri":1}""") },
        { "subscriber ref without kind and apiVersion (defaulted)", WithRaw(Base, "spec.subscriber", """{"ref":{"name":"hello"}}""") },
        { "subscriber ref to another kind", WithRaw(Base, "spec.subscriber", """{"ref":{"kind":"Service","name":"hello"}}""") },
        { "uri with port and fragment", WithRaw(Base, "spec.subscriber", """{"uri":"http://example.com:8080/a#frag"}""") },
        { "uri with an IPv6 host", WithRaw(Base, "spec.subscriber", """{"uri":"http://[::1]:8080/"}""") },
        { "uri upper-case scheme", WithRaw(Base, "spec.subscriber", """{"uri":"HTTPS://example.com/"}""") },
        { "uri with port 99999", WithRaw(Base, "spec.subscriber", """{"uri":"http://example.com:99999/"}""") },
        { "uri with port 65535", WithRaw(Base, "spec.subscriber", """{"uri":"http://example.com:65535/"}""") },
        { "uri with an empty port", WithRaw(Base, "spec.subscriber", """{"uri":"http://example.com:/x"}""") },
        { "uri with an underscore host", WithRaw(Base, "spec.subscriber", """{"uri":"http://exa_mple.com/"}""") },
        { "uri with a bad IPv6 host", WithRaw(Base, "spec.subscriber", """{"uri":"http://[zz]/"}""") },
        { "uri with an escaped host", WithRaw(Base, "spec.subscriber", """{"uri":"http://a%20b/"}""") },
        { "uri with a query only", WithRaw(Base, "spec.subscriber", """{"uri":"http://example.com?x=1"}""") },
        { "uri with two dots in the host", WithRaw(Base, "spec.subscriber", """{"uri":"http://a..b/"}""") },
        { "uri with a Unicode host", WithRaw(Base, "spec.subscriber", """{"uri":"http://bücher.example/"}""") },
        { "uri with a port with leading zeros", WithRaw(Base, "spec.subscriber", """{"uri":"http://example.com:08080/"}""") },
        { "uri with a host starting with a dot", WithRaw(Base, "spec.subscriber", """{"uri":"http://.example.com/"}""") },
        { "uri with a plus in the host", WithRaw(Base, "spec.subscriber", """{"uri":"http://a+b.example/"}""") },
        { "uri with a non-breaking space", WithRaw(Base, "spec.subscriber", """{"uri":"http://example.com/a\u00a0b"}""") },
        { "no subscriber", WithRaw(Base, "spec.subscriber", "null") },
        { "broker with a slash", WithRaw(Base, "spec.broker", "\"a/b\"") },
        { "filters entry with only an unknown dialect", WithRaw(Base, "spec.filters", """[{"regex":{"type":"a.*"}}]""") },
        { "filters entry with a known and an unknown dialect", WithRaw(Base, "spec.filters", """[{"exact":{"type":"a"},"regex":{"type":"a.*"}}]""") },
        { "filters: a nested entry with no dialect (checked by core only)", WithRaw(Base, "spec.filters", """[{"all":[{}]}]""") },
        { "filters: prefix value as a number", WithRaw(Base, "spec.filters", """[{"prefix":{"type":1}}]""") },
        { "filters: all holding a string", WithRaw(Base, "spec.filters", """[{"all":["type"]}]""") },
    };

    [Theory]
    [MemberData(nameof(JsonShapes))]
    public void Schema_JsonShape_GivesCoreVerdict(string label, string json) =>
        Conformance.AssertSameVerdict(label, Trigger.KindName, json);
}
