using Serverless.TestSupport;

namespace Serverless.Conformance.Tests.Support;

/// <summary>
/// One runtime per language with the default configuration, started on first use and shared by the
/// stateless cases (echo, status codes, events, failures); cases that count or change state start their own.
/// </summary>
public sealed class SharedRuntimes : IAsyncLifetime
{
    private readonly Dictionary<string, Task<RuntimeInstance>> _started = new(StringComparer.Ordinal);

    internal Task<RuntimeInstance> GetAsync(string language)
    {
        lock (_started)
        {
            if (!_started.TryGetValue(language, out var runtime))
            {
                runtime = ConformanceRuntime.StartReadyAsync(language);
                _started.Add(language, runtime);
            }

            return runtime;
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var runtime in _started.Values)
        {
            if (runtime.IsCompletedSuccessfully)
            {
                await runtime.Result.DisposeAsync();
            }
        }
    }
}
