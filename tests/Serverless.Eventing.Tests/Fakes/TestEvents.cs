using System.Text.Json;
using CloudNative.CloudEvents;
using Serverless.Eventing.Events;

namespace Serverless.Eventing.Tests.Fakes;

internal static class TestEvents
{
    /// <summary>A 1.0 event; <paramref name="data"/>, when given, as JSON with <c>datacontenttype: application/json</c>.</summary>
    public static BrokerEvent Event(
        string id, string type = "dev.example.order", string source = "/orders", object? data = null, params (string Name, string Value)[] extensions)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["specversion"] = "1.0",
            ["id"] = id,
            ["type"] = type,
            ["source"] = source,
        };
        if (data is not null)
        {
            attributes["datacontenttype"] = "application/json";
        }

        foreach (var (name, value) in extensions)
        {
            attributes[name] = value;
        }

        return new BrokerEvent(attributes, data is null ? null : JsonSerializer.SerializeToUtf8Bytes(data));
    }

    /// <summary>The same event as the C# SDK's <see cref="CloudEvent"/>, for tests that send through the SDK's HTTP encoding.</summary>
    public static CloudEvent SdkEvent(string id, string type = "dev.example.order", string source = "/orders", object? data = null) => new()
    {
        Id = id,
        Type = type,
        Source = new Uri(source, UriKind.RelativeOrAbsolute),
        DataContentType = data is null ? null : "application/json",
        Data = data,
    };
}
