using Serverless.Backends.Local.Processes;
using Serverless.Core.Contracts;
using Serverless.TestSupport;
using Xunit.Abstractions;

namespace Serverless.Backends.Local.Tests.Processes;

/// <summary>
/// One test's backend: a temporary state and source directory, the fake runtime as the "python" runtime,
/// short drain and shutdown times, and the backend's log in the test output. Disposal stops every instance.
/// </summary>
internal sealed class BackendHarness(ITestOutputHelper output) : IAsyncDisposable
{
    public const string RevisionA = "aaaaaaaa1111";
    public const string RevisionB = "bbbbbbbb2222";

    public static readonly FunctionKey Key = new("default", "hello");

    public static readonly string FakeRuntime = FakeRuntimeAsset.ScriptPath;

    private readonly TempDirectory _temp = new("procs-backend");
    private LocalProcessBackend? _backend;

    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };

    public string TempPath => _temp.Path;

    /// <summary>The started backend's log events (id, message).</summary>
    public TestOutputLogger<LocalProcessBackend>? Log { get; private set; }

    public string SourcePath => Directory.CreateDirectory(Path.Combine(_temp.Path, "src")).FullName;

    public LocalProcessBackend Start(Action<LocalBackendOptions>? configure = null)
    {
        var options = new LocalBackendOptions
        {
            StateDirectory = Path.Combine(_temp.Path, "state"),
            DrainGraceExtra = TimeSpan.FromSeconds(1),
            ShutdownTimeout = TimeSpan.FromSeconds(3),

            // The fake runtime has no generic mode; the pool's tests turn it on with the real python runtime.
            PoolSize = 0,
        };
        options.Runtimes["python"] = new RuntimeCommand("python3", [FakeRuntime]);
        configure?.Invoke(options);
        Log = new TestOutputLogger<LocalProcessBackend>(output);
        _backend = new LocalProcessBackend(options, Log, TimeProvider.System);
        return _backend;
    }

    public WorkloadSpec Spec(string revision = RevisionA, int timeoutSeconds = 2, params (string Name, string Value)[] env) => new()
    {
        Key = Key,
        Revision = revision,
        Runtime = "python",
        Handler = "main:handle",
        SourcePath = SourcePath,
        Environment = env.Select(e => KeyValuePair.Create(e.Name, e.Value)).ToList(),
        TimeoutSeconds = timeoutSeconds,
        ContainerConcurrency = 4,
    };

    /// <summary>The status code of the instance's <c>/readyz</c>, 0 when nothing listens.</summary>
    public async Task<int> ReadyzAsync(int port)
    {
        try
        {
            using var response = await Http.GetAsync($"http://127.0.0.1:{port}/readyz");
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }

        Http.Dispose();
        _temp.Dispose();
    }
}
