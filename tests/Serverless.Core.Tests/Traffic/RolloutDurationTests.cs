using Serverless.Core.Traffic;
using Serverless.Core.Validation;
using static Serverless.Core.Tests.Builders.TestFunctions;

namespace Serverless.Core.Tests.Traffic;

public sealed class RolloutDurationTests
{
    [Theory]
    [InlineData("none: the platform's", null, null, 7)]
    [InlineData("ours", "380s", null, 380)]
    [InlineData("Knative's", null, "5m", 300)]
    [InlineData("both: ours wins", "10s", "5m", 10)]
    [InlineData("ours unreadable: Knative's", "soon", "20s", 20)]
    [InlineData("zero: at once", "0s", null, 0)]
    public void Of_Annotations_PicksTheFunctionsDurationElseThePlatforms(string label, string? ours, string? knative, int seconds)
    {
        var fn = Function("default", "hello");
        if (ours is not null)
        {
            WithAnnotation(RolloutDuration.Annotation, ours)(fn);
        }

        if (knative is not null)
        {
            WithAnnotation(RolloutDuration.KnativeAnnotation, knative)(fn);
        }

        Assert.True(TimeSpan.FromSeconds(seconds) == RolloutDuration.Of(fn, TimeSpan.FromSeconds(7)), label);
    }

    [Theory]
    [InlineData("serverless.dev/rollout-duration", "5m", null)]
    [InlineData("serving.knative.dev/rollout-duration", "00:01:00", null)]
    [InlineData("serverless.dev/rollout-duration", "soon", "metadata.annotations[serverless.dev/rollout-duration]: must be a duration from 0s to 24h such as 380s or 5m, got \"soon\"")]
    [InlineData("serving.knative.dev/rollout-duration", "-1s", "metadata.annotations[serving.knative.dev/rollout-duration]: must be a duration from 0s to 24h such as 380s or 5m, got \"-1s\"")]
    [InlineData("serverless.dev/rollout-duration", "25h", "metadata.annotations[serverless.dev/rollout-duration]: must be a duration from 0s to 24h such as 380s or 5m, got \"25h\"")]
    public void Validate_Annotation_NamesTheFieldWhenBad(string key, string value, string? error)
    {
        var errors = FunctionValidator.Validate(Function("default", "hello", WithAnnotation(key, value)));

        Assert.Equal(error is null ? [] : [error], errors.Select(e => e.ToString()));
    }
}
