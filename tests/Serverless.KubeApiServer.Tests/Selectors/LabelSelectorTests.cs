using Serverless.Hosting.KubeApi.Selectors;

namespace Serverless.KubeApiServer.Tests.Selectors;

public sealed class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["app"] = "web", ["tier"] = "front" };

    [Theory]
    [InlineData("", true)]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app=db", false)]
    [InlineData("app!=db", true)]
    [InlineData("app!=web", false)]
    [InlineData("missing!=x", true)]
    [InlineData("app in (db, web)", true)]
    [InlineData("app in (db)", false)]
    [InlineData("app notin (db)", true)]
    [InlineData("app notin (web,db)", false)]
    [InlineData("tier", true)]
    [InlineData("missing", false)]
    [InlineData("!missing", true)]
    [InlineData("!tier", false)]
    [InlineData("app=web,tier in (front,back),!missing", true)]
    [InlineData("app=web,tier=back", false)]
    public void Matches_Requirement_Evaluates(string selector, bool expected)
    {
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(Labels));
    }

    [Theory]
    [InlineData("app in web")]
    [InlineData("app frob (x)")]
    [InlineData("app=web,,tier")]
    public void Parse_Malformed_Throws(string selector)
    {
        Assert.Throws<ArgumentException>(() => LabelSelector.Parse(selector));
    }
}
