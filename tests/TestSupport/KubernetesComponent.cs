using System.Diagnostics;
using System.Text;

namespace Serverless.TestSupport;

/// <summary>
/// One real Kubernetes-mode component, <c>serverless-platform kubernetes {arguments}</c> from the install
/// layout, as a child process of the test, talking to the API double through its own kubeconfig (so the
/// double's audit log can tell the components apart). Killed with its children on dispose.
/// </summary>
public sealed class KubernetesComponent : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private KubernetesComponent(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Standard output and error, interleaved as they arrived.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Polls <paramref name="condition"/> (bounded: 60 s, the processes start cold) and fails early with the output of
    /// any of <paramref name="components"/> that died meanwhile.
    /// </summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, KubernetesComponent[] components)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(components);
        var deadline = Environment.TickCount64 + 60_000;
        while (!await condition())
        {
            if (components.FirstOrDefault(c => c.HasExited) is { } exited)
            {
                Xunit.Assert.Fail($"a component exited while waiting for {what}:\n{exited.Output}");
            }

            Xunit.Assert.True(Environment.TickCount64 < deadline, $"not within 60 s: {what}");
            await Task.Delay(50);
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts the component in a scrubbed environment with <c>KUBECONFIG</c>, <c>POD_NAME</c>,
    /// <c>POD_NAMESPACE=serverless-system</c> and <c>SERVERLESS_CONFIG_DIR</c> (the kubeconfig's folder) set.
    /// </summary>
    public static KubernetesComponent Start(string kubeconfig, string podName, params string[] arguments) =>
        Start(kubeconfig, podName, new Dictionary<string, string>(), arguments);

    /// <summary>Starts a component with extra environment variables, as a pod gets a Secret's values (never as arguments).</summary>
    public static KubernetesComponent Start(string kubeconfig, string podName, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo(ChildEnvironment.DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        ChildEnvironment.Clean(info);
        info.ArgumentList.Add(RepoPaths.Built("platform", "Serverless.Platform.dll"));
        info.ArgumentList.Add("kubernetes");
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["KUBECONFIG"] = kubeconfig;
        info.Environment["POD_NAME"] = podName;
        info.Environment["POD_NAMESPACE"] = "serverless-system";
        info.Environment["SERVERLESS_CONFIG_DIR"] = Path.GetDirectoryName(kubeconfig);
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        return new KubernetesComponent(Process.Start(info) ?? throw new InvalidOperationException("could not start " + podName));
    }

    /// <summary>Polls <paramref name="readyz"/> until it answers 2xx; fails with the output when the process exits.</summary>
    public async Task WaitReadyAsync(HttpClient http, Uri readyz, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"component exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(readyz, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>SIGTERM, then the exit code (bounded: 30 s).</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            Signals.Terminate(_process.Id);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL, as a crashed or OOM-killed pod goes: nothing is released.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
