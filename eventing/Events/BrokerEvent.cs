namespace Serverless.Eventing.Events;

/// <summary>
/// A CloudEvent as the broker relays it: every context attribute in the canonical string form it arrived in, and the
/// data as the bytes that arrived, so a subscriber receives what the producer sent — JSON whitespace, escapes, the
/// full precision of <c>time</c>, an absent <c>datacontenttype</c>, specversion 0.3 — as Knative's broker relays it.
/// </summary>
/// <remarks>
/// The SDK's <c>CloudEvent</c> parses as it reads (JSON data re-serialized, <c>time</c> cut to 100 ns, a missing
/// content type turned into <c>application/json</c>), which is right for a function handling an event and wrong for
/// a relay. Validation is <see cref="EventAttributeRules"/>'; this type holds what passed it.
/// </remarks>
internal sealed class BrokerEvent
{
    public const string SpecVersionAttribute = "specversion";
    public const string DataContentTypeAttribute = "datacontenttype";

    private readonly Dictionary<string, string> _attributes;

    /// <param name="attributes">Name → canonical string form, <c>specversion</c> and <c>datacontenttype</c> included when present.</param>
    /// <param name="data">The data bytes; null when the event has none.</param>
    public BrokerEvent(IEnumerable<KeyValuePair<string, string>> attributes, ReadOnlyMemory<byte>? data)
    {
        _attributes = new Dictionary<string, string>(attributes, StringComparer.Ordinal);
        Data = data;
    }

    public IReadOnlyDictionary<string, string> Attributes => _attributes;

    public ReadOnlyMemory<byte>? Data { get; }

    public string SpecVersion => _attributes[SpecVersionAttribute];

    public string Id => _attributes["id"];

    public string Source => _attributes["source"];

    public string Type => _attributes["type"];

    public string? DataContentType => _attributes.GetValueOrDefault(DataContentTypeAttribute);

    public string? this[string name] => _attributes.GetValueOrDefault(name);

    /// <summary>A copy with <paramref name="name"/> set to <paramref name="value"/>, or removed when it is null.</summary>
    public BrokerEvent With(string name, string? value)
    {
        var attributes = new Dictionary<string, string>(_attributes, StringComparer.Ordinal);
        if (value is null)
        {
            attributes.Remove(name);
        }
        else
        {
            attributes[name] = value;
        }

        return new BrokerEvent(attributes, Data);
    }
}
