using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Traffic;

namespace Serverless.Core.Tests.Traffic;

public sealed class OwnWorkloadsTests
{
    [Theory]
    [InlineData("one revision: its own workload", "a:100", null, "a")]
    [InlineData("a split: every share", "a:90 b:10", null, "a b")]
    [InlineData("a rollout: both, the previous first", "a:25 b:75", null, "a b")]
    [InlineData("a tagged revision without a share runs too", "a:100 b:0:next", null, "a b")]
    [InlineData("a tag on a routed revision: once", "a:90 b:10:canary b:0:again", null, "a b")]
    [InlineData("an untagged 0% target: not run", "a:100 b:0", null, "a")]
    [InlineData("the revision under the Function's key: left out", "a:90 b:10", "a", "b")]
    [InlineData("an older layout's main revision, tagged: left out", "a:100:stable a:0:again b:0:next", "a", "b")]
    [InlineData("a Function-key revision the route no longer names: nothing", "a:100", "z", "a")]
    public void OwnWorkloads_StatusTraffic_EveryRoutedRevisionButTheFunctionKeyOne(string label, string traffic, string? functionKeyRevision, string expected)
    {
        var targets = traffic.Split(' ').Select(t => t.Split(':')).Select(p => new TrafficTarget
        {
            RevisionName = p[0],
            Percent = int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture),
            Tag = p.Length > 2 ? p[2] : null,
        }).ToList();

        Assert.True(expected == string.Join(' ', TrafficResolution.OwnWorkloads(targets, functionKeyRevision)), label);
    }

    [Theory]
    [InlineData("no status: the revision's name", null, "hello-00002", "default/hello-00002")]
    [InlineData("another revision under the Function's key", "hello-00001", "hello-00002", "default/hello-00002")]
    [InlineData("the revision under the Function's key", "hello-00002", "hello-00002", "default/hello")]
    public void WorkloadKey_FunctionKeyRevision_MapsOnlyThatRevisionToTheFunction(string label, string? functionKeyRevision, string revision, string expected)
    {
        var status = functionKeyRevision is null ? null : new FunctionStatus { FunctionKeyRevision = functionKeyRevision };
        Assert.True(expected == TrafficResolution.WorkloadKey(new FunctionKey("default", "hello"), status, revision).ToString(), label);
    }
}
