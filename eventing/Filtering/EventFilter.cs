using Serverless.Core.Api;

namespace Serverless.Eventing.Filtering;

/// <summary>
/// Decides whether an event passes a Trigger's filter. Pure: the event is its attributes as CloudEvents canonical
/// strings (context attributes and extensions alike, names lower case), so any attribute or extension can be matched.
/// </summary>
/// <remarks>
/// Knative's rules: when <c>filters</c> is set it alone decides and every entry must match; otherwise every
/// <c>filter.attributes</c> entry must equal the event's value exactly; no filter at all passes everything. An
/// attribute the event lacks never matches <c>exact</c>, <c>prefix</c> or <c>suffix</c> (so <c>not</c> of one matches).
/// Comparison is ordinal and case sensitive, as the CloudEvents Subscriptions API specifies.
/// </remarks>
internal static class EventFilter
{
    public static bool Matches(TriggerSpec spec, IReadOnlyDictionary<string, string> attributes)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(attributes);
        if (spec.Filters is { Count: > 0 } filters)
        {
            return All(filters, attributes);
        }

        if (spec.Filter?.Attributes is { } exact)
        {
            foreach (var (name, value) in exact)
            {
                if (!attributes.TryGetValue(name, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal))
                {
                    return false;
                }
            }
        }

        return true;
    }

    public static bool Matches(SubscriptionsApiFilter filter, IReadOnlyDictionary<string, string> attributes)
    {
        // Validation guarantees one dialect per filter; checking them in order keeps a malformed one deterministic.
        if (filter.Exact is { } exact)
        {
            return Each(exact, attributes, static (actual, wanted) => string.Equals(actual, wanted, StringComparison.Ordinal));
        }

        if (filter.Prefix is { } prefix)
        {
            return Each(prefix, attributes, static (actual, wanted) => actual.StartsWith(wanted, StringComparison.Ordinal));
        }

        if (filter.Suffix is { } suffix)
        {
            return Each(suffix, attributes, static (actual, wanted) => actual.EndsWith(wanted, StringComparison.Ordinal));
        }

        if (filter.All is { } all)
        {
            return All(all, attributes);
        }

        if (filter.Any is { } any)
        {
            return any.Any(f => Matches(f, attributes));
        }

        if (filter.Not is { } not)
        {
            return !Matches(not, attributes);
        }

        return true;
    }

    private static bool All(IEnumerable<SubscriptionsApiFilter> filters, IReadOnlyDictionary<string, string> attributes) =>
        filters.All(f => Matches(f, attributes));

    private static bool Each(IDictionary<string, string> expressions, IReadOnlyDictionary<string, string> attributes, Func<string, string, bool> test)
    {
        foreach (var (name, wanted) in expressions)
        {
            if (!attributes.TryGetValue(name, out var actual) || !test(actual, wanted))
            {
                return false;
            }
        }

        return true;
    }
}
