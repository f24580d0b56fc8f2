using Serverless.Cli.Triggers;
using Serverless.Core.Naming;

namespace Serverless.Cli.Tests.Triggers;

public sealed class TriggerNamesTests
{
    private static readonly Dictionary<string, string> TypeA = new() { ["type"] = "a" };

    [Fact]
    public void For_SameInputs_SameName()
    {
        var first = TriggerNames.For("hello", "default", new Dictionary<string, string> { ["type"] = "a", ["source"] = "/s" });
        var second = TriggerNames.For("hello", "default", new Dictionary<string, string> { ["source"] = "/s", ["type"] = "a" });

        Assert.Equal(first, second);
        Assert.Matches("^hello-[0-9a-f]{8}$", first);
    }

    [Theory]
    [InlineData("other filter value", "hello", "default", "type", "b")]
    [InlineData("other broker", "hello", "events", "type", "a")]
    [InlineData("other attribute", "hello", "default", "source", "a")]
    public void For_DifferentSubscription_DifferentName(string label, string function, string broker, string attribute, string value)
    {
        var name = TriggerNames.For(function, broker, new Dictionary<string, string> { [attribute] = value });

        Assert.True(name != TriggerNames.For("hello", "default", TypeA), label);
    }

    [Fact]
    public void For_LongFunctionName_StaysADnsLabel()
    {
        var function = new string('a', 60) + "-bc";

        var name = TriggerNames.For(function, "default", TypeA);

        Assert.True(Names.IsDns1123Label(name), name);
        Assert.Equal(Names.MaxLabelLength, name.Length);
    }
}
