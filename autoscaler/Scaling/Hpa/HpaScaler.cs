namespace Serverless.Autoscaler.Scaling.Hpa;

/// <summary>
/// Kubernetes' HorizontalPodAutoscaler (<c>pkg/controller/podautoscaler</c>: the replica calculator, then
/// <c>normalizeDesiredReplicasWithBehaviors</c>) as a pure function, for the HPA class in local mode. On Kubernetes
/// the cluster's own HPA runs instead, on the object the controller creates.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item>Recommendation: ratio = measured ÷ target over the ready instances with a measurement (utilization: Σ usage ÷
/// Σ request × 100 against the percent target; average value: Σ usage ÷ count against the target). Within the 10%
/// tolerance the count stays; else ceil(ratio × measured instances). Instances without a measurement count as at the
/// target when going down and as idle when going up, and starting instances as idle when going up, so neither pushes
/// the count further than the measured ones justify; a direction the correction reverses keeps the count.</item>
/// <item>Stabilization: never below the highest recommendation of the scale-down window (300 s by default), never
/// above the lowest of the scale-up window (0 s).</item>
/// <item>Policies: up by at most the larger of 4 instances or 100% per 15 s, down by at most 100% per 15 s, each
/// counted from the count at the start of the period; then [minReplicas, maxReplicas].</item>
/// </list>
/// </remarks>
internal static class HpaScaler
{
    /// <summary>Kubernetes' <c>--horizontal-pod-autoscaler-tolerance</c> default.</summary>
    public const double Tolerance = 0.1;

    public static HpaDecision Decide(in HpaInputs inputs)
    {
        var now = inputs.Now;
        var current = inputs.CurrentReplicas;
        var (recommendation, ratio) = Recommend(inputs);
        var behavior = inputs.Behavior;

        // Stabilization over the recommendations of the windows, this one included.
        var keep = Max(behavior.ScaleUp.StabilizationWindow, behavior.ScaleDown.StabilizationWindow);
        var recommendations = inputs.State.Recommendations.RemoveAll(r => r.Time <= now - keep).Add((now, recommendation));
        var upRecommendation = recommendation;
        var downRecommendation = recommendation;
        foreach (var (time, replicas) in recommendations)
        {
            if (time > now - behavior.ScaleUp.StabilizationWindow)
            {
                upRecommendation = Math.Min(upRecommendation, replicas);
            }

            if (time > now - behavior.ScaleDown.StabilizationWindow)
            {
                downRecommendation = Math.Max(downRecommendation, replicas);
            }
        }

        var stabilized = current;
        stabilized = stabilized < upRecommendation ? upRecommendation : stabilized;
        stabilized = stabilized > downRecommendation ? downRecommendation : stabilized;

        var longestPeriod = Longest(behavior.ScaleUp.Policies, Longest(behavior.ScaleDown.Policies, TimeSpan.Zero));
        var ups = inputs.State.ScaleUps.RemoveAll(e => e.Time <= now - longestPeriod);
        var downs = inputs.State.ScaleDowns.RemoveAll(e => e.Time <= now - longestPeriod);
        var max = inputs.MaxReplicas > 0 ? inputs.MaxReplicas : int.MaxValue;
        int desired;
        if (stabilized > current)
        {
            var limit = Math.Max(current, ScaleUpLimit(current, ups, behavior.ScaleUp, now));
            desired = Math.Max(Math.Min(stabilized, Math.Min(max, limit)), inputs.MinReplicas);
        }
        else if (stabilized < current)
        {
            var limit = Math.Min(current, ScaleDownLimit(current, downs, behavior.ScaleDown, now));
            desired = Math.Min(Math.Max(stabilized, Math.Max(inputs.MinReplicas, limit)), max);
        }
        else
        {
            desired = Math.Clamp(stabilized, inputs.MinReplicas, Math.Max(inputs.MinReplicas, max));
        }

        if (desired > current)
        {
            ups = ups.Add((now, desired - current));
        }
        else if (desired < current)
        {
            downs = downs.Add((now, current - desired));
        }

        return new HpaDecision(desired, recommendation, ratio, new HpaState(recommendations, ups, downs));
    }

    /// <summary>The replica calculator: what the metric alone asks for, and the measured usage ratio.</summary>
    private static (int Replicas, double Ratio) Recommend(in HpaInputs inputs)
    {
        var current = inputs.CurrentReplicas;
        var measured = inputs.Instances.Where(i => i.Ready && i.Usage is not null).ToList();
        if (measured.Count == 0 || current == 0 || !(inputs.Target > 0))
        {
            return (current, 0); // nothing measured yet (or scaled to zero by hand): Kubernetes does not act either
        }

        var ratio = Ratio(measured.Select(i => (i.Usage!.Value, i.Request)), inputs);
        var missing = inputs.Instances.Where(i => i.Ready && i.Usage is null).ToList();
        var unready = inputs.Instances.Where(i => !i.Ready).ToList();
        var countUnready = unready.Count > 0 && ratio > 1;
        if (missing.Count == 0 && !countUnready)
        {
            return Math.Abs(ratio - 1) <= Tolerance ? (current, ratio) : (CeilPods(ratio * measured.Count), ratio);
        }

        // Instances without a measurement pull towards no change: at the target when going down, idle when going up.
        var samples = measured.Select(i => (i.Usage!.Value, i.Request)).ToList();
        foreach (var instance in missing)
        {
            samples.Add((ratio < 1 ? AtTarget(instance, inputs) : 0, instance.Request));
        }

        if (countUnready)
        {
            samples.AddRange(unready.Select(i => (0d, i.Request)));
        }

        var corrected = Ratio(samples, inputs);
        if (Math.Abs(corrected - 1) <= Tolerance || (ratio > 1 && corrected < 1) || (ratio < 1 && corrected > 1))
        {
            return (current, ratio);
        }

        var replicas = CeilPods(corrected * samples.Count);
        return (corrected < 1 && replicas > current) || (corrected > 1 && replicas < current) ? (current, ratio) : (replicas, ratio);
    }

    private static double Ratio(IEnumerable<(double Usage, double Request)> samples, in HpaInputs inputs)
    {
        double usage = 0, request = 0;
        var count = 0;
        foreach (var (u, r) in samples)
        {
            usage += u;
            request += r;
            count++;
        }

        return inputs.Utilization
            ? (request > 0 ? usage / request * 100 : 0) / inputs.Target
            : usage / count / inputs.Target;
    }

    private static double AtTarget(HpaInstanceUsage instance, in HpaInputs inputs) =>
        inputs.Utilization ? instance.Request : inputs.Target;

    private static int ScaleUpLimit(int current, IEnumerable<(DateTimeOffset Time, int Change)> events, HpaScalingRules rules, DateTimeOffset now)
    {
        if (rules.SelectPolicy == HpaSelectPolicy.Disabled || rules.Policies.Count == 0)
        {
            return current;
        }

        var max = rules.SelectPolicy == HpaSelectPolicy.Max;
        var result = max ? int.MinValue : int.MaxValue;
        foreach (var policy in rules.Policies)
        {
            var periodStart = current - events.Where(e => e.Time > now - policy.Period).Sum(e => e.Change);
            var proposed = policy.Type == HpaPolicyType.Pods
                ? periodStart + policy.Value
                : CeilPods(periodStart * (1 + (policy.Value / 100.0)));
            result = max ? Math.Max(result, proposed) : Math.Min(result, proposed);
        }

        return result;
    }

    private static int ScaleDownLimit(int current, IEnumerable<(DateTimeOffset Time, int Change)> events, HpaScalingRules rules, DateTimeOffset now)
    {
        if (rules.SelectPolicy == HpaSelectPolicy.Disabled || rules.Policies.Count == 0)
        {
            return current;
        }

        var max = rules.SelectPolicy == HpaSelectPolicy.Max;
        var result = max ? int.MaxValue : int.MinValue;
        foreach (var policy in rules.Policies)
        {
            var periodStart = current + events.Where(e => e.Time > now - policy.Period).Sum(e => e.Change);
            var proposed = policy.Type == HpaPolicyType.Pods
                ? periodStart - policy.Value
                : (int)(periodStart * (1 - (policy.Value / 100.0)));
            result = max ? Math.Min(result, proposed) : Math.Max(result, proposed);
        }

        return result;
    }

    // ceil() of a product that should be an exact integer but is off by one ulp must not add a pod.
    private static int CeilPods(double value) => (int)Math.Min(int.MaxValue, Math.Ceiling(value - 1e-9));

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Longest(IEnumerable<HpaPolicy> policies, TimeSpan floor) =>
        policies.Aggregate(floor, (longest, p) => p.Period > longest ? p.Period : longest);
}
