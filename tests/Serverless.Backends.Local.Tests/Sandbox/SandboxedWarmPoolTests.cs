using System.Text.Json;
using Serverless.Backends.Local.Cgroups;
using Serverless.Backends.Local.Processes;
using Serverless.Backends.Local.Tests.Processes;
using Serverless.Core.Contracts;
using Serverless.TestSupport;
using Xunit.Abstractions;

namespace Serverless.Backends.Local.Tests.Sandbox;

/// <summary>
/// Warm pools with the sandbox on (real processes, bubblewrap, the real python runtime in generic mode): the pool
/// instance waits in a sandbox of its own around an empty staging directory, filled at its specialization.
/// </summary>
// One collection with the other warm-pool tests: both find pool processes by their instance id, which every
// backend numbers from 1.
[Collection("warm pools")]
public sealed class SandboxedWarmPoolTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string PythonRuntime = Path.Combine(RepoPaths.Root, "runtimes", "python", "runtime.py");

    /// <summary>
    /// A hostile function: reports what it can see of the paths it is asked about, its own directory and its
    /// environment. Paths come in the query; every probe is caught, so one refusal does not hide the next.
    /// </summary>
    private const string HostileFunction = """
        import json, os

        def probe(path):
            result = {"exists": os.path.exists(path), "readable": False, "listing": None, "writable": False}
            try:
                if os.path.isdir(path):
                    result["listing"] = sorted(os.listdir(path))
                    result["readable"] = True
                else:
                    with open(path, "rb") as f:
                        f.read(16)
                    result["readable"] = True
            except OSError:
                pass
            try:
                with open(os.path.join(path, "written-by-hostile"), "w") as f:
                    f.write("x")
                result["writable"] = True
            except OSError:
                pass
            return result

        def handle(request):
            paths = request.query.get("path", [])
            return json.dumps({
                "probes": {p: probe(p) for p in paths},
                "own": sorted(os.listdir(os.environ["FUNCTION_PATH"])) if "FUNCTION_PATH" in os.environ else sorted(os.listdir(".")),
                "cwd": os.getcwd(),
                "uid": os.getuid(),
                "env": sorted(os.environ.keys()),
                "instance": os.environ.get("INSTANCE_ID"),
            })
        """;

    private readonly BackendHarness _harness = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task ColdStart_SandboxOn_ServedByThePooledProcess_WhichSeesOnlyItsOwnArtifact()
    {
        var backend = StartPooled(poolSize: 2);
        Assert.True(backend.Sandboxed);
        await Poll.UntilAsync(() => Idle(backend) == 2, "pool of 2 idle");

        // A victim with a secret, specialized from the pool first; then the hostile function from the other instance.
        var victim = new FunctionKey("default", "victim");
        var victimSource = WriteFunction(victim.Name, "def handle(request):\n    return 'victim'\n");
        File.WriteAllText(Path.Combine(victimSource, "secret.txt"), "the victim's secret");
        await backend.EnsureAsync(Spec(victim, victimSource), 1);
        var victimEndpoint = await ReadyEndpointAsync(backend, victim);
        await Poll.UntilAsync(() => Idle(backend) == 2, "pool refilled to 2");
        var pooledPids = PoolProcesses();
        Assert.Equal(3, pooledPids.Count);
        var hostile = new FunctionKey("default", "hostile");
        var hostileSource = WriteFunction(hostile.Name, HostileFunction);
        await backend.EnsureAsync(Spec(hostile, hostileSource, ("GREETING", "hi")), 1);
        var endpoint = await ReadyEndpointAsync(backend, hostile);

        // Both served by processes that were in the pool before either function existed.
        var victimPoolId = Assert.Single(backend.GetInstances(victim)).PoolId;
        Assert.StartsWith("pool-python-", victimPoolId, StringComparison.Ordinal);
        var instance = Assert.Single(backend.GetInstances(hostile));
        Assert.StartsWith("pool-python-", instance.PoolId, StringComparison.Ordinal);
        Assert.Contains(instance.Pid, pooledPids.Values);
        Assert.Equal(instance.PoolId, pooledPids.Single(p => p.Value == instance.Pid).Key);
        Assert.NotEqual(instance.Pid, Assert.Single(backend.GetInstances(victim)).Pid);

        var state = Path.Combine(_harness.TempPath, "state");
        var victimStaging = Path.Combine(state, "pool-staging", victimPoolId!);
        var stagingRoot = Path.Combine(state, "pool-staging");
        using var report = await ProbeAsync(endpoint, victimSource, Path.Combine(victimSource, "secret.txt"), victimStaging, state, stagingRoot, hostileSource);
        var root = report.RootElement;
        var probes = root.GetProperty("probes");

        // Another function's code: neither its source nor its staged copy.
        Assert.False(probes.GetProperty(victimSource).GetProperty("exists").GetBoolean(), root.ToString());
        Assert.False(probes.GetProperty(Path.Combine(victimSource, "secret.txt")).GetProperty("readable").GetBoolean(), root.ToString());
        Assert.False(probes.GetProperty(victimStaging).GetProperty("exists").GetBoolean(), root.ToString());

        // The platform's state: not even its path, nor the staging directories in it.
        Assert.False(probes.GetProperty(state).GetProperty("exists").GetBoolean(), root.ToString());
        Assert.False(probes.GetProperty(stagingRoot).GetProperty("exists").GetBoolean(), root.ToString());

        // Its own artifact: staged at /function, read-only; its source path is not there at all.
        Assert.False(probes.GetProperty(hostileSource).GetProperty("exists").GetBoolean(), root.ToString());
        Assert.Equal("/function", root.GetProperty("cwd").GetString());
        Assert.Equal(["main.py"], root.GetProperty("own").EnumerateArray().Select(e => e.GetString()).Where(n => n != "__pycache__").ToList());
        using var ownProbe = await ProbeAsync(endpoint, "/function");
        Assert.False(ownProbe.RootElement.GetProperty("probes").EnumerateObject().Single().Value.GetProperty("writable").GetBoolean());

        // Its environment: the function's and the contract's, none of the platform's.
        var env = root.GetProperty("env").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Contains("GREETING", env);
        Assert.DoesNotContain(env, n => n.StartsWith("SERVERLESS_", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("SPECIALIZE_TOKEN", env);
        Assert.DoesNotContain("FUNCTION_GENERIC", env);
        if (Serverless.Backends.Local.Sandbox.NativeFiles.EffectiveUid() == 0)
        {
            Assert.Equal(Serverless.Backends.Local.Sandbox.SandboxOptions.DefaultId, root.GetProperty("uid").GetInt32());
        }

        // Nothing the hostile function tried left a file in the victim's source.
        Assert.Equal(["main.py", "secret.txt"], Directory.GetFileSystemEntries(victimSource).Select(Path.GetFileName).Where(n => n != "__pycache__").Order(StringComparer.Ordinal).ToList());
        await Poll.UntilAsync(() => Idle(backend) == 2, "pool refilled to 2");
    }

    [Fact]
    public async Task IdlePoolInstance_SandboxOn_SeesAnEmptyFunctionDirectoryAndNoOtherFunction()
    {
        // Before its specialization a pool instance has no function to run code with; what it could see is what its
        // sandbox binds, which is read from the outside: its root's mounts.
        var backend = StartPooled(poolSize: 1);
        var victim = new FunctionKey("default", "victim");
        var victimSource = WriteFunction(victim.Name, "def handle(request):\n    return 'victim'\n");
        await Poll.UntilAsync(() => Idle(backend) == 1, "pool of 1 idle");
        var (id, pid) = PoolProcesses().Single();

        var staging = Path.Combine(_harness.TempPath, "state", "pool-staging", id);
        var mounts = File.ReadAllLines($"/proc/{pid}/mountinfo").Select(l => l.Split(' ')).Select(f => (Root: f[3], Point: f[4])).ToList();
        Assert.Contains((staging, "/function"), mounts);
        Assert.DoesNotContain(mounts, m => m.Root.StartsWith(victimSource, StringComparison.Ordinal) || m.Point.StartsWith(victimSource, StringComparison.Ordinal));
        Assert.DoesNotContain(mounts, m => m.Point.StartsWith(Path.Combine(_harness.TempPath, "state"), StringComparison.Ordinal));
        Assert.Empty(Directory.GetFileSystemEntries($"/proc/{pid}/root/function"));
        Assert.False(Directory.Exists($"/proc/{pid}/root{victimSource}"));
        Assert.False(Directory.Exists($"/proc/{pid}/root{staging}"));
    }

    [Fact]
    public async Task FunctionWithAMemoryLimit_SpecializedFromThePool_RunsInItsCgroup_AndTheLimitHolds()
    {
        var backend = StartPooled(poolSize: 1);
        Assert.Null(backend.ResourceLimitsUnavailable);
        await Poll.UntilAsync(() => Idle(backend) == 1, "pool of 1 idle");
        var (poolId, poolPid) = PoolProcesses().Single();
        var key = new FunctionKey("default", "limited");
        var source = WriteFunction(
            key.Name,
            "def handle(request):\n    block = bytearray(int(request.query.get('mb', ['1'])[0]) << 20)\n    for i in range(0, len(block), 4096):\n        block[i] = 1\n    return str(len(block))\n");

        // What the generic runtime was charged while it started, before any function is known.
        var (pooledDirectory, version) = MemoryCgroup(poolPid);
        var chargedBefore = long.Parse(File.ReadAllText(Path.Combine(pooledDirectory, version == CgroupVersion.V1 ? "memory.usage_in_bytes" : "memory.current")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

        await backend.EnsureAsync(Spec(key, source) with { Resources = new WorkloadResources { MemoryLimitBytes = 96L << 20 } }, 1);
        var endpoint = await ReadyEndpointAsync(backend, key);

        Assert.Equal(poolId, Assert.Single(backend.GetInstances(key)).PoolId);
        var instance = Assert.Single(backend.GetInstances(key));
        Assert.Equal(poolPid, instance.Pid);

        // /proc/PID/cgroup: the runtime is still in the cgroup it was born in, whose limit is now the function's.
        var (directory, _) = MemoryCgroup(instance.Pid);
        Assert.Equal(pooledDirectory, directory);
        var limit = File.ReadAllText(Path.Combine(directory, version == CgroupVersion.V1 ? "memory.limit_in_bytes" : "memory.max")).Trim();
        Assert.Equal((96L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), limit);
        Assert.Contains(instance.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllLines(Path.Combine(directory, "cgroup.procs")));

        // So what the runtime was charged before counts against the function's limit. (A move into a new cgroup left
        // those charges behind: the function's cgroup then held only what was allocated after it.)
        var charged = long.Parse(File.ReadAllText(Path.Combine(directory, version == CgroupVersion.V1 ? "memory.usage_in_bytes" : "memory.current")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        output.WriteLine($"charged to the instance's cgroup: {chargedBefore >> 10} KiB before its specialization, {charged >> 10} KiB after");
        Assert.True(charged >= chargedBefore * 3 / 4, $"{charged} bytes charged after the specialization, {chargedBefore} before it");

        // Under the limit it serves; over it the kernel kills it, as a function started for itself.
        Assert.Equal((8 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), await _harness.Http.GetStringAsync(new Uri($"http://127.0.0.1:{endpoint.Port}/?mb=8")));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => _harness.Http.GetStringAsync(new Uri($"http://127.0.0.1:{endpoint.Port}/?mb=200")));
        await Poll.UntilAsync(() => backend.GetStatus(key)?.Failure?.Reason == WorkloadFailureReason.OOMKilled, "the instance OOM-killed");
    }

    [Fact]
    public async Task FunctionWithALimitBelowTheRuntimesOwnUse_SpecializedFromThePool_FailsNamingBothFigures_AndThePoolRefills()
    {
        var backend = StartPooled(poolSize: 1);
        await Poll.UntilAsync(() => Idle(backend) == 1, "pool of 1 idle");
        var (poolId, poolPid) = PoolProcesses().Single();
        var key = new FunctionKey("default", "tiny");
        var source = WriteFunction(key.Name, "def handle(request):\n    return 'never'\n");

        // 1 MiB: less than any runtime is charged while it starts (a generic Python runtime: about 13 MiB here).
        await backend.EnsureAsync(Spec(key, source) with { Resources = new WorkloadResources { MemoryLimitBytes = 1L << 20 } }, 1);

        await Poll.UntilAsync(() => backend.GetStatus(key)?.Failure is not null, "a failure in the status");
        var failure = backend.GetStatus(key)!.Failure!;
        Assert.Equal(WorkloadFailureReason.StartFailed, failure.Reason);
        Assert.Matches(@"^the function's memory limit of 1Mi is below what the python runtime uses before it loads the function \(\d+([KMG]i)?\)$", failure.Message);
        Assert.Empty(backend.GetInstances(key));
        await backend.DeleteAsync(key); // so that no retry takes the refilled instance meanwhile
        await Poll.UntilAsync(() => !ProcessTree.IsAlive(poolPid), $"pool instance {poolId} killed, never back in the pool");
        await Poll.UntilAsync(() => Idle(backend) == 1, "the pool refilled");
    }

    /// <summary>A process's memory cgroup directory (v1), or its one cgroup (v2).</summary>
    private static (string Directory, CgroupVersion Version) MemoryCgroup(int pid)
    {
        var layout = CgroupLayout.Parse(File.ReadAllText($"/proc/{pid}/cgroup"), File.ReadAllText("/proc/self/mountinfo"))!;
        return (layout.Version == CgroupVersion.V1 ? layout.Directories[CgroupLayout.Memory] : layout.Directories[CgroupLayout.Unified], layout.Version);
    }

    [Fact]
    public async Task FunctionOverItsMemoryLimitWhileLoading_SpecializedFromThePool_ReportedOOMKilled()
    {
        var backend = StartPooled(poolSize: 1);
        await Poll.UntilAsync(() => Idle(backend) == 1, "pool of 1 idle");
        var key = new FunctionKey("default", "hog");
        var source = WriteFunction(
            key.Name, "block = bytearray(200 << 20)\nfor i in range(0, len(block), 4096):\n    block[i] = 1\n\ndef handle(request):\n    return 'never'\n");

        await backend.EnsureAsync(Spec(key, source) with { Resources = new WorkloadResources { MemoryLimitBytes = 64L << 20 } }, 1);

        await Poll.UntilAsync(() => backend.GetStatus(key)?.Failure is not null, "a failure in the status");
        var failure = backend.GetStatus(key)!.Failure!;
        Assert.Equal(WorkloadFailureReason.OOMKilled, failure.Reason);
        Assert.Contains("out of memory (OOMKilled): the kernel killed it at its memory limit of 64Mi", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadHandler_SandboxOn_FailsWithTheLoadError_AndThePoolRefills()
    {
        var backend = StartPooled(poolSize: 1);
        await Poll.UntilAsync(() => Idle(backend) == 1, "pool of 1 idle");
        var (poolId, poolPid) = PoolProcesses().Single();
        var key = new FunctionKey("default", "broken");
        var source = WriteFunction(key.Name, "def handle(request):\n    return 'never'\n");

        await backend.EnsureAsync(Spec(key, source) with { Handler = "main:nope" }, 1);

        await Poll.UntilAsync(() => backend.GetStatus(key)?.Failure is not null, "a failure in the status");
        var failure = backend.GetStatus(key)!.Failure!;
        Assert.Equal(WorkloadFailureReason.StartFailed, failure.Reason);
        Assert.Contains("(422)", failure.Message, StringComparison.Ordinal);
        Assert.Contains("function \"nope\" not found", failure.Message, StringComparison.Ordinal);
        Assert.Empty(backend.GetReadyEndpoints(key));
        Assert.Empty(await ProcessTree.WaitForExitAsync([poolPid], Poll.DefaultTimeout));
        await Poll.UntilAsync(() => Idle(backend) == 1 && !PoolProcesses().ContainsKey(poolId), "pool refilled after the failed specialization");
        await Poll.UntilAsync(() => !Directory.Exists(Path.Combine(_harness.TempPath, "state", "pool-staging", poolId)), "the failed instance's staging directory removed");
    }

    [Fact]
    public async Task DotnetColdStart_SandboxOn_SpecializesAGenericCSharpHost_WithTheFunctionsEnv()
    {
        var backend = StartDotnetPooled();
        await Poll.UntilAsync(() => backend.PoolIdle().GetValueOrDefault("dotnet") == 1, "dotnet pool of 1 idle");
        var key = new FunctionKey("default", "settings");
        var spec = Spec(key, RepoPaths.Built("testassets", "functions", "dotnet-test"), ("GREETING", "hi from the pool")) with
        {
            Runtime = "dotnet",
            Handler = "DotnetTest::DotnetTest.Settings::Read",
        };

        await backend.EnsureAsync(spec, 1);

        var endpoint = await ReadyEndpointAsync(backend, key);
        Assert.StartsWith("pool-dotnet-", Assert.Single(backend.GetInstances(key)).PoolId, StringComparison.Ordinal);
        foreach (var line in backend.TailInstanceLog(key, endpoint.Id, 20))
        {
            output.WriteLine(line);
        }

        Assert.Equal("hi from the pool", await _harness.Http.GetStringAsync(new Uri($"http://127.0.0.1:{endpoint.Port}/?key=GREETING")));
        Assert.Equal("settings", await _harness.Http.GetStringAsync(new Uri($"http://127.0.0.1:{endpoint.Port}/?key=K_SERVICE")));
        Assert.Equal("/function", await _harness.Http.GetStringAsync(new Uri($"http://127.0.0.1:{endpoint.Port}/?key=FUNCTION_PATH")));
        await Poll.UntilAsync(() => backend.PoolIdle().GetValueOrDefault("dotnet") == 1, "dotnet pool refilled");
    }

    [Fact]
    public async Task DotnetBadHandler_SandboxOn_FailsWithTheLoadError_AndThePoolRefills()
    {
        var backend = StartDotnetPooled();
        await Poll.UntilAsync(() => backend.PoolIdle().GetValueOrDefault("dotnet") == 1, "dotnet pool of 1 idle");
        var key = new FunctionKey("default", "broken-dotnet");
        var spec = Spec(key, RepoPaths.Built("testassets", "functions", "dotnet-test")) with { Runtime = "dotnet", Handler = "DotnetTest::DotnetTest.Handlers::Nope" };

        await backend.EnsureAsync(spec, 1);

        await Poll.UntilAsync(() => backend.GetStatus(key)?.Failure is not null, "a failure in the status");
        var failure = backend.GetStatus(key)!.Failure!;
        Assert.Equal(WorkloadFailureReason.StartFailed, failure.Reason);
        Assert.Contains("(422)", failure.Message, StringComparison.Ordinal);
        Assert.Contains("method \"Nope\" not found", failure.Message, StringComparison.Ordinal);
        Assert.Empty(backend.GetReadyEndpoints(key));
        await Poll.UntilAsync(() => backend.PoolIdle().GetValueOrDefault("dotnet") == 1, "dotnet pool refilled");
    }

    [Fact]
    public void Start_StagingLeftByAKilledPlatform_IsRemovedEvenWithoutAPool()
    {
        var leftover = Directory.CreateDirectory(Path.Combine(_harness.TempPath, "state", "pool-staging", "pool-python-9")).FullName;
        File.WriteAllText(Path.Combine(leftover, "main.py"), "a function's code, staged before the crash");

        _harness.Start(o => o.PoolSize = 0);

        Assert.False(Directory.Exists(Path.GetDirectoryName(leftover)));
    }

    private static int Idle(LocalProcessBackend backend) => backend.PoolIdle().GetValueOrDefault("python");

    private static List<string> Listing(JsonElement probes, string path) =>
        probes.GetProperty(path).GetProperty("listing").EnumerateArray().Select(e => e.GetString()!).ToList();

    /// <summary>
    /// This test's pool runtimes (inside their sandboxes) by instance id, as the host numbers them: python processes
    /// with a pool instance id whose sandbox binds a staging directory of this test's state directory (bubblewrap's
    /// own two processes are not python).
    /// </summary>
    private Dictionary<string, int> PoolProcesses()
    {
        var stagingRoot = Path.Combine(_harness.TempPath, "state", "pool-staging") + "/";
        var found = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var directory in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                if (!File.ReadAllText(Path.Combine(directory, "comm")).StartsWith("python", StringComparison.Ordinal))
                {
                    continue;
                }

                var id = File.ReadAllText(Path.Combine(directory, "environ")).Split('\0')
                    .FirstOrDefault(v => v.StartsWith("INSTANCE_ID=pool-", StringComparison.Ordinal))?["INSTANCE_ID=".Length..];
                if (id is not null && File.ReadAllText(Path.Combine(directory, "mountinfo")).Contains(" " + stagingRoot + id + " /function ", StringComparison.Ordinal))
                {
                    found[id] = pid;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Exited meanwhile.
            }
        }

        return found;
    }

    private static async Task<InstanceEndpoint> ReadyEndpointAsync(LocalProcessBackend backend, FunctionKey key)
    {
        await Poll.UntilAsync(() => backend.GetReadyEndpoints(key).Count == 1, $"{key} ready");
        return backend.GetReadyEndpoints(key)[0];
    }

    private async Task<JsonDocument> ProbeAsync(InstanceEndpoint endpoint, params string[] paths)
    {
        var query = string.Join("&", paths.Select(p => "path=" + Uri.EscapeDataString(p)));
        return JsonDocument.Parse(await _harness.Http.GetStringAsync(new Uri($"http://127.0.0.1:{endpoint.Port}/?{query}")));
    }

    private LocalProcessBackend StartDotnetPooled() => _harness.Start(o =>
    {
        o.PoolSize = 1;
        o.PooledRuntimes = new HashSet<string>(StringComparer.Ordinal) { "dotnet" };
        o.Runtimes["dotnet"] = new RuntimeCommand("dotnet", [RepoPaths.Built("runtimes", "dotnet", "Serverless.Runtime.Dotnet.dll")]);
    });

    private LocalProcessBackend StartPooled(int poolSize) => _harness.Start(o =>
    {
        o.PoolSize = poolSize;
        o.PooledRuntimes = new HashSet<string>(StringComparer.Ordinal) { "python" };
        o.Runtimes["python"] = new RuntimeCommand("python3", [PythonRuntime]);
    });

    private string WriteFunction(string name, string code)
    {
        var source = Directory.CreateDirectory(Path.Combine(_harness.TempPath, "functions", name)).FullName;
        File.WriteAllText(Path.Combine(source, "main.py"), code);
        return source;
    }

    private static WorkloadSpec Spec(FunctionKey key, string source, params (string Name, string Value)[] env) => new()
    {
        Key = key,
        Revision = BackendHarness.RevisionA,
        Runtime = "python",
        Handler = "main:handle",
        SourcePath = source,
        Environment = env.Select(e => KeyValuePair.Create(e.Name, e.Value)).ToList(),
        TimeoutSeconds = 5,
        ContainerConcurrency = 0,
    };
}
