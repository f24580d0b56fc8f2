using Serverless.Cli.Project;

namespace Serverless.Cli.Tests.Project;

public sealed class FuncYamlTriggersTests
{
    [Fact]
    public void Parse_Triggers_BrokerDefaultAndSortedFilters()
    {
        var project = FuncYamlReader.Parse(
            "name: hello\nruntime: node\ntriggers:\n- filter: {type: t, source: /s}\n- broker: events\n  name: all-events\n",
            "func.yaml");

        Assert.Equal(2, project.Triggers.Count);
        Assert.Equal(("default", "source=/s;type=t", null), (project.Triggers[0].Broker, string.Join(";", project.Triggers[0].Filter.Select(f => f.Key + "=" + f.Value)), project.Triggers[0].Name));
        Assert.Equal(("events", 0, "all-events"), (project.Triggers[1].Broker, project.Triggers[1].Filter.Count, project.Triggers[1].Name));
    }

    [Theory]
    [InlineData("not a list", "triggers: yes\n", "triggers must be a list")]
    [InlineData("unknown key", "triggers:\n- brokr: default\n", "unknown key \"triggers[0].brokr\"")]
    [InlineData("bad broker", "triggers:\n- broker: Not_Valid\n", "triggers[0].broker a lowercase RFC 1123 label")]
    [InlineData("bad attribute", "triggers:\n- filter: {Type: x}\n", "not a CloudEvents attribute name")]
    [InlineData("filter not a mapping", "triggers:\n- filter: [a]\n", "triggers[0].filter must be a mapping")]
    public void Parse_BadTriggers_ErrorWithLineAndField(string label, string yaml, string expected)
    {
        var error = Assert.Throws<FuncYamlException>(() => FuncYamlReader.Parse("name: hello\nruntime: node\n" + yaml, "func.yaml"));

        Assert.True(error.Errors.Any(e => e.Contains(expected, StringComparison.Ordinal) && e.StartsWith("func.yaml:", StringComparison.Ordinal)), $"{label}: {string.Join("; ", error.Errors)}");
    }
}
