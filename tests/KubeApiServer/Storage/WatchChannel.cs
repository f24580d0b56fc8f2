using System.Text.Json.Nodes;
using System.Threading.Channels;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.Hosting.KubeApi.Selectors;

namespace Serverless.KubeApiServer.Storage;

/// <summary>One open watch: its filter and the queue of serialized events waiting to be written.</summary>
/// <remarks>
/// A reader that falls <paramref name="bufferLimit"/> events behind is ended with a 410 ERROR event, as the
/// API server ends a watcher it cannot keep up with, instead of buffering without bound.
/// </remarks>
internal sealed class WatchChannel(ResourceType type, string? @namespace, LabelSelector labels, FieldSelector fields, bool bookmarks, int bufferLimit)
{
    private readonly Channel<JsonObject> _events = Channel.CreateUnbounded<JsonObject>(); // multi-reader flavour: it can count what is queued
    private bool _ended;

    public ResourceType Type { get; } = type;

    public bool Bookmarks { get; } = bookmarks;

    public ChannelReader<JsonObject> Reader => _events.Reader;

    public bool Matches(JsonObject obj) =>
        (@namespace is null || obj["metadata"]?["namespace"]?.GetValue<string>() == @namespace)
        && labels.Matches(obj)
        && fields.Matches(obj);

    public void Send(string type, JsonObject obj)
    {
        if (_ended)
        {
            return;
        }

        if (_events.Reader.Count >= bufferLimit)
        {
            _events.Writer.TryWrite(new JsonObject
            {
                ["type"] = "ERROR",
                ["object"] = Http.StatusObjects.Failure(System.Net.HttpStatusCode.Gone, "Expired", $"the watcher fell more than {bufferLimit} events behind"),
            });
            Complete();
            return;
        }

        _events.Writer.TryWrite(new JsonObject { ["type"] = type, ["object"] = obj.DeepClone() });
    }

    public void Complete()
    {
        _ended = true;
        _events.Writer.TryComplete();
    }

    // A filtered watch sees an object enter or leave its filter as ADDED or DELETED, as a real server reports it.
    public void Deliver(StoredChange change)
    {
        var now = Matches(change.Object);
        var before = change.Previous is not null && Matches(change.Previous);
        switch (change.Change)
        {
            case ChangeType.Added when now:
                Send("ADDED", change.Object);
                break;
            case ChangeType.Deleted when before || now:
                Send("DELETED", change.Object);
                break;
            case ChangeType.Modified when now && before:
                Send("MODIFIED", change.Object);
                break;
            case ChangeType.Modified when now:
                Send("ADDED", change.Object);
                break;
            case ChangeType.Modified when before:
                // The object as the watch last saw it (it no longer matches), at the change's resourceVersion.
                var last = (JsonObject)change.Previous!.DeepClone();
                if (last["metadata"] is JsonObject meta)
                {
                    meta["resourceVersion"] = change.Object["metadata"]?["resourceVersion"]?.DeepClone();
                }

                Send("DELETED", last);
                break;
        }
    }
}
