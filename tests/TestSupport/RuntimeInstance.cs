using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace Serverless.TestSupport;

/// <summary>
/// One function runtime process as the platform starts it: <c>{command} {entry}</c> with PORT, PLATFORM_PORT, HOST,
/// FUNCTION_PATH and HANDLER in a scrubbed environment, on loopback ports reserved for it until it is disposed
/// (<see cref="PortReservation"/>: nothing else takes them before it binds), its output captured. Readiness and
/// metrics are read on the platform port (<see cref="Platform"/>), invocations go to <see cref="Client"/>.
/// Killed (with its children) on dispose if still running. The runtime suites and the conformance
/// suite start every runtime through this one class.
/// </summary>
public sealed class RuntimeInstance : IAsyncDisposable
{
    /// <summary>Generous: CI machines are slow and shared.</summary>
    public static readonly TimeSpan StartupBound = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan RequestBound = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(30);

    /// <summary>Between polls of the process (readiness, metrics, status).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Stopwatch _sinceSpawn;
    private readonly PortReservation[] _ports;

    private RuntimeInstance(Process process, PortReservation port, PortReservation platformPort, Stopwatch sinceSpawn)
    {
        _process = process;
        _sinceSpawn = sinceSpawn;
        _ports = [port, platformPort];
        Port = port.Port;
        PlatformPort = platformPort.Port;
        BaseAddress = new Uri($"http://127.0.0.1:{Port}/");
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = RequestBound };
        Platform = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{PlatformPort}/"), Timeout = RequestBound };
    }

    public int Port { get; }

    /// <summary>PLATFORM_PORT: /healthz, /readyz and /metrics.</summary>
    public int PlatformPort { get; }

    /// <summary>A client for the platform port, disposed with the instance.</summary>
    public HttpClient Platform { get; }

    public Uri BaseAddress { get; }

    /// <summary>A client with <see cref="BaseAddress"/> set, disposed with the instance.</summary>
    public HttpClient Client { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public string StandardOutput => Read(_stdout);

    public string StandardError => Read(_stderr);

    /// <summary>Spawns the runtime; it is not ready yet (see <see cref="WaitForReadyAsync"/>).</summary>
    public static RuntimeInstance Start(
        string command, string entry, string functionPath, string handler, IEnumerable<(string Key, string Value)> environment)
    {
        var port = FreePort.Reserve();
        var platformPort = FreePort.Reserve();
        var startInfo = new ProcessStartInfo(command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (entry.Length > 0)
        {
            // Empty for a native function, which is its own executable.
            startInfo.ArgumentList.Add(entry);
        }

        ChildEnvironment.Clean(startInfo);
        startInfo.Environment["PORT"] = port.Port.ToString(CultureInfo.InvariantCulture);
        startInfo.Environment["PLATFORM_PORT"] = platformPort.Port.ToString(CultureInfo.InvariantCulture);
        startInfo.Environment["HOST"] = "127.0.0.1";
        startInfo.Environment["FUNCTION_PATH"] = functionPath;
        startInfo.Environment["HANDLER"] = handler;
        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var sinceSpawn = Stopwatch.StartNew();
        var instance = new RuntimeInstance(process, port, platformPort, sinceSpawn);
        process.OutputDataReceived += (_, e) => Append(instance._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(instance._stderr, e.Data);
        try
        {
            process.Start();
        }
        catch
        {
            port.Dispose();
            platformPort.Dispose();
            throw;
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return instance;
    }

    /// <summary>Spawns the runtime and waits until it is ready; disposes it if it never gets there.</summary>
    public static async Task<RuntimeInstance> StartReadyAsync(
        string command, string entry, string functionPath, string handler, IEnumerable<(string Key, string Value)> environment)
    {
        var instance = Start(command, entry, functionPath, handler, environment);
        try
        {
            await instance.WaitForReadyAsync();
            return instance;
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
    }

    /// <summary>Polls /readyz until 200; returns the time from spawn. Fails at once if the process exits.</summary>
    public async Task<TimeSpan> WaitForReadyAsync()
    {
        using var deadline = new CancellationTokenSource(StartupBound);
        while (true)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(deadline.Token);
                throw new InvalidOperationException($"runtime exited with {_process.ExitCode} before it was ready; stderr: {StandardError}; stdout: {StandardOutput}");
            }

            try
            {
                using var response = await Platform.GetAsync("readyz", deadline.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return _sinceSpawn.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"runtime not ready after {StartupBound}; stderr: {StandardError}; stdout: {StandardOutput}");
            }

            await Task.Delay(PollInterval, deadline.Token);
        }
    }

    /// <summary>Polls <paramref name="path"/> of the platform port until it answers <paramref name="status"/> (bounded).</summary>
    public async Task WaitForStatusAsync(string path, HttpStatusCode status)
    {
        using var deadline = new CancellationTokenSource(RequestBound);
        while (true)
        {
            using var response = await Platform.GetAsync(path, deadline.Token);
            if (response.StatusCode == status)
            {
                return;
            }

            await Task.Delay(PollInterval, deadline.Token);
        }
    }

    public async Task<IReadOnlyList<PrometheusSample>> ScrapeAsync(CancellationToken cancellationToken = default) =>
        PrometheusText.Parse(await Platform.GetStringAsync("metrics", cancellationToken));

    /// <summary>Polls /metrics until <paramref name="condition"/> holds on the parsed samples (bounded).</summary>
    public async Task<IReadOnlyList<PrometheusSample>> WaitForMetricsAsync(Func<IReadOnlyList<PrometheusSample>, bool> condition)
    {
        using var deadline = new CancellationTokenSource(RequestBound);
        while (true)
        {
            var samples = await ScrapeAsync(deadline.Token);
            if (condition(samples))
            {
                return samples;
            }

            await Task.Delay(PollInterval, deadline.Token);
        }
    }

    /// <summary>SIGTERM: the runtime drains and exits on its own.</summary>
    public void Terminate() => Signals.Terminate(_process.Id);

    /// <summary>Waits for the process to end on its own and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        var bound = timeout ?? ExitBound;
        using var deadline = new CancellationTokenSource(bound);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"runtime still running after {bound}; stderr: {StandardError}; stdout: {StandardOutput}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Platform.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var deadline = new CancellationTokenSource(ExitBound);
            await _process.WaitForExitAsync(deadline.Token);
        }

        _process.Dispose();
        foreach (var port in _ports)
        {
            port.Dispose();
        }
    }

    private static string Read(StringBuilder buffer)
    {
        lock (buffer)
        {
            return buffer.ToString();
        }
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.AppendLine(line);
        }
    }
}
