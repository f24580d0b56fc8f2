using Serverless.Autoscaler.Configuration;
using Serverless.Autoscaler.Scaling;
using Serverless.Core.Api;
using Serverless.Core.Defaulting;

namespace Serverless.Autoscaler.Tests.Scaling;

/// <summary>Builds <see cref="KpaInputs"/> from the defaults (70 per instance) with only what a row changes.</summary>
internal static class KpaTestInputs
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static EffectiveScale Scale(int min = 0, int max = 0, int initial = 1, string metric = ScaleMetricNames.Concurrency, AutoscalerOptions? options = null) =>
        EffectiveScale.Resolve(
            new ScaleSpec { MinScale = min, MaxScale = max, InitialScale = initial, Metric = metric },
            (options ?? new AutoscalerOptions()).ToScaleDefaults(metric));

    public static KpaInputs Inputs(
        double stable,
        double panic,
        int ready,
        int current,
        double seconds = 0,
        EffectiveScale? scale = null,
        AutoscalerOptions? options = null,
        KpaState state = default,
        bool canScaleToZero = true) => new()
        {
            Now = T0.AddSeconds(seconds),
            Observed = new WindowAverages(stable, panic, HasData: true),
            WatchedSince = T0,
            Scale = scale ?? Scale(),
            Options = options ?? new AutoscalerOptions(),
            ReadyCount = ready,
            CurrentDesired = current,
            State = state,
            CanScaleToZero = canScaleToZero,
        };
}
