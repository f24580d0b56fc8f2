using CloudNative.CloudEvents;

namespace Serverless.Eventing.Tests.Fakes;

internal static class TestEvents
{
    public static CloudEvent Event(string id, string type = "dev.example.order", string source = "/orders", object? data = null) => new()
    {
        Id = id,
        Type = type,
        Source = new Uri(source, UriKind.RelativeOrAbsolute),
        DataContentType = data is null ? null : "application/json",
        Data = data,
    };
}
