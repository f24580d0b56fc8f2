using Serverless.Core.Api;
using Serverless.Core.Naming;

namespace Serverless.Core.Validation;

/// <summary>
/// <c>spec.traffic</c> as Knative validates it: each target names a revision or follows the latest one (not both),
/// percents are 0 to 100 and sum to 100, tags are unique DNS labels short enough for <c>{tag}-{function}</c>.
/// Whether a named revision exists is the controller's business (RouteReady False, reason RevisionMissing), as in Knative.
/// </summary>
internal static class TrafficValidator
{
    public const int MaxTargets = 100;

    public static void Validate(IList<TrafficTarget>? traffic, string? function, FieldPath path, ErrorList errors)
    {
        if (traffic is null || traffic.Count == 0)
        {
            return; // absent: 100% to the latest ready revision
        }

        if (traffic.Count > MaxTargets)
        {
            errors.Add(path, $"must have at most {MaxTargets} items (got {traffic.Count})");
            return;
        }

        var tags = new HashSet<string>(StringComparer.Ordinal);
        long sum = 0;
        for (var i = 0; i < traffic.Count; i++)
        {
            var at = path.Index(i);
            if (traffic[i] is not { } target)
            {
                errors.Required(at);
                continue;
            }

            ValidateTarget(target, function, at, tags, errors);
            sum += target.Percent is { } p and >= 0 and <= 100 ? p : 0;
        }

        if (sum != 100)
        {
            errors.Add(path, $"the percents must sum to 100 (got {sum})");
        }
    }

    private static void ValidateTarget(TrafficTarget target, string? function, FieldPath at, HashSet<string> tags, ErrorList errors)
    {
        var latest = target.LatestRevision == true;
        if (target.RevisionName is { } revision)
        {
            if (latest)
            {
                errors.Forbidden(at.Child("revisionName"), "when latestRevision is true");
            }
            else if (!Names.IsDns1123Subdomain(revision))
            {
                errors.Add(at.Child("revisionName"), Names.Dns1123SubdomainError(revision));
            }
        }
        else if (!latest)
        {
            errors.Add(at.Child("revisionName"), "is required unless latestRevision is true");
        }

        if (target.Percent is { } percent && (percent < 0 || percent > 100))
        {
            errors.OutOfRange(at.Child("percent"), percent, 0, 100);
        }

        if (target.Url is not null)
        {
            errors.Forbidden(at.Child("url"), "in spec (the status carries each tag's URL)");
        }

        if (target.Tag is not { } tag)
        {
            return;
        }

        if (!Names.IsDns1123Label(tag))
        {
            errors.Add(at.Child("tag"), Names.Dns1123LabelError(tag));
        }
        else if (function is not null && tag.Length + 1 + function.Length > Names.MaxLabelLength)
        {
            // The tag's host is {tag}-{function}.{namespace}.{domain}: its first label must stay a DNS label.
            errors.Add(at.Child("tag"), $"{ErrorList.Quote(tag + "-" + function)} (tag-function) must be at most {Names.MaxLabelLength} characters");
        }

        if (!tags.Add(tag))
        {
            errors.Add(at.Child("tag"), $"duplicate tag {ErrorList.Quote(tag)}");
        }
    }
}
