using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

/// <summary>A platform process of the cold-start benches, from the install layout on ephemeral loopback ports.</summary>
internal sealed class Platform : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _home;

    private Platform(Process process, DirectoryInfo home, string admin, string ingress)
    {
        _process = process;
        _home = home;
        Admin = admin;
        Ingress = ingress;
        AdminClient = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
        AdminClient.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Bearer", File.ReadAllText(Path.Combine(home.FullName, "admin-token")).Trim());
    }

    public string Admin { get; }

    public HttpClient AdminClient { get; }

    public string Ingress { get; }

    /// <param name="sourceRoots">Where the targets' code is: the platform runs code outside its artifacts only from listed roots.</param>
    /// <param name="poolSize">The warm pool per runtime (<c>local.pool-size</c>); 0 keeps every start a fresh process.</param>
    public static async Task<Platform> StartAsync(string layout, string[] sourceRoots, bool sandbox, int poolSize, string name)
    {
        var home = Directory.CreateTempSubdirectory($"bench-{name}-platform-");
        File.WriteAllText(
            Path.Combine(home.FullName, "config.json"),
            new JsonObject { ["local"] = new JsonObject { ["source-roots"] = new JsonArray(sourceRoots.Select(r => (JsonNode?)r).ToArray()), ["pool-size"] = poolSize } }.ToJsonString());
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(layout, "platform", "Serverless.Platform.dll"), "--home", home.FullName, "--ingress", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--admin-plain-http" }) // loopback only: plain HTTP, explicitly
        {
            info.ArgumentList.Add(argument);
        }

        if (!sandbox)
        {
            info.ArgumentList.Add("--no-sandbox");
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var state = Path.Combine(home.FullName, "platform.json");
        var clock = Stopwatch.StartNew();
        while (!File.Exists(state) && clock.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
        {
            await Task.Delay(50);
        }

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(state));
        return new Platform(process, home, json.RootElement.GetProperty("adminUrl").GetString()!, json.RootElement.GetProperty("ingressUrl").GetString()!);
    }

    private const string Functions = "/apis/serverless.dev/v1alpha1/namespaces/default/functions";

    /// <summary>
    /// Creates a Function of <paramref name="target"/> at zero (initialScale 0) and waits (30 s at most) until the
    /// controller observed it, so the activator knows it when the timed request comes.
    /// </summary>
    public async Task CreateAtZeroAsync(Target target, string name)
    {
        var function = new JsonObject
        {
            ["apiVersion"] = "serverless.dev/v1alpha1",
            ["kind"] = "Function",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = new JsonObject
            {
                ["runtime"] = target.Runtime,
                ["handler"] = target.Handler,
                ["source"] = new JsonObject { ["path"] = target.Source },
                ["scale"] = new JsonObject { ["initialScale"] = 0, ["minScale"] = 0 },
            },
        };
        using (var created = await AdminClient.PostAsync(Admin + Functions, new StringContent(function.ToJsonString(), Encoding.UTF8, "application/json")))
        {
            created.EnsureSuccessStatusCode();
        }

        var observed = Stopwatch.StartNew();
        while (observed.Elapsed < TimeSpan.FromSeconds(30))
        {
            var current = JsonNode.Parse(await AdminClient.GetStringAsync(Admin + Functions + "/" + name));
            if (current?["status"]?["conditions"] is JsonArray { Count: > 0 })
            {
                return;
            }

            await Task.Delay(20);
        }
    }

    public async Task DeleteFunctionAsync(string name)
    {
        using var deleted = await AdminClient.DeleteAsync(Admin + Functions + "/" + name);
        deleted.EnsureSuccessStatusCode();
    }

    /// <summary>Until <c>serverless_pool_idle{runtime}</c> is at least <paramref name="idle"/> (30 s at most).</summary>
    public async Task WaitForPoolAsync(string runtime, int idle)
    {
        var clock = Stopwatch.StartNew();
        var sample = $"serverless_pool_idle{{runtime=\"{runtime}\"}} ";
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            var text = await AdminClient.GetStringAsync(Admin + "/metrics");
            var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(sample, StringComparison.Ordinal));
            if (line is not null && double.Parse(line[sample.Length..], CultureInfo.InvariantCulture) >= idle)
            {
                return;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"the {runtime} pool did not reach {idle} idle within 30 s");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM: the platform drains and stops its instances.
            Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }

        _process.Dispose();
        AdminClient.Dispose();
        _home.Delete(recursive: true);
    }
}
