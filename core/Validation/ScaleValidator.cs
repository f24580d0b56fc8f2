using System.Globalization;
using Serverless.Core.Api;
using Serverless.Core.Defaulting;

namespace Serverless.Core.Validation;

/// <summary><c>spec.scale</c>: Knative's autoscaling annotations, with the same ranges, as typed fields.</summary>
internal static class ScaleValidator
{
    public const int MaxTarget = 100_000;
    public const int MaxContainerConcurrency = 1000;
    public const int MaxScaleToZeroGracePeriodSeconds = 3600;
    public const int MaxScaleDownDelaySeconds = 3600;

    public static void Validate(ScaleSpec? scale, FieldPath path, ErrorList errors)
    {
        if (scale is null)
        {
            return;
        }

        var minValid = AtLeast(scale.MinScale, 0, path.Child("minScale"), errors);

        // maxScale 0 means unbounded, so the bounds are compared only when it is positive.
        if (AtLeast(scale.MaxScale, 0, path.Child("maxScale"), errors)
            && minValid && scale is { MaxScale: > 0 and var max, MinScale: { } min } && max < min)
        {
            errors.Add(path.Child("maxScale"), $"must be >= minScale ({min})");
        }

        if (AtLeast(scale.InitialScale, 0, path.Child("initialScale"), errors)
            && scale is { MaxScale: > 0 and var bound, InitialScale: { } initial } && initial > bound)
        {
            errors.Add(path.Child("initialScale"), $"must be <= maxScale ({bound}) (got {initial})");
        }

        if (scale.Target is { } target && (target < 1 || target > MaxTarget))
        {
            errors.OutOfRange(path.Child("target"), target, 1, MaxTarget);
        }

        if (scale.TargetUtilization is { } utilization && !(utilization > 0 && utilization <= 1))
        {
            // The negated form also refuses NaN.
            errors.Add(
                path.Child("targetUtilization"),
                $"must be greater than 0 and at most 1 (got {utilization.ToString(CultureInfo.InvariantCulture)})");
        }

        var concurrencyValid = scale.ContainerConcurrency is not { } concurrency
            || InRange(concurrency, 0, MaxContainerConcurrency, path.Child("containerConcurrency"), errors);

        if (scale.ScaleToZeroGracePeriodSeconds is { } grace)
        {
            InRange(grace, 0, MaxScaleToZeroGracePeriodSeconds, path.Child("scaleToZeroGracePeriodSeconds"), errors);
        }

        if (scale.ScaleDownDelaySeconds is { } delay)
        {
            InRange(delay, 0, MaxScaleDownDelaySeconds, path.Child("scaleDownDelaySeconds"), errors);
        }

        if (AtLeast(scale.ActivationScale, 1, path.Child("activationScale"), errors)
            && scale is { MaxScale: > 0 and var cap, ActivationScale: { } activation } && activation > cap)
        {
            errors.Add(path.Child("activationScale"), $"must be <= maxScale ({cap}) (got {activation})");
        }

        if (scale.TargetBurstCapacity is { } burst && !(burst >= 0 || burst == -1))
        {
            // The negated form also refuses NaN.
            errors.Add(
                path.Child("targetBurstCapacity"),
                $"must be -1 (unlimited) or at least 0 (got {burst.ToString(CultureInfo.InvariantCulture)})");
        }

        var classValid = scale.Class is null || ScaleClassNames.All.Contains(scale.Class, StringComparer.Ordinal);
        if (!classValid)
        {
            errors.Unsupported(path.Child("class"), scale.Class, ScaleClassNames.All);
        }

        var metrics = ScaleMetricNames.For(scale.Class);
        var metricValid = classValid && (scale.Metric is null ? !ScaleClassNames.IsHpa(scale.Class) : metrics.Contains(scale.Metric, StringComparer.Ordinal));
        if (classValid && scale.Metric is null && !metricValid)
        {
            // No default: the one the KPA class stores (concurrency, also the CRD's default) is not an HPA metric.
            errors.Add(path.Child("metric"), $"is required for class {ScaleClassNames.Hpa}: supported values: \"cpu\", \"memory\"");
        }
        else if (classValid && !metricValid)
        {
            errors.Unsupported(path.Child("metric"), scale.Metric, metrics);
        }

        if (ScaleClassNames.IsHpa(scale.Class))
        {
            if (scale.MinScale is not > 0)
            {
                // As Knative: an HPA never scales to zero, so a Function that asks to must choose the KPA.
                errors.Add(path.Child("minScale"), $"must be >= 1 for class {ScaleClassNames.Hpa}: a HorizontalPodAutoscaler cannot scale to zero (got {scale.MinScale ?? 0})");
            }

            if (scale.Metric == ScaleMetricNames.Memory && scale.Target is null)
            {
                errors.Add(path.Child("target"), "is required for metric memory: the MiB per instance to aim at");
            }
        }

        // Knative silently clamps the target to containerConcurrency; a target no instance may ever reach is a
        // mistake worth refusing. Only for the concurrency metric: an rps target is in other units.
        if (concurrencyValid && metricValid
            && scale.ContainerConcurrency is > 0 and var limit
            && scale.Target is { } requested && requested > limit
            && (scale.Metric ?? ScaleMetricNames.Concurrency) == ScaleMetricNames.Concurrency)
        {
            errors.Add(
                path.Child("target"),
                $"must be <= containerConcurrency ({limit}) (got {requested}): an instance never takes more than containerConcurrency requests at once");
        }
    }

    /// <summary>
    /// minScale, maxScale and initialScale against the platform's bounds, each error naming the bound's key. Knative
    /// refuses maxScale 0 (unbounded) under a max-scale-limit because its defaulting fills in a global max-scale;
    /// here unbounded is admitted and the autoscaler reads it as the limit, so a Function needs no scale settings.
    /// </summary>
    public static void ValidateLimits(ScaleSpec? scale, ScaleLimits limits, FieldPath path, ErrorList errors)
    {
        // One error per field, naming the tighter bound (on a tie, max-scale-limit, the per-function one).
        (int Value, string Name)? bound = null;
        if (limits.MaxScaleLimit > 0)
        {
            bound = (limits.MaxScaleLimit, ScaleLimits.MaxScaleLimitKey);
        }

        if (limits.MaxInstances > 0 && (bound is null || limits.MaxInstances < bound.Value.Value))
        {
            bound = (limits.MaxInstances, ScaleLimits.MaxInstancesKey + " (instances of all functions together)");
        }

        if (scale is null || bound is not { } tightest)
        {
            return;
        }

        foreach (var (field, value) in new[] { ("minScale", scale.MinScale), ("maxScale", scale.MaxScale), ("initialScale", scale.InitialScale) })
        {
            if (value > tightest.Value)
            {
                errors.Add(path.Child(field), $"must be <= {tightest.Value}, the platform's {tightest.Name} (got {value})");
            }
        }
    }

    /// <returns>Whether the value is absent or valid, so dependent checks run only on valid input.</returns>
    private static bool AtLeast(int? value, int min, FieldPath path, ErrorList errors)
    {
        if (value < min)
        {
            errors.Add(path, $"must be >= {min} (got {value})");
            return false;
        }

        return true;
    }

    private static bool InRange(int value, int min, int max, FieldPath path, ErrorList errors)
    {
        if (value < min || value > max)
        {
            errors.OutOfRange(path, value, min, max);
            return false;
        }

        return true;
    }
}
