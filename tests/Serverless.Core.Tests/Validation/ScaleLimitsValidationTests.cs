using Serverless.Core.Api;
using Serverless.Core.Tests.Builders;
using Serverless.Core.Validation;
using static Serverless.Core.Tests.Builders.TestFunctions;

namespace Serverless.Core.Tests.Validation;

/// <summary>minScale, maxScale and initialScale against the platform's max-scale-limit and max-instances.</summary>
public sealed class ScaleLimitsValidationTests
{
    private static readonly ScaleLimits Local = new(MaxScaleLimit: 50, MaxInstances: 100);

    public static TheoryData<string, Action<Function>[], string?, string?> Cases => new()
    {
        // label, options, expected field, expected message (exact)
        { "no scale settings", [], null, null },
        { "at the limit", [WithMinScale(50), WithMaxScale(50), WithInitialScale(50)], null, null },
        { "maxScale 0 is unbounded, read as the limit", [WithMaxScale(0)], null, null },
        { "minScale far over", [WithMinScale(1_000_000)], "spec.scale.minScale", "must be <= 50, the platform's max-scale-limit (got 1000000)" },
        { "maxScale over", [WithMaxScale(51)], "spec.scale.maxScale", "must be <= 50, the platform's max-scale-limit (got 51)" },
        { "initialScale over", [WithInitialScale(60)], "spec.scale.initialScale", "must be <= 50, the platform's max-scale-limit (got 60)" },
    };

    [Theory]
    [InlineData(true, 0, null)]
    [InlineData(false, 0, "spec.scale.initialScale: must be >= 1: the platform's allow-zero-initial-scale is false")]
    [InlineData(false, 1, null)]
    [InlineData(false, null, null)]
    public void Validate_AllowZeroInitialScale_RefusesZeroOnlyWhenOff(bool allowZero, int? initialScale, string? expected)
    {
        var options = initialScale is { } value ? new[] { WithInitialScale(value) } : [];

        var errors = FunctionValidator.Validate(TestFunctions.Function("default", "hello", options), Local with { AllowZeroInitialScale = allowZero });

        Assert.Equal(expected is null ? [] : [expected], errors.Select(e => e.ToString()));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_WithLimits_RefusesCountsOverThemNamingTheKey(string label, Action<Function>[] options, string? field, string? expected)
    {
        var errors = FunctionValidator.Validate(TestFunctions.Function("default", "hello", options), Local);

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
    public void Validate_MaxInstancesTighterThanTheLimit_NamesMaxInstances()
    {
        var errors = FunctionValidator.Validate(TestFunctions.Function("default", "hello", WithMinScale(30)), new ScaleLimits(MaxScaleLimit: 50, MaxInstances: 20));

        var error = Assert.Single(errors);
        Assert.Equal("spec.scale.minScale: must be <= 20, the platform's max-instances (instances of all functions together) (got 30)", error.ToString());
    }

    [Fact]
    public void Validate_WithoutLimits_AsBefore()
    {
        ValidationAssert.Valid(FunctionValidator.Validate(TestFunctions.Function("default", "hello", WithMinScale(1_000_000))));
        ValidationAssert.Valid(FunctionValidator.Validate(TestFunctions.Function("default", "hello", WithMinScale(1_000_000)), ScaleLimits.None));
    }
}
