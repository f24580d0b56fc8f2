using Serverless.Core.Contracts;

namespace Serverless.Backends.Local.Storage;

/// <summary>
/// One committed change as kept in the watch history: the object's JSON (with its new
/// resourceVersion), so every consumer deserializes its own copy and none can alter another's.
/// </summary>
internal sealed record WatchRecord(long Version, WatchEventType Type, string Namespace, string Json);
