using Serverless.Autoscaler.Scaling;
using Serverless.Core.Api;
using Serverless.Core.Defaulting;

namespace Serverless.Autoscaler.Tests.Scaling;

public sealed class ScaleBoundsTests
{
    [Theory]
    [InlineData("defaults start one", 0, 0, 1, 1)]
    [InlineData("initialScale 0 still starts one for a waiting request", 0, 0, 0, 1)]
    [InlineData("initialScale 3", 0, 0, 3, 3)]
    [InlineData("minScale above initialScale", 4, 0, 1, 4)]
    [InlineData("maxScale caps initialScale", 0, 2, 5, 2)]
    public void ForActivation_Settings_StartsWithinBounds(string label, int min, int max, int initial, int expected)
    {
        var scale = EffectiveScale.Resolve(new ScaleSpec { MinScale = min, MaxScale = max, InitialScale = initial }, new ScaleDefaults());

        Assert.True(expected == ScaleBounds.ForActivation(scale), label);
    }
}
