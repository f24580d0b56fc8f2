using CloudNative.CloudEvents.SystemTextJson;

namespace Serverless.Eventing.Binding;

/// <summary>
/// One <see cref="JsonEventFormatter"/> (stateless, thread-safe) for the readers. In a class of its own so that its
/// assembly loads at the first event decoded, not at the first request looked at: the C# runtime checks every
/// request, and a plain one must not pay for it in its cold start.
/// </summary>
internal static class SharedFormatter
{
    public static readonly JsonEventFormatter Json = new();
}
