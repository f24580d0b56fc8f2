using System.Diagnostics;
using System.Net;
using System.Text;
using Serverless.TestSupport;

namespace Serverless.Runtime.Dotnet.Tests.Support;

/// <summary>
/// The runtime as the platform starts it: <c>dotnet Serverless.Runtime.Dotnet.dll</c> from the install
/// layout, configured through the environment, on a free loopback port. Killed on dispose if still running.
/// </summary>
internal sealed class RuntimeProcess : IAsyncDisposable
{
    public const string TestFunctionAssembly = "DotnetTest";

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Stopwatch _sinceSpawn;

    private RuntimeProcess(Process process, int port, Stopwatch sinceSpawn)
    {
        _process = process;
        _sinceSpawn = sinceSpawn;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = Bounds.Request };
    }

    public static string RuntimeDll => RepoPaths.Built("runtimes", "dotnet", "Serverless.Runtime.Dotnet.dll");

    public static string TestFunctionPath => RepoPaths.Built("testassets", "functions", "dotnet-test");

    public int Port { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

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

    /// <summary>Starts a handler of the test function (<c>DotnetTest::DotnetTest.Handlers::{method}</c>).</summary>
    public static RuntimeProcess StartTestHandler(string method, params (string Key, string Value)[] environment) =>
        Start($"{TestFunctionAssembly}::DotnetTest.Handlers::{method}", TestFunctionPath, environment);

    public static RuntimeProcess Start(string handler, string functionPath, params (string Key, string Value)[] environment)
    {
        var port = FreePort.Next();
        var startInfo = new ProcessStartInfo(ChildEnvironment.DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        startInfo.ArgumentList.Add(RuntimeDll);
        ChildEnvironment.Clean(startInfo);
        startInfo.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        startInfo.Environment["HOST"] = "127.0.0.1";
        startInfo.Environment["FUNCTION_PATH"] = functionPath;
        startInfo.Environment["HANDLER"] = handler;
        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var sinceSpawn = Stopwatch.StartNew();
        var runtime = new RuntimeProcess(process, port, sinceSpawn);
        process.OutputDataReceived += (_, e) => Append(runtime._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(runtime._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return runtime;
    }

    /// <summary>Polls /readyz until 200; returns the time from spawn. Fails at once if the process exits.</summary>
    public async Task<TimeSpan> WaitForReadyAsync()
    {
        using var deadline = new CancellationTokenSource(Bounds.Startup);
        while (true)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(deadline.Token);
                throw new InvalidOperationException($"runtime exited with {_process.ExitCode} before it was ready; stderr: {StandardError}; stdout: {StandardOutput}");
            }

            try
            {
                using var response = await Client.GetAsync("readyz", deadline.Token);
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
                throw new TimeoutException($"runtime not ready after {Bounds.Startup}; stderr: {StandardError}; stdout: {StandardOutput}");
            }

            await Task.Delay(Bounds.PollInterval, deadline.Token);
        }
    }

    public static async Task<RuntimeProcess> StartReadyAsync(string handler, string functionPath, params (string Key, string Value)[] environment)
    {
        var runtime = Start(handler, functionPath, environment);
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

    public static Task<RuntimeProcess> StartTestHandlerReadyAsync(string method, params (string Key, string Value)[] environment) =>
        StartReadyAsync($"{TestFunctionAssembly}::DotnetTest.Handlers::{method}", TestFunctionPath, environment);

    public void Terminate() => Signals.Terminate(_process.Id);

    /// <summary>Waits for the process to end on its own and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"runtime still running after {timeout}; stderr: {StandardError}; stdout: {StandardOutput}");
        }

        return _process.ExitCode;
    }

    /// <summary>Polls /metrics until <paramref name="condition"/> holds on the parsed samples (bounded).</summary>
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

    public async Task<IReadOnlyList<PrometheusSample>> ScrapeAsync(CancellationToken cancellationToken = default)
    {
        var text = await Client.GetStringAsync("metrics", cancellationToken);
        return PrometheusText.Parse(text);
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
