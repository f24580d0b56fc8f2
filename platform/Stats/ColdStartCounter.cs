using Serverless.Core.Contracts;

namespace Serverless.Platform.Stats;

/// <summary>
/// Counts cold starts for <c>func top</c> by decorating the activator's <see cref="IScaleRequester"/>.
/// The activator asks for scale-from-zero on every request that finds no ready instance, so a burst of
/// 100 requests at zero is 100 calls but one cold start: a call counts only when no start is pending,
/// and a start stops pending when the backend reports a ready instance.
/// </summary>
/// <remarks>Thread-safe: requests call in concurrently, the backend raises status changes on its own threads.</remarks>
internal sealed class ColdStartCounter : IScaleRequester, IDisposable
{
    private readonly IScaleRequester inner;
    private readonly IWorkloadManager backend;
    private readonly TimeProvider time;
    private readonly Dictionary<FunctionKey, ColdStartWindow> windows = [];
    private readonly Lock gate = new();

    public ColdStartCounter(IScaleRequester inner, IWorkloadManager backend, TimeProvider time)
    {
        this.inner = inner;
        this.backend = backend;
        this.time = time;
        backend.StatusChanged += OnStatusChanged;
    }

    public void RequestScaleFromZero(FunctionKey key)
    {
        lock (gate)
        {
            if (!windows.TryGetValue(key, out var window))
            {
                windows[key] = window = new ColdStartWindow();
            }

            window.TryStart(time.GetUtcNow());
        }

        inner.RequestScaleFromZero(key);
    }

    /// <summary>Cold starts of the function in the last minute.</summary>
    public int LastMinute(FunctionKey key)
    {
        lock (gate)
        {
            return windows.TryGetValue(key, out var window) ? window.Count(time.GetUtcNow()) : 0;
        }
    }

    public void Dispose() => backend.StatusChanged -= OnStatusChanged;

    private void OnStatusChanged(FunctionKey key)
    {
        if (backend.GetStatus(key) is not { ReadyReplicas: > 0 })
        {
            return;
        }

        lock (gate)
        {
            if (windows.TryGetValue(key, out var window))
            {
                window.Warm();
            }
        }
    }
}
