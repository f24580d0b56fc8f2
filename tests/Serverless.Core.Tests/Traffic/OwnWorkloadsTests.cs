using Serverless.Core.Api;
using Serverless.Core.Traffic;

namespace Serverless.Core.Tests.Traffic;

public sealed class OwnWorkloadsTests
{
    [Theory]
    [InlineData("one revision: none of its own", "a:100", "")]
    [InlineData("a split: all but the largest", "a:90 b:10", "b")]
    [InlineData("a tie: the first is the main one", "a:50 b:50", "b")]
    [InlineData("a rollout: the previous first", "a:25 b:75", "a")]
    [InlineData("a tagged revision without a share runs too", "a:100 b:0:next", "b")]
    [InlineData("a tag on the main revision: nothing more", "a:100:stable a:0:again", "")]
    [InlineData("a tag on a split revision: once", "a:90 b:10:canary b:0:again", "b")]
    [InlineData("an untagged 0% target: not run", "a:100 b:0", "")]
    public void OwnWorkloads_StatusTraffic_AllButTheMainShareAndTagOnlyRevisions(string label, string traffic, string expected)
    {
        var targets = traffic.Split(' ').Select(t => t.Split(':')).Select(p => new TrafficTarget
        {
            RevisionName = p[0],
            Percent = int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture),
            Tag = p.Length > 2 ? p[2] : null,
        }).ToList();

        Assert.True(expected == string.Join(' ', TrafficResolution.OwnWorkloads(targets)), label);
    }
}
