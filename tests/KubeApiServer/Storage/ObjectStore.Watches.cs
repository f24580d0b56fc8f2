using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Serverless.KubeApiServer.Http;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.Hosting.KubeApi.Selectors;

namespace Serverless.KubeApiServer.Storage;

/// <summary>The store's watches: opening one from a resourceVersion (410 once compacted), bookmarks, and ending them.</summary>
internal sealed partial class ObjectStore
{
    public void Compact()
    {
        lock (_gate)
        {
            _history.Compact(_resourceVersion);
        }
    }

    public WatchChannel OpenWatch(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields, string? fromVersion, bool bookmarks, bool initialEventsEnd = false)
    {
        lock (_gate)
        {
            var watch = new WatchChannel(type, ns, labels, fields, bookmarks, _options.WatchBufferLimit);
            if (string.IsNullOrEmpty(fromVersion) || fromVersion == "0")
            {
                foreach (var obj in Matching(type, ns, labels, fields))
                {
                    watch.Send("ADDED", obj);
                }

                if (initialEventsEnd)
                {
                    watch.Send("BOOKMARK", Bookmark(type, new JsonObject { ["k8s.io/initial-events-end"] = "true" }));
                }
            }
            else
            {
                var from = long.Parse(fromVersion, NumberStyles.None, CultureInfo.InvariantCulture);
                if (!_history.Retains(from))
                {
                    // A real server accepts the watch and then reports the expiry inside the stream.
                    watch.Send("ERROR", StatusObjects.Failure(TooOld(from)));
                    watch.Complete();
                    return watch;
                }

                foreach (var change in _history.After(from, type.Key))
                {
                    watch.Deliver(change);
                }
            }

            _watches.Add(watch);
            return watch;
        }
    }

    public void CloseWatch(WatchChannel watch)
    {
        lock (_gate)
        {
            _watches.Remove(watch);
            watch.Complete();
        }
    }

    /// <summary>Ends every open watch, with a 410 ERROR event first when <paramref name="expired"/>.</summary>
    public int EndWatches(bool expired)
    {
        lock (_gate)
        {
            foreach (var watch in _watches)
            {
                if (expired)
                {
                    watch.Send("ERROR", StatusObjects.Failure(HttpStatusCode.Gone, "Expired", "too old resource version (watch expired by the test)"));
                }

                watch.Complete();
            }

            var count = _watches.Count;
            _watches.Clear();
            return count;
        }
    }

    public void SendBookmarks()
    {
        lock (_gate)
        {
            foreach (var watch in _watches.Where(w => w.Bookmarks))
            {
                watch.Send("BOOKMARK", Bookmark(watch.Type, annotations: null));
            }
        }
    }

    private JsonObject Bookmark(ResourceType type, JsonObject? annotations)
    {
        var meta = new JsonObject { ["resourceVersion"] = _resourceVersion.ToString(CultureInfo.InvariantCulture) };
        if (annotations is not null)
        {
            meta["annotations"] = annotations;
        }

        return new JsonObject { ["kind"] = type.Kind, ["apiVersion"] = type.ApiVersion, ["metadata"] = meta };
    }
}
