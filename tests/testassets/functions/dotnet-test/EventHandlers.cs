using System.Text.Json;
using CloudNative.CloudEvents;

namespace DotnetTest;

/// <summary>Handlers taking and returning CloudEvents, for the runtime's event binding tests.</summary>
public static class EventHandlers
{
    /// <summary>Replies with an event describing the one received.</summary>
    public static CloudEvent Reply(CloudEvent cloudEvent) => new()
    {
        Id = "reply-" + cloudEvent.Id,
        Source = new Uri("/dotnet-test", UriKind.Relative),
        Type = "com.example.reply",
        Subject = cloudEvent.Subject,
        DataContentType = "application/json",
        Data = new EventSummary(cloudEvent.Id!, cloudEvent.Type!, cloudEvent.Source!.OriginalString, DataText(cloudEvent.Data)),
    };

    /// <summary>Takes the event if there is one; returns nothing (204).</summary>
    public static Task<CloudEvent?> Swallow(CloudEvent? cloudEvent) => Task.FromResult<CloudEvent?>(null);

    /// <summary>Returns an event without a type: the runtime answers 500.</summary>
    public static CloudEvent Invalid() => new() { Id = "x", Source = new Uri("/dotnet-test", UriKind.Relative) };

    internal static string? DataText(object? data) => data switch
    {
        null => null,
        string text => text,
        byte[] bytes => Convert.ToBase64String(bytes),
        JsonElement json => json.GetRawText(),
        _ => JsonSerializer.Serialize(data),
    };
}
