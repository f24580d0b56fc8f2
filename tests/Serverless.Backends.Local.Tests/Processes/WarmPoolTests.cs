using System.Diagnostics;
using Serverless.Backends.Local.Processes;
using Serverless.Core.Contracts;
using Serverless.Core.Workloads;
using Serverless.TestSupport;
using Xunit.Abstractions;

namespace Serverless.Backends.Local.Tests.Processes;

/// <summary>
/// Warm pools against real processes: the python runtime in generic mode, specialized by the backend on cold starts.
/// Sandbox off; with it on, see <c>SandboxedWarmPoolTests</c>.
/// </summary>
// One collection with the other warm-pool tests: both find pool processes by their instance id, which every
// backend numbers from 1.
[Collection("warm pools")]
public sealed class WarmPoolTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string PythonRuntime = Path.Combine(RepoPaths.Root, "runtimes", "python", "runtime.py");

    private readonly BackendHarness _harness = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task ColdStart_TakesAPoolInstance_ServesWithTheFunctionsEnv_AndThePoolRefills()
    {
        var backend = StartPooled(poolSize: 2);
        await Poll.UntilAsync(() => Idle(backend) == 2, "pool of 2 idle");
        var key = new FunctionKey("default", "hello");

        await backend.EnsureAsync(Spec(key, env: ("GREETING", "hi")), 1);

        // Ready as the call returns: the specialization's 200 is the readiness, no probe is waited for.
        var endpoint = Assert.Single(backend.GetReadyEndpoints(key));
        Assert.StartsWith("pool-python-", PoolIdOf(backend, key, endpoint), StringComparison.Ordinal);
        Assert.StartsWith("hello-", endpoint.Id, StringComparison.Ordinal); // named as the function's own instances
        var body = await _harness.Http.GetStringAsync(new Uri($"http://127.0.0.1:{endpoint.Port}/"));
        var instance = Assert.Single(backend.GetInstances(key));
        Assert.Equal($"hi from hello pid {instance.Pid}", body);

        // The instance's log is now the function's, where func logs looks.
        Assert.Contains(backend.TailInstanceLog(key, instance.Id, 20), l => l.Contains("waiting for POST /specialize", StringComparison.Ordinal));
        await Poll.UntilAsync(() => Idle(backend) == 2, "pool refilled to 2");
    }

    [Fact]
    public async Task ColdStart_TheReplacementStartsOnlyAfterTheSpecializationAnswered()
    {
        var backend = StartPooled(poolSize: 1);
        await Poll.UntilAsync(() => Idle(backend) == 1, "pool of 1 idle");
        var key = new FunctionKey("default", "hello");
        using var watching = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var clock = Stopwatch.StartNew();
        var replacementSeen = Task.Run(async () =>
        {
            while (ProcessTree.WithEnvironment("INSTANCE_ID", "pool-python-2").Count == 0)
            {
                await Task.Delay(1, watching.Token);
            }

            return clock.Elapsed;
        });

        await backend.EnsureAsync(Spec(key), 1);
        var specialized = clock.Elapsed;
        var seen = await replacementSeen;

        // A runtime's start takes a core: it must not compete with the specialization and the cold request's answer.
        Assert.True(seen >= specialized, $"the replacement was running {(specialized - seen).TotalMilliseconds:0} ms before the specialization answered");
        await Poll.UntilAsync(() => Idle(backend) == 1, "pool refilled to 1");
    }

    [Fact]
    public async Task TwoFunctions_SpecializedFromOnePool_NeverShareAProcess()
    {
        var backend = StartPooled(poolSize: 2);
        await Poll.UntilAsync(() => Idle(backend) == 2, "pool of 2 idle");
        var first = new FunctionKey("default", "first");
        var second = new FunctionKey("default", "second");

        await Task.WhenAll(backend.EnsureAsync(Spec(first), 1), backend.EnsureAsync(Spec(second), 1));

        var a = await ReadyEndpointAsync(backend, first);
        var b = await ReadyEndpointAsync(backend, second);
        Assert.StartsWith("pool-python-", PoolIdOf(backend, first, a), StringComparison.Ordinal);
        Assert.StartsWith("pool-python-", PoolIdOf(backend, second, b), StringComparison.Ordinal);
        var pidA = Assert.Single(backend.GetInstances(first)).Pid;
        var pidB = Assert.Single(backend.GetInstances(second)).Pid;
        Assert.NotEqual(pidA, pidB);
        Assert.Equal($"hello from first pid {pidA}", await _harness.Http.GetStringAsync(new Uri($"http://127.0.0.1:{a.Port}/")));
        Assert.Equal($"hello from second pid {pidB}", await _harness.Http.GetStringAsync(new Uri($"http://127.0.0.1:{b.Port}/")));

        // Scaled to zero, the specialized process is drained and gone, not returned to the pool.
        await backend.ScaleAsync(first, 0);
        Assert.Empty(await ProcessTree.WaitForExitAsync([pidA], Poll.DefaultTimeout));
        await Poll.UntilAsync(() => Idle(backend) == 2, "pool refilled to 2");
    }

    [Fact]
    public async Task BadHandler_FailsTheStartWithTheLoadError_KillsTheInstance_AndThePoolRefills()
    {
        var backend = StartPooled(poolSize: 1);
        await Poll.UntilAsync(() => Idle(backend) == 1, "pool of 1 idle");
        var key = new FunctionKey("default", "broken");

        await backend.EnsureAsync(Spec(key) with { Handler = "main:nope" }, 1);

        await Poll.UntilAsync(() => backend.GetStatus(key)?.Failure is not null, "a failure in the status");
        var failure = backend.GetStatus(key)!.Failure!;
        Assert.Equal(WorkloadFailureReason.StartFailed, failure.Reason);
        Assert.Contains("(422)", failure.Message, StringComparison.Ordinal);
        Assert.Contains("function \"nope\" not found", failure.Message, StringComparison.Ordinal);
        Assert.Empty(backend.GetReadyEndpoints(key));
        Assert.Empty(backend.GetInstances(key));
        await Poll.UntilAsync(() => Idle(backend) == 1, "pool refilled after the failed specialization");
    }

    [Theory]
    [InlineData("annotation")]
    [InlineData("ephemeral-storage")]
    public async Task PoolInstances_CountInMaxInstances_AndAnIdleOneMakesRoomForAFunctionThatSkipsThePool(string optOut)
    {
        var backend = StartPooled(poolSize: 2, maxInstances: 3);
        await Poll.UntilAsync(() => Idle(backend) == 2, "pool of 2 idle");
        var pooled = new FunctionKey("default", "pooled");
        var own = new FunctionKey("default", "own");

        await backend.EnsureAsync(Spec(pooled), 1);
        await ReadyEndpointAsync(backend, pooled);

        // The refill stops at the cap: 1 instance of the function and 2 idle, 3 processes.
        await Poll.UntilAsync(() => Idle(backend) == 2, "pool refilled up to the cap");
        Assert.Equal(3, LiveProcesses(backend, pooled, own));

        // Opted out (or with an ephemeral-storage limit, which sizes a sandbox made for the function): a process of
        // its own, for which an idle pool instance makes room. Memory and CPU limits use the pool (SandboxedWarmPoolTests).
        await backend.EnsureAsync(Spec(own) with { UsePool = optOut != "annotation", Resources = optOut == "ephemeral-storage" ? new WorkloadResources { EphemeralStorageLimitBytes = 64L << 20 } : WorkloadResources.None }, 1);
        var endpoint = await ReadyEndpointAsync(backend, own);
        Assert.Null(PoolIdOf(backend, own, endpoint));
        await Poll.UntilAsync(() => Idle(backend) == 1, "one idle pool instance evicted");
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.Equal(1, Idle(backend));
        Assert.Equal(3, LiveProcesses(backend, pooled, own));
    }

    /// <summary>
    /// A variable the runtime reads only when its process starts (here Python's hash seed) cannot take effect in a pool
    /// instance, which started before the function was known and gets the env inside the running process: the function
    /// starts a process of its own, whose initial environment holds it. Before, the pool served it, and the variable
    /// sat in os.environ with no effect on the interpreter.
    /// </summary>
    [Fact]
    public async Task FunctionWithAStartupVariable_StartsItsOwnProcess_WhichStartsWithIt()
    {
        var backend = StartPooled(poolSize: 1);
        await Poll.UntilAsync(() => Idle(backend) == 1, "pool of 1 idle");
        var key = new FunctionKey("default", "seeded");

        await backend.EnsureAsync(Spec(key, ("GREETING", "hi"), ("PYTHONHASHSEED", "0")), 1);

        var endpoint = await ReadyEndpointAsync(backend, key);
        Assert.Null(PoolIdOf(backend, key, endpoint));
        var instance = Assert.Single(backend.GetInstances(key));
        Assert.Equal($"hi from seeded pid {instance.Pid}", await _harness.Http.GetStringAsync(new Uri($"http://127.0.0.1:{endpoint.Port}/")));
        var environ = (await File.ReadAllTextAsync($"/proc/{instance.Pid}/environ")).Split('\0');
        Assert.Contains("PYTHONHASHSEED=0", environ);
        Assert.Equal(1, Idle(backend)); // the pool instance is still idle, for a function it can serve
        // Its owner can read why its cold starts are not its neighbours' (the platform's log, logs/platform.log).
        Assert.Contains(
            (LocalEventIds.PoolDeclined, "default/seeded starts an instance of its own, not a pooled one: " + StartupVariables.Reason("python", "PYTHONHASHSEED")),
            _harness.Log!.Events);
    }

    [Fact]
    public async Task ColdStartsOfTenFunctions_WithAPoolOfTwo_AllServe100Requests()
    {
        var backend = StartPooled(poolSize: 2);
        await Poll.UntilAsync(() => Idle(backend) == 2, "pool of 2 idle");
        var keys = Enumerable.Range(0, 10).Select(i => new FunctionKey("default", $"burst{i}")).ToList();
        var clock = Stopwatch.StartNew();

        await Task.WhenAll(keys.Select(k => backend.EnsureAsync(Spec(k), 1)));
        var endpoints = await Task.WhenAll(keys.Select(k => ReadyEndpointAsync(backend, k)));
        int FromPool() => keys.Count(k => backend.GetInstances(k).Any(i => i.PoolId is not null));
        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
        {
            var (key, endpoint) = (keys[i % 10], endpoints[i % 10]);
            using var response = await _harness.Http.GetAsync(new Uri($"http://127.0.0.1:{endpoint.Port}/"));
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), key.Name);
        }));

        output.WriteLine($"10 cold starts and 100 requests in {clock.ElapsedMilliseconds} ms; from the pool: {FromPool()}");
        Assert.All(answers, a => Assert.Equal(200, a.Item1));
        Assert.All(answers, a => Assert.StartsWith($"hello from {a.Item3} pid ", a.Item2, StringComparison.Ordinal));
        Assert.True(FromPool() >= 2, "at least the two idle instances were used");
        Assert.Equal(10, keys.Select(k => Assert.Single(backend.GetInstances(k)).Pid).Distinct().Count());
    }

    [Fact]
    public async Task IdlePoolInstanceThatDies_IsReplaced_AndTheReplacementServes()
    {
        var backend = StartPooled(poolSize: 1);
        await Poll.UntilAsync(() => Idle(backend) == 1, "pool of 1 idle");
        var first = Assert.Single(ProcessTree.WithEnvironment("INSTANCE_ID", "pool-python-1"));

        Signals.Send(first, Signals.SigKill);

        Assert.Empty(await ProcessTree.WaitForExitAsync([first], Poll.DefaultTimeout));
        await Poll.UntilAsync(() => ProcessTree.WithEnvironment("INSTANCE_ID", "pool-python-2").Count == 1 && Idle(backend) == 1, "a replacement idle");
        var key = new FunctionKey("default", "after-crash");
        await backend.EnsureAsync(Spec(key), 1);
        var endpoint = await ReadyEndpointAsync(backend, key);
        Assert.Equal("pool-python-2", PoolIdOf(backend, key, endpoint));
        Assert.Equal(
            $"hello from after-crash pid {Assert.Single(backend.GetInstances(key)).Pid}",
            await _harness.Http.GetStringAsync(new Uri($"http://127.0.0.1:{endpoint.Port}/")));
    }

    [Fact]
    public async Task NodeColdStart_SpecializesANodePoolInstance()
    {
        var backend = _harness.Start(o =>
        {
            o.Sandbox.Enabled = false;
            o.PoolSize = 1;
            o.PooledRuntimes = new HashSet<string>(StringComparer.Ordinal) { "node" };
            o.Runtimes["node"] = new RuntimeCommand("node", [Path.Combine(RepoPaths.Root, "runtimes", "node", "index.js")]);
        });
        await Poll.UntilAsync(() => backend.PoolIdle().GetValueOrDefault("node") == 1, "node pool of 1 idle");
        var key = new FunctionKey("default", "hello-node");
        var source = Directory.CreateDirectory(Path.Combine(_harness.TempPath, "functions", key.Name)).FullName;
        File.WriteAllText(Path.Combine(source, "index.js"), "exports.handle = () => `hello from ${process.env.K_SERVICE} pid ${process.pid}`;\n");

        await backend.EnsureAsync(Spec(key) with { Runtime = "node", Handler = "index.js:handle", SourcePath = source }, 1);

        var endpoint = await ReadyEndpointAsync(backend, key);
        Assert.StartsWith("pool-node-", PoolIdOf(backend, key, endpoint), StringComparison.Ordinal);
        var pid = Assert.Single(backend.GetInstances(key)).Pid;
        Assert.Equal($"hello from hello-node pid {pid}", await _harness.Http.GetStringAsync(new Uri($"http://127.0.0.1:{endpoint.Port}/")));
        await Poll.UntilAsync(() => backend.PoolIdle().GetValueOrDefault("node") == 1, "node pool refilled");
    }

    /// <summary>The pool instance the endpoint's instance was specialized from; null when it was started for its function.</summary>
    internal static string? PoolIdOf(LocalProcessBackend backend, FunctionKey key, InstanceEndpoint endpoint) =>
        backend.GetInstances(key).Single(i => i.Id == endpoint.Id).PoolId;

    private static int Idle(LocalProcessBackend backend) => backend.PoolIdle().GetValueOrDefault("python");

    private static int LiveProcesses(LocalProcessBackend backend, params FunctionKey[] keys) =>
        Idle(backend) + keys.Sum(k => backend.GetInstances(k).Count);

    private static async Task<InstanceEndpoint> ReadyEndpointAsync(LocalProcessBackend backend, FunctionKey key)
    {
        await Poll.UntilAsync(() => backend.GetReadyEndpoints(key).Count == 1, $"{key} ready");
        return backend.GetReadyEndpoints(key)[0];
    }

    private LocalProcessBackend StartPooled(int poolSize, int maxInstances = 100) => _harness.Start(o =>
    {
        o.Sandbox.Enabled = false;
        o.PoolSize = poolSize;
        o.MaxInstances = maxInstances;
        o.PooledRuntimes = new HashSet<string>(StringComparer.Ordinal) { "python" };
        o.Runtimes["python"] = new RuntimeCommand("python3", [PythonRuntime]);
    });

    private WorkloadSpec Spec(FunctionKey key, params (string Name, string Value)[] env)
    {
        var source = Directory.CreateDirectory(Path.Combine(_harness.TempPath, "functions", key.Name)).FullName;
        File.WriteAllText(
            Path.Combine(source, "main.py"),
            "import os\n\ndef handle(request):\n    return f\"{os.environ.get('GREETING', 'hello')} from {os.environ['K_SERVICE']} pid {os.getpid()}\"\n");
        return new WorkloadSpec
        {
            Key = key,
            Revision = BackendHarness.RevisionA,
            Runtime = "python",
            Handler = "main:handle",
            SourcePath = source,
            Environment = env.Select(e => KeyValuePair.Create(e.Name, e.Value)).ToList(),
            TimeoutSeconds = 2,
            ContainerConcurrency = 0,
        };
    }
}
