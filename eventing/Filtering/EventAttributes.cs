using CloudNative.CloudEvents;

namespace Serverless.Eventing.Filtering;

/// <summary>An event's attributes as the filter sees them: name → canonical string form, specversion included.</summary>
internal static class EventAttributes
{
    public static IReadOnlyDictionary<string, string> Of(CloudEvent cloudEvent)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [CloudEventsSpecVersion.SpecVersionAttribute.Name] = cloudEvent.SpecVersion.VersionId,
        };
        foreach (var (attribute, value) in cloudEvent.GetPopulatedAttributes())
        {
            attributes[attribute.Name] = attribute.Format(value);
        }

        return attributes;
    }
}
