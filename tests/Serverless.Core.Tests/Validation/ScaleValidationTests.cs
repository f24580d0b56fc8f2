using Serverless.Core.Api;
using Serverless.Core.Tests.Builders;
using Serverless.Core.Validation;
using static Serverless.Core.Tests.Builders.TestFunctions;

namespace Serverless.Core.Tests.Validation;

public sealed class ScaleValidationTests
{
    public static TheoryData<string, Action<Function>[], string?, string?> Cases => new()
    {
        // label, options, expected field, expected message (exact)
        { "defaults", [], null, null },
        { "min 1 max 10 initial 5", [WithMinScale(1), WithMaxScale(10), WithInitialScale(5)], null, null },
        { "max equals min", [WithMinScale(3), WithMaxScale(3)], null, null },
        { "max 0 is unbounded, above min", [WithMinScale(5), WithMaxScale(0)], null, null },
        { "initial above min with unbounded max", [WithInitialScale(50)], null, null },
        { "initial 0", [WithInitialScale(0)], null, null },
        { "target bounds", [WithTarget(1)], null, null },
        { "target max", [WithTarget(100_000)], null, null },
        { "utilization 1", [WithTargetUtilization(1.0)], null, null },
        { "utilization small", [WithTargetUtilization(0.01)], null, null },
        { "concurrency 1000", [WithContainerConcurrency(1000)], null, null },
        { "target equals concurrency", [WithContainerConcurrency(10), WithTarget(10)], null, null },
        { "rps target above concurrency (other units)", [WithMetric("rps"), WithContainerConcurrency(10), WithTarget(200)], null, null },
        { "grace 0", [WithScaleToZeroGracePeriodSeconds(0)], null, null },
        { "grace 3600", [WithScaleToZeroGracePeriodSeconds(3600)], null, null },
        { "metric rps", [WithMetric("rps")], null, null },
        { "scale-down delay 0", [WithScaleDownDelaySeconds(0)], null, null },
        { "scale-down delay an hour", [WithScaleDownDelaySeconds(3600)], null, null },
        { "activation scale 3", [WithActivationScale(3)], null, null },
        { "activation scale equal to max", [WithMaxScale(3), WithActivationScale(3)], null, null },
        { "burst capacity unlimited", [WithTargetBurstCapacity(-1)], null, null },
        { "burst capacity 0", [WithTargetBurstCapacity(0)], null, null },
        { "burst capacity 350.5", [WithTargetBurstCapacity(350.5)], null, null },
        { "class kpa explicit", [WithScaleClass("kpa.autoscaling.knative.dev"), WithMetric("rps")], null, null },
        { "class hpa on cpu with minScale 1", [WithScaleClass("hpa.autoscaling.knative.dev"), WithMetric("cpu"), WithMinScale(1)], null, null },
        { "class hpa on cpu 70%", [WithScaleClass("hpa.autoscaling.knative.dev"), WithMetric("cpu"), WithMinScale(2), WithTarget(70)], null, null },
        { "class hpa on memory 256 MiB", [WithScaleClass("hpa.autoscaling.knative.dev"), WithMetric("memory"), WithMinScale(1), WithTarget(256)], null, null },
        { "unknown class", [WithScaleClass("kpa")], "spec.scale.class", "unsupported value \"kpa\": supported values: \"kpa.autoscaling.knative.dev\", \"hpa.autoscaling.knative.dev\"" },
        {
            "class hpa with minScale 0",
            [WithScaleClass("hpa.autoscaling.knative.dev"), WithMetric("cpu"), WithMinScale(0)],
            "spec.scale.minScale",
            "must be >= 1 for class hpa.autoscaling.knative.dev: a HorizontalPodAutoscaler cannot scale to zero (got 0)"
        },
        {
            "class hpa with a KPA metric",
            [WithScaleClass("hpa.autoscaling.knative.dev"), WithMetric("concurrency"), WithMinScale(1)],
            "spec.scale.metric",
            "unsupported value \"concurrency\": supported values: \"cpu\", \"memory\""
        },
        { "class kpa with metric memory", [WithMetric("memory")], "spec.scale.metric", "unsupported value \"memory\": supported values: \"concurrency\", \"rps\"" },
        {
            "class hpa on memory without a target",
            [WithScaleClass("hpa.autoscaling.knative.dev"), WithMetric("memory"), WithMinScale(1)],
            "spec.scale.target",
            "is required for metric memory: the MiB per instance to aim at"
        },
        { "negative scale-down delay", [WithScaleDownDelaySeconds(-1)], "spec.scale.scaleDownDelaySeconds", "must be between 0 and 3600 (got -1)" },
        { "scale-down delay too long", [WithScaleDownDelaySeconds(3601)], "spec.scale.scaleDownDelaySeconds", "must be between 0 and 3600 (got 3601)" },
        { "activation scale 0", [WithActivationScale(0)], "spec.scale.activationScale", "must be >= 1 (got 0)" },
        { "activation scale above max", [WithMaxScale(2), WithActivationScale(3)], "spec.scale.activationScale", "must be <= maxScale (2) (got 3)" },
        { "burst capacity -2", [WithTargetBurstCapacity(-2)], "spec.scale.targetBurstCapacity", "must be -1 (unlimited) or at least 0 (got -2)" },
        { "burst capacity -0.5", [WithTargetBurstCapacity(-0.5)], "spec.scale.targetBurstCapacity", "must be -1 (unlimited) or at least 0 (got -0.5)" },
        { "negative min", [WithMinScale(-1)], "spec.scale.minScale", "must be >= 0 (got -1)" },
        { "negative max", [WithMaxScale(-2)], "spec.scale.maxScale", "must be >= 0 (got -2)" },
        { "max below min", [WithMinScale(3), WithMaxScale(2)], "spec.scale.maxScale", "must be >= minScale (3)" },
        { "negative initial", [WithInitialScale(-1)], "spec.scale.initialScale", "must be >= 0 (got -1)" },
        { "initial above max", [WithMaxScale(2), WithInitialScale(3)], "spec.scale.initialScale", "must be <= maxScale (2) (got 3)" },
        { "target 0", [WithTarget(0)], "spec.scale.target", "must be between 1 and 100000 (got 0)" },
        { "target too high", [WithTarget(100_001)], "spec.scale.target", "must be between 1 and 100000 (got 100001)" },
        { "utilization 0", [WithTargetUtilization(0)], "spec.scale.targetUtilization", "must be greater than 0 and at most 1 (got 0)" },
        { "utilization above 1", [WithTargetUtilization(1.5)], "spec.scale.targetUtilization", "must be greater than 0 and at most 1 (got 1.5)" },
        { "utilization negative", [WithTargetUtilization(-0.5)], "spec.scale.targetUtilization", "must be greater than 0 and at most 1 (got -0.5)" },
        { "utilization NaN", [WithTargetUtilization(double.NaN)], "spec.scale.targetUtilization", "must be greater than 0 and at most 1 (got NaN)" },
        { "negative concurrency", [WithContainerConcurrency(-1)], "spec.scale.containerConcurrency", "must be between 0 and 1000 (got -1)" },
        { "concurrency too high", [WithContainerConcurrency(1001)], "spec.scale.containerConcurrency", "must be between 0 and 1000 (got 1001)" },
        { "negative grace", [WithScaleToZeroGracePeriodSeconds(-1)], "spec.scale.scaleToZeroGracePeriodSeconds", "must be between 0 and 3600 (got -1)" },
        { "grace too long", [WithScaleToZeroGracePeriodSeconds(3601)], "spec.scale.scaleToZeroGracePeriodSeconds", "must be between 0 and 3600 (got 3601)" },
        { "unknown metric", [WithMetric("cpu")], "spec.scale.metric", "unsupported value \"cpu\": supported values: \"concurrency\", \"rps\"" },
        { "metric case-sensitive", [WithMetric("RPS")], "spec.scale.metric", "unsupported value \"RPS\": supported values: \"concurrency\", \"rps\"" },
        {
            "target above concurrency",
            [WithContainerConcurrency(10), WithTarget(100)],
            "spec.scale.target",
            "must be <= containerConcurrency (10) (got 100): an instance never takes more than containerConcurrency requests at once"
        },
        {
            "target above concurrency with explicit metric",
            [WithMetric("concurrency"), WithContainerConcurrency(10), WithTarget(11)],
            "spec.scale.target",
            "must be <= containerConcurrency (10) (got 11): an instance never takes more than containerConcurrency requests at once"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_Scale_ChecksRangesAndRelations(string label, Action<Function>[] options, string? field, string? expected)
    {
        var errors = FunctionValidator.Validate(TestFunctions.Function("default", "hello", options));

        Assert.False(string.IsNullOrEmpty(label));
        if (field is null)
        {
            ValidationAssert.Valid(errors);
        }
        else
        {
            var error = Assert.Single(errors);
            Assert.Equal(field + ": " + expected, error.ToString());
        }
    }

    [Fact]
    public void Validate_NegativeMinAndMax_ReportsBothWithoutComparingThem()
    {
        var errors = FunctionValidator.Validate(TestFunctions.Function("default", "hello", WithMinScale(-3), WithMaxScale(-5)));

        Assert.Equal(
            ["spec.scale.minScale: must be >= 0 (got -3)", "spec.scale.maxScale: must be >= 0 (got -5)"],
            errors.Select(e => e.ToString()));
    }
}
