using Serverless.Core.Api;
using Serverless.Core.Defaulting;
using Serverless.Core.Serialization;
using Serverless.Core.Tests.Builders;
using Serverless.Core.Validation;
using static Serverless.Core.Tests.Builders.TestFunctions;

namespace Serverless.Core.Tests.Defaulting;

public sealed class FunctionDefaultsTests
{
    [Fact]
    public void Apply_EmptyFunction_FillsNamespaceTimeoutAndScale()
    {
        var fn = TestFunctions.Function("", "hello", WithHandler(null));

        FunctionDefaults.Apply(fn);

        Assert.Equal("default", fn.Metadata.NamespaceProperty);
        Assert.Equal("index.js:handle", fn.Spec.Handler);
        Assert.Equal(300, fn.Spec.TimeoutSeconds);
        var scale = Assert.IsType<ScaleSpec>(fn.Spec.Scale);
        Assert.Equal(0, scale.MinScale);
        Assert.Equal(0, scale.MaxScale);
        Assert.Null(scale.InitialScale); // the autoscaler's initial-scale applies, as to target and grace period
        Assert.Equal(0, scale.ContainerConcurrency);
        Assert.Equal("concurrency", scale.Metric);
        Assert.Null(scale.Target);
        Assert.Null(scale.TargetUtilization);
        Assert.Null(scale.ScaleToZeroGracePeriodSeconds);
    }

    [Theory]
    [InlineData("node", RuntimeNames.Node, "index.js:handle")]
    [InlineData("python", RuntimeNames.Python, "main:handle")]
    [InlineData("dotnet has no default", RuntimeNames.Dotnet, null)]
    [InlineData("unknown runtime has no default", "ruby", null)]
    [InlineData("no runtime has no default", null, null)]
    public void Apply_NoHandler_DefaultsPerRuntime(string label, string? runtime, string? expected)
    {
        var fn = TestFunctions.Function("default", "hello", WithRuntime(runtime, null));

        FunctionDefaults.Apply(fn);

        Assert.True(expected == fn.Spec.Handler, $"{label}: got {fn.Spec.Handler}");
    }

    [Fact]
    public void Apply_EmptyHandler_IsTreatedAsUnset()
    {
        var fn = TestFunctions.Function("default", "hello", WithRuntime(RuntimeNames.Python, ""));

        FunctionDefaults.Apply(fn);

        Assert.Equal("main:handle", fn.Spec.Handler);
    }

    [Fact]
    public void Apply_UserValues_AreKept()
    {
        var fn = TestFunctions.Function(
            "team-a",
            "hello",
            WithRuntime(RuntimeNames.Node, "dist/main.mjs:run"),
            WithTimeoutSeconds(20),
            WithMinScale(2),
            WithMaxScale(8),
            WithInitialScale(3),
            WithContainerConcurrency(4),
            WithTarget(4),
            WithTargetUtilization(0.5),
            WithScaleToZeroGracePeriodSeconds(60),
            WithMetric("rps"));
        var before = ResourceJson.Serialize(fn);

        FunctionDefaults.Apply(fn);

        Assert.Equal(before, ResourceJson.Serialize(fn));
    }

    [Fact]
    public void Apply_PartialScale_FillsOnlyMissingFields()
    {
        var fn = TestFunctions.Function("default", "hello", WithMaxScale(5), WithTarget(50));

        FunctionDefaults.Apply(fn);

        Assert.Equal(0, fn.Spec.Scale!.MinScale);
        Assert.Equal(5, fn.Spec.Scale.MaxScale);
        Assert.Equal(50, fn.Spec.Scale.Target);
        Assert.Null(fn.Spec.Scale.InitialScale);
    }

    [Fact]
    public void Apply_Twice_IsIdempotent()
    {
        var fn = TestFunctions.Function("", "hello", WithRuntime(RuntimeNames.Python, null), WithEnv("A", "1"));
        FunctionDefaults.Apply(fn);
        var once = ResourceJson.Serialize(fn);

        FunctionDefaults.Apply(fn);

        Assert.Equal(once, ResourceJson.Serialize(fn));
    }

    [Fact]
    public void Apply_ThenValidate_MinimalUserInputIsValid()
    {
        var fn = TestFunctions.Function("", "hello", WithHandler(null));

        FunctionDefaults.Apply(fn);

        Assert.Empty(FunctionValidator.Validate(fn));
    }

    [Fact]
    public void Apply_NullMetadataAndSpec_AreCreated()
    {
        var fn = new Function { Metadata = null!, Spec = null! };

        FunctionDefaults.Apply(fn);

        Assert.Equal("default", fn.Metadata.NamespaceProperty);
        Assert.Equal(300, fn.Spec.TimeoutSeconds);
    }
}
