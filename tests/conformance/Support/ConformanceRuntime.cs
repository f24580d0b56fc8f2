using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Serverless.TestSupport;

namespace Serverless.Conformance.Tests.Support;

/// <summary>
/// One runtime process as the platform starts it (command, entry file, environment), on a free loopback
/// port, serving its language's conformance function. Killed on dispose if still running.
/// </summary>
internal sealed class ConformanceRuntime : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private ConformanceRuntime(Process process, int port)
    {
        _process = process;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = Bounds.Request };
    }

    public HttpClient Client { get; }

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public string StandardOutput
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public static ConformanceRuntime Start(string language, string? handler = null, params (string Key, string Value)[] environment)
    {
        var runtime = RuntimeLanguage.Get(language);
        var port = FreePort.Next();
        var startInfo = new ProcessStartInfo(runtime.Command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        startInfo.ArgumentList.Add(runtime.Entry);
        ChildEnvironment.Clean(startInfo);

        startInfo.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
        startInfo.Environment["HOST"] = "127.0.0.1";
        startInfo.Environment["FUNCTION_PATH"] = runtime.FunctionPath;
        startInfo.Environment["HANDLER"] = handler ?? runtime.Handler;
        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo };
        var started = new ConformanceRuntime(process, port);
        process.OutputDataReceived += (_, e) => Append(started._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(started._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    public static async Task<ConformanceRuntime> StartReadyAsync(string language, params (string Key, string Value)[] environment)
    {
        var runtime = Start(language, handler: null, environment);
        try
        {
            await runtime.WaitForReadyAsync();
            return runtime;
        }
        catch
        {
            await runtime.DisposeAsync();
            throw;
        }
    }

    /// <summary>Polls /readyz until 200; fails at once if the process exits.</summary>
    public async Task WaitForReadyAsync()
    {
        using var deadline = new CancellationTokenSource(Bounds.Startup);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"runtime exited with {_process.ExitCode} before it was ready; stderr: {StandardError}");
            }

            try
            {
                using var response = await Client.GetAsync("readyz", deadline.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"runtime not ready after {Bounds.Startup}; stderr: {StandardError}");
            }

            await Task.Delay(Bounds.PollInterval, deadline.Token);
        }
    }

    /// <summary>Polls <paramref name="path"/> until it answers <paramref name="status"/> (bounded).</summary>
    public async Task WaitForStatusAsync(string path, HttpStatusCode status)
    {
        using var deadline = new CancellationTokenSource(Bounds.Request);
        while (true)
        {
            using var response = await Client.GetAsync(path, deadline.Token);
            if (response.StatusCode == status)
            {
                return;
            }

            await Task.Delay(Bounds.PollInterval, deadline.Token);
        }
    }

    public async Task<IReadOnlyList<PrometheusSample>> ScrapeAsync(CancellationToken cancellationToken = default) =>
        PrometheusText.Parse(await Client.GetStringAsync("metrics", cancellationToken));

    /// <summary>Polls /metrics until <paramref name="condition"/> holds (bounded).</summary>
    public async Task<IReadOnlyList<PrometheusSample>> WaitForMetricsAsync(Func<IReadOnlyList<PrometheusSample>, bool> condition)
    {
        using var deadline = new CancellationTokenSource(Bounds.Request);
        while (true)
        {
            var samples = await ScrapeAsync(deadline.Token);
            if (condition(samples))
            {
                return samples;
            }

            await Task.Delay(Bounds.PollInterval, deadline.Token);
        }
    }

    public void Terminate() => Signals.Terminate(_process.Id);

    public bool HasExited => _process.HasExited;

    /// <summary>Waits for the process to end on its own and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var deadline = new CancellationTokenSource(Bounds.Exit);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"runtime still running after {Bounds.Exit}; stderr: {StandardError}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var deadline = new CancellationTokenSource(Bounds.Exit);
            await _process.WaitForExitAsync(deadline.Token);
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder builder, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (builder)
        {
            builder.AppendLine(line);
        }
    }
}
