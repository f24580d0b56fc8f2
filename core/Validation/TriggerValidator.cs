using System.Text.RegularExpressions;
using Serverless.Core.Api;

namespace Serverless.Core.Validation;

/// <summary>Checks a defaulted Trigger and reports every problem at once.</summary>
public static partial class TriggerValidator
{
    public const int MaxFilterValueLength = 1024;

    /// <summary>How deep <c>all</c>, <c>any</c> and <c>not</c> may nest: the matcher recurses, and no real filter needs more.</summary>
    public const int MaxFilterDepth = 8;

    private static readonly string[] Dialects = ["exact", "prefix", "suffix", "all", "any", "not"];

    public static IReadOnlyList<ValidationError> Validate(Trigger trigger)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        var errors = new ErrorList();
        MetadataValidator.ValidateTypeMeta(trigger.ApiVersion, trigger.Kind, Trigger.KindName, errors);
        MetadataValidator.Validate(trigger.Metadata, errors);

        var path = new FieldPath("spec");
        if (trigger.Spec is not { } spec)
        {
            errors.Required(path);
            return errors.ToList();
        }

        MetadataValidator.ValidateDnsLabel(spec.Broker, path.Child("broker"), errors);
        ValidateFilter(spec.Filter, path.Child("filter"), errors);
        if (spec.Filters is { } filters)
        {
            ValidateFilters(filters, path.Child("filters"), depth: 1, errors);
        }

        DestinationValidator.Validate(spec.Subscriber, required: true, path.Child("subscriber"), errors);
        DeliveryValidator.Validate(spec.Delivery, path.Child("delivery"), errors);
        return errors.ToList();
    }

    private static void ValidateFilter(TriggerFilter? filter, FieldPath path, ErrorList errors)
    {
        if (filter?.Attributes is not { } attributes)
        {
            return;
        }

        var attributesPath = path.Child("attributes");
        foreach (var (name, value) in attributes)
        {
            ValidateAttribute(name, value, attributesPath, errors);
        }
    }

    private static void ValidateFilters(IList<SubscriptionsApiFilter> filters, FieldPath path, int depth, ErrorList errors)
    {
        for (var i = 0; i < filters.Count; i++)
        {
            ValidateSubscriptionsFilter(filters[i], path.Index(i), depth, errors);
        }
    }

    private static void ValidateSubscriptionsFilter(SubscriptionsApiFilter? filter, FieldPath path, int depth, ErrorList errors)
    {
        if (filter is null)
        {
            errors.Required(path);
            return;
        }

        if (depth > MaxFilterDepth)
        {
            errors.Add(path, $"filters must not nest more than {MaxFilterDepth} levels deep");
            return;
        }

        bool[] set = [filter.Exact is not null, filter.Prefix is not null, filter.Suffix is not null, filter.All is not null, filter.Any is not null, filter.Not is not null];
        var count = set.Count(s => s);
        if (count != 1)
        {
            // As Knative: one dialect per entry, so that "exact and prefix" is never read as either AND or OR.
            var found = count == 0 ? "none" : string.Join(", ", Dialects.Where((_, i) => set[i]));
            errors.Add(path, $"must set exactly one of {string.Join(", ", Dialects)} (got {found})");
        }

        ValidateSingleAttribute(filter.Exact, path.Child("exact"), errors);
        ValidateSingleAttribute(filter.Prefix, path.Child("prefix"), errors);
        ValidateSingleAttribute(filter.Suffix, path.Child("suffix"), errors);
        ValidateNested(filter.All, path.Child("all"), depth, errors);
        ValidateNested(filter.Any, path.Child("any"), depth, errors);
        if (filter.Not is { } not)
        {
            ValidateSubscriptionsFilter(not, path.Child("not"), depth + 1, errors);
        }
    }

    private static void ValidateNested(IList<SubscriptionsApiFilter>? filters, FieldPath path, int depth, ErrorList errors)
    {
        if (filters is null)
        {
            return;
        }

        if (filters.Count == 0)
        {
            // An empty "all" would match everything and an empty "any" nothing: almost surely a mistake.
            errors.Add(path, "must hold at least one filter");
            return;
        }

        ValidateFilters(filters, path, depth + 1, errors);
    }

    private static void ValidateSingleAttribute(IDictionary<string, string>? map, FieldPath path, ErrorList errors)
    {
        if (map is null)
        {
            return;
        }

        if (map.Count != 1)
        {
            // Knative's rule: one attribute per expression; combine several with "all".
            errors.Add(path, $"must hold exactly one attribute and value (got {map.Count}); combine several with all");
        }

        foreach (var (name, value) in map)
        {
            ValidateAttribute(name, value, path, errors);
        }
    }

    private static void ValidateAttribute(string name, string? value, FieldPath mapPath, ErrorList errors)
    {
        if (!AttributeName().IsMatch(name))
        {
            // The CloudEvents spec: attribute names are lower-case letters and digits, at most 20 recommended.
            errors.Add(mapPath, $"key {ErrorList.Quote(name)}: a CloudEvents attribute name must be 1 to 20 lower-case letters or digits");
        }

        if (string.IsNullOrEmpty(value))
        {
            errors.Add(mapPath.Key(name), "must not be empty");
        }
        else if (value.Length > MaxFilterValueLength)
        {
            errors.Add(mapPath.Key(name), $"must be no more than {MaxFilterValueLength} characters (got {value.Length})");
        }
        else if (value.Any(char.IsControl))
        {
            errors.Add(mapPath.Key(name), $"must not contain control characters (got {ErrorList.Quote(value)})");
        }
    }

    [GeneratedRegex(@"^[a-z0-9]{1,20}\z", RegexOptions.CultureInvariant)]
    private static partial Regex AttributeName();
}
