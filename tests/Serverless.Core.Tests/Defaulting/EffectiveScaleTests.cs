using Serverless.Core.Api;
using Serverless.Core.Defaulting;

namespace Serverless.Core.Tests.Defaulting;

public sealed class EffectiveScaleTests
{
    private static readonly ScaleDefaults Defaults = new();

    [Fact]
    public void ScaleDefaults_AreKnatives()
    {
        Assert.Equal(100, Defaults.Target);
        Assert.Equal(0.7, Defaults.TargetUtilization);
        Assert.Equal(TimeSpan.FromSeconds(30), Defaults.ScaleToZeroGracePeriod);
    }

    [Fact]
    public void Resolve_NullSpec_UsesEveryDefault()
    {
        var scale = EffectiveScale.Resolve(null, Defaults);

        Assert.Equal(
            new EffectiveScale
            {
                MinScale = 0,
                MaxScale = 0,
                InitialScale = 1,
                Target = 100,
                TargetUtilization = 0.7,
                ContainerConcurrency = 0,
                ScaleToZeroGracePeriod = TimeSpan.FromSeconds(30),
                Metric = "concurrency",
            },
            scale);
    }

    [Fact]
    public void Resolve_SpecValues_WinOverDefaults()
    {
        var spec = new ScaleSpec
        {
            MinScale = 1,
            MaxScale = 10,
            InitialScale = 2,
            Target = 50,
            TargetUtilization = 0.9,
            ContainerConcurrency = 0,
            ScaleToZeroGracePeriodSeconds = 5,
            Metric = "rps",
        };

        var scale = EffectiveScale.Resolve(spec, Defaults with { Target = 7 });

        Assert.Equal((1, 10, 2, 50, 0.9, TimeSpan.FromSeconds(5), "rps"),
            (scale.MinScale, scale.MaxScale, scale.InitialScale, scale.Target, scale.TargetUtilization, scale.ScaleToZeroGracePeriod, scale.Metric));
    }

    [Theory]
    // label, metric, containerConcurrency, target, expected target
    [InlineData("no limit: the global default", null, 0, null, 100)]
    [InlineData("limit 10, no target: the limit itself", null, 10, null, 10)]
    [InlineData("limit 1000, no target: the limit itself, above the default", "concurrency", 1000, null, 1000)]
    [InlineData("limit 10, target 5: the target", null, 10, 5, 5)]
    [InlineData("limit 10, target 50 (unvalidated): clamped", null, 10, 50, 10)]
    [InlineData("rps ignores the concurrency limit", "rps", 10, null, 100)]
    [InlineData("rps keeps its target", "rps", 10, 300, 300)]
    public void Resolve_Target_FollowsKnativeConcurrencyRules(string label, string? metric, int concurrency, int? target, int expected)
    {
        var scale = EffectiveScale.Resolve(new ScaleSpec { Metric = metric, ContainerConcurrency = concurrency, Target = target }, Defaults);

        Assert.True(expected == scale.Target, $"{label}: got {scale.Target}");
    }

    [Theory]
    // label, minScale, maxScale, initialScale, expected
    [InlineData("unset: 1", null, null, null, 1)]
    [InlineData("raised to minScale", 3, 0, 1, 3)]
    [InlineData("capped at maxScale", 0, 2, 5, 2)]
    [InlineData("zero allowed", 0, 0, 0, 0)]
    public void Resolve_InitialScale_StaysWithinBounds(string label, int? min, int? max, int? initial, int expected)
    {
        var scale = EffectiveScale.Resolve(new ScaleSpec { MinScale = min, MaxScale = max, InitialScale = initial }, Defaults);

        Assert.True(expected == scale.InitialScale, $"{label}: got {scale.InitialScale}");
    }

    [Theory]
    // label, minScale, maxScale, desired, expected
    [InlineData("within bounds", 1, 10, 5, 5)]
    [InlineData("below min", 2, 10, 0, 2)]
    [InlineData("above max", 0, 3, 7, 3)]
    [InlineData("unbounded max", 0, 0, 5000, 5000)]
    public void Clamp_Desired_IsWithinMinAndMax(string label, int min, int max, int desired, int expected)
    {
        var scale = EffectiveScale.Resolve(new ScaleSpec { MinScale = min, MaxScale = max }, Defaults);

        Assert.True(expected == scale.Clamp(desired), label);
    }

    [Theory]
    // label, minScale, maxScale, initialScale, expected (min, max, initial), with max-scale-limit 50
    [InlineData("unset: the limit is the bound", null, null, null, 0, 50, 1)]
    [InlineData("unbounded maxScale: the limit", 2, 0, null, 2, 50, 2)]
    [InlineData("under the limit: unchanged", 1, 10, 5, 1, 10, 5)]
    [InlineData("stored before the limit was lowered: clamped", 80, 100, 90, 50, 50, 50)]
    public void Resolve_MaxScaleLimit_BoundsEveryCount(string label, int? min, int? max, int? initial, int expectedMin, int expectedMax, int expectedInitial)
    {
        var scale = EffectiveScale.Resolve(new ScaleSpec { MinScale = min, MaxScale = max, InitialScale = initial }, Defaults with { MaxScaleLimit = 50 });

        Assert.True((expectedMin, expectedMax, expectedInitial) == (scale.MinScale, scale.MaxScale, scale.InitialScale), $"{label}: got {scale}");
        Assert.Equal(expectedMax, scale.Clamp(1_000_000));
    }

    [Fact]
    public void Resolve_DoesNotChangeTheSpec()
    {
        var spec = new ScaleSpec { MinScale = 3, InitialScale = 1 };

        _ = EffectiveScale.Resolve(spec, Defaults);

        Assert.Equal((3, 1, (int?)null), (spec.MinScale!.Value, spec.InitialScale!.Value, spec.Target));
    }

    [Theory]
    [InlineData("defaults: no delay, activation 1, burst capacity 200", null, null, null, 0, 1, 200)]
    [InlineData("the Function's values win", 90, 3, -1.0, 90, 3, -1)]
    public void Resolve_DelayActivationBurst_FallBackToTheDefaults(
        string label, int? delay, int? activation, double? burst, int expectedDelay, int expectedActivation, double expectedBurst)
    {
        var scale = EffectiveScale.Resolve(
            new ScaleSpec { ScaleDownDelaySeconds = delay, ActivationScale = activation, TargetBurstCapacity = burst }, Defaults);

        Assert.True(TimeSpan.FromSeconds(expectedDelay) == scale.ScaleDownDelay, label);
        Assert.True(expectedActivation == scale.ActivationScale, label);
        Assert.True(expectedBurst == scale.TargetBurstCapacity, label);
    }

    [Fact]
    public void Resolve_GlobalDelayAndBurst_ApplyWhenTheFunctionSetsNone()
    {
        var scale = EffectiveScale.Resolve(new ScaleSpec(), Defaults with { ScaleDownDelay = TimeSpan.FromMinutes(5), TargetBurstCapacity = 0 });

        Assert.Equal(TimeSpan.FromMinutes(5), scale.ScaleDownDelay);
        Assert.Equal(0, scale.TargetBurstCapacity);
    }
}
