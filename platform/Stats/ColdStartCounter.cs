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
    private readonly IScaleRequester _inner;
    private readonly IWorkloadManager _backend;
    private readonly TimeProvider _time;
    private readonly Dictionary<FunctionKey, ColdStartWindow> _windows = [];
    private readonly Lock _gate = new();

    public ColdStartCounter(IScaleRequester inner, IWorkloadManager backend, TimeProvider time)
    {
        _inner = inner;
        _backend = backend;
        _time = time;
        backend.StatusChanged += OnStatusChanged;
    }

    public void RequestScaleFromZero(FunctionKey key)
    {
        lock (_gate)
        {
            if (!_windows.TryGetValue(key, out var window))
            {
                _windows[key] = window = new ColdStartWindow();
            }

            window.TryStart(_time.GetUtcNow());
        }

        _inner.RequestScaleFromZero(key);
    }

    /// <summary>Cold starts of the function in the last minute.</summary>
    public int LastMinute(FunctionKey key)
    {
        lock (_gate)
        {
            return _windows.TryGetValue(key, out var window) ? window.Count(_time.GetUtcNow()) : 0;
        }
    }

    public void Dispose() => _backend.StatusChanged -= OnStatusChanged;

    private void OnStatusChanged(FunctionKey key)
    {
        if (_backend.GetStatus(key) is not { ReadyReplicas: > 0 })
        {
            return;
        }

        lock (_gate)
        {
            if (_windows.TryGetValue(key, out var window))
            {
                window.Warm();
            }
        }
    }
}
