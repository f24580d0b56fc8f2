using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Serverless.Core.Wire;

namespace Serverless.TestSupport;

/// <summary>
/// The local platform started as a real process from the install layout, on ephemeral loopback
/// ports, with its own state directory. Disposing stops it (SIGTERM, then SIGKILL) and checks nothing.
/// </summary>
public sealed class PlatformProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private PlatformProcess(Process process, string home, string adminUrl, string ingressUrl)
    {
        _process = process;
        Home = home;
        AdminUrl = adminUrl;
        IngressUrl = ingressUrl;
    }

    public string Home { get; }

    public string AdminUrl { get; }

    public string IngressUrl { get; }

    /// <summary>The admin API's bearer token: the one the platform generated into its home at first start.</summary>
    public string AdminToken => File.ReadAllText(System.IO.Path.Combine(Home, "admin-token")).Trim();

    /// <summary>
    /// A handler that trusts the admin API's certificate as <c>func</c> does: issued by the CA the platform generated
    /// into its home (<see cref="AdminTls"/>), a name mismatch refused.
    /// </summary>
    public HttpClientHandler CreateAdminHandler() => new()
    {
        ServerCertificateCustomValidationCallback = (_, certificate, _, errors) => AdminTls.Validate(certificate, errors, () => AdminTls.ReadCaPem(Home)),
    };

    /// <summary>A client for the admin API with no token: its base address as recorded, its certificate trusted.</summary>
    public HttpClient CreateAnonymousAdminClient(TimeSpan? timeout = null) =>
        new(CreateAdminHandler()) { BaseAddress = new Uri(AdminUrl + "/"), Timeout = timeout ?? TimeSpan.FromSeconds(100) };

    /// <summary>A client for the admin API, its base address ending in '/' and its bearer token attached.</summary>
    public HttpClient CreateAdminClient(TimeSpan? timeout = null)
    {
        var client = CreateAnonymousAdminClient(timeout);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminToken);
        return client;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

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

    /// <param name="admin">The admin API's <c>--admin</c> address; an ephemeral loopback port by default.</param>
    /// <param name="arguments">More of the platform's arguments, such as <c>--log-file PATH</c>.</param>
    /// <param name="sourceRoots">
    /// config.json's <c>local.source-roots</c> unless the home's config.json sets it: the repository by default, so tests
    /// may run functions from tests/testassets; empty to allow the artifact store only, as a user's platform does.
    /// </param>
    public static async Task<PlatformProcess> StartAsync(
        string home,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null,
        string admin = "127.0.0.1:0",
        IReadOnlyList<string>? arguments = null,
        IReadOnlyList<string>? sourceRoots = null)
    {
        var stateFile = Path.Combine(home, "platform.json");
        var homeExists = Directory.Exists(home); // a missing one is the platform's to create
        if (homeExists)
        {
            File.Delete(stateFile);
        }

        AllowSourceRoots(home, sourceRoots ?? [RepoPaths.Root]);

        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = homeExists ? home : Path.GetTempPath(),
        };
        foreach (var argument in new[] { RepoPaths.Built("platform", "Serverless.Platform.dll"), "--home", home, "--ingress", "127.0.0.1:0", "--admin", admin }.Concat(arguments ?? []))
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the platform");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            if (File.Exists(stateFile))
            {
                using var state = JsonDocument.Parse(await File.ReadAllTextAsync(stateFile));
                var platform = new PlatformProcess(
                    process,
                    home,
                    state.RootElement.GetProperty("adminUrl").GetString()!,
                    state.RootElement.GetProperty("ingressUrl").GetString()!);
                lock (output)
                {
                    platform._output.Append(output);
                }

                process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (platform._output) { platform._output.AppendLine(e.Data); } } };
                process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (platform._output) { platform._output.AppendLine(e.Data); } } };
                return platform;
            }

            await Task.Delay(50);
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        throw new InvalidOperationException("the platform did not become ready:\n" + output);
    }

    public void Kill() => _process.Kill(); // SIGKILL: no cleanup runs

    /// <summary>Adds <c>local.source-roots</c> to the home's config.json, leaving a file that is not a JSON object (a test's bad config) alone.</summary>
    private static void AllowSourceRoots(string home, IReadOnlyList<string> roots)
    {
        if (roots.Count == 0)
        {
            return;
        }

        var path = Path.Combine(home, "config.json");
        System.Text.Json.Nodes.JsonObject config;
        try
        {
            config = File.Exists(path)
                ? System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path)) as System.Text.Json.Nodes.JsonObject ?? throw new JsonException()
                : [];
        }
        catch (JsonException)
        {
            return;
        }

        if (config["local"] is not System.Text.Json.Nodes.JsonObject local)
        {
            if (config["local"] is not null)
            {
                return;
            }

            config["local"] = local = [];
        }

        if (local["source-roots"] is null)
        {
            local["source-roots"] = new System.Text.Json.Nodes.JsonArray([.. roots.Select(r => (System.Text.Json.Nodes.JsonNode?)r)]);
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(home);
                File.WriteAllText(path, config.ToJsonString());
                return;
            }

            // Private, as the platform makes its home and what it writes there.
            Directory.CreateDirectory(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.WriteAllText(path, config.ToJsonString(), new System.Text.UTF8Encoding(false));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>SIGTERM and wait for a clean exit; returns the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        if (!_process.HasExited)
        {
            Signals.Terminate(_process.Id);
        }

        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await StopAsync(TimeSpan.FromSeconds(30));
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }
}
