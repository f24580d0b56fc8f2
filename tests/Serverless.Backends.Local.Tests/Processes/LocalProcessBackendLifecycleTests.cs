using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using Serverless.Backends.Local.Processes;
using Serverless.Core.Contracts;
using Serverless.TestSupport;
using Xunit.Abstractions;
using static Serverless.Backends.Local.Tests.Processes.BackendHarness;

namespace Serverless.Backends.Local.Tests.Processes;

/// <summary>The supervisor against real processes (the fake runtime on loopback ports): starting, readiness, crashes and restarts, and what reaches the child.</summary>
public sealed class LocalProcessBackendLifecycleTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly BackendHarness _harness = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EnsureAsync_TwoReplicas_TwoReadyEndpointsOnDistinctPortsAnsweringHttp(bool sandboxed)
    {
        var backend = _harness.Start(o => o.Sandbox.Enabled = sandboxed);
        var endpointEvents = 0;
        backend.EndpointsChanged += key => Interlocked.Increment(ref endpointEvents);

        await backend.EnsureAsync(_harness.Spec(), 2);
        await Poll.UntilAsync(() => backend.GetReadyEndpoints(Key).Count == 2, "2 ready endpoints");

        var endpoints = backend.GetReadyEndpoints(Key);
        Assert.Equal(2, endpoints.Select(e => e.Port).Distinct().Count());
        Assert.All(endpoints, e => Assert.Equal("127.0.0.1", e.Host));
        Assert.All(endpoints, e => Assert.Equal(4, e.ContainerConcurrency));
        var pids = backend.GetInstances(Key).ToDictionary(i => i.Id, i => i.Pid);
        foreach (var endpoint in endpoints)
        {
            var reply = await _harness.Http.GetFromJsonAsync<FakeReply>($"http://{endpoint.Authority}/hello/world");
            Assert.NotNull(reply);
            Assert.Equal(endpoint.Id, reply.Instance);
            Assert.Equal("/hello/world", reply.Path);
            // Sandboxed, the runtime is the namespace init's only child: pid 2 there, whatever the host calls it.
            Assert.Equal(sandboxed ? 2 : pids[endpoint.Id], reply.Pid);
        }

        Assert.Equal(new WorkloadStatus { Revision = RevisionA, DesiredReplicas = 2, Replicas = 2, ReadyReplicas = 2 }, backend.GetStatus(Key));
        Assert.True(endpointEvents >= 2, $"EndpointsChanged raised {endpointEvents} times");
        Assert.Matches("^hello-aaaaaaaa-[0-9]+$", endpoints[0].Id);
    }

    [Fact]
    public async Task EnsureAsync_ReadyDelay_NotReadyBeforeReadyzAnswers200()
    {
        var backend = _harness.Start();
        var firstReadyAt = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        backend.EndpointsChanged += key =>
        {
            if (backend.GetReadyEndpoints(key).Count > 0)
            {
                firstReadyAt.TrySetResult(DateTimeOffset.UtcNow);
            }
        };

        await backend.EnsureAsync(_harness.Spec(env: ("FAKE_READY_DELAY_MS", "1500")), 1);
        var instance = Assert.Single(backend.GetInstances(Key));

        // Listening but answering 503: the supervisor must not count it yet.
        await Poll.UntilAsync(async () => await _harness.ReadyzAsync(instance.PlatformPort) == 503, "/readyz answering 503");
        Assert.Empty(backend.GetReadyEndpoints(Key));
        Assert.Equal(0, backend.GetStatus(Key)!.ReadyReplicas);
        Assert.Equal(LocalInstanceState.Starting, Assert.Single(backend.GetInstances(Key)).State);

        var readyAt = await firstReadyAt.Task.WaitAsync(Poll.DefaultTimeout);
        Assert.True(readyAt - instance.StartedAt >= TimeSpan.FromMilliseconds(1500), $"ready after {readyAt - instance.StartedAt}");
        Assert.Equal(200, await _harness.ReadyzAsync(instance.PlatformPort));
        Assert.Equal(1, backend.GetStatus(Key)!.ReadyReplicas);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EnsureAsync_ListeningLine_ProbedAtOnceInsteadOfAtTheNextTick(bool sandboxed)
    {
        // Probes 3 s apart: the first one (at the spawn) finds nothing listening, the next is due 3 s later. The
        // runtime's "listening on" line makes the supervisor probe at once.
        var backend = _harness.Start(o =>
        {
            o.StartupProbeInterval = TimeSpan.FromSeconds(3);
            o.Sandbox.Enabled = sandboxed;
        });
        var readyAt = FirstReady(backend);

        await backend.EnsureAsync(_harness.Spec(env: ("FAKE_LISTENING_LINE", "1")), 1);
        var instance = Assert.Single(backend.GetInstances(Key));

        var elapsed = await readyAt.WaitAsync(Poll.DefaultTimeout) - instance.StartedAt;
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"ready {elapsed.TotalMilliseconds:0} ms after the start");
    }

    [Fact]
    public async Task EnsureAsync_ListeningLineBeforeReady_OnlyAHint_TheProbeStillDecides()
    {
        // The line comes while /readyz still answers 503 (for 1 s): the probe it brings forward fails, and the
        // instance is ready only at a later probe of the schedule (3 s apart), never before /readyz says so.
        var backend = _harness.Start(o => o.StartupProbeInterval = TimeSpan.FromSeconds(3));
        var readyAt = FirstReady(backend);

        await backend.EnsureAsync(_harness.Spec(env: [("FAKE_LISTENING_LINE", "1"), ("FAKE_READY_DELAY_MS", "1000")]), 1);
        var instance = Assert.Single(backend.GetInstances(Key));

        var elapsed = await readyAt.WaitAsync(Poll.DefaultTimeout) - instance.StartedAt;
        Assert.True(elapsed >= TimeSpan.FromSeconds(2.5), $"ready {elapsed.TotalMilliseconds:0} ms after the start");
    }

    [Theory]
    [InlineData(false, 1, 30)]
    [InlineData(true, 60, 250)]
    public async Task EnsureAsync_StartingInstance_ProbedFastOnlyAfterItsListeningLine(bool listeningLine, int fewest, int most)
    {
        // /readyz answers 503 for the instance's first 800 ms, and the runtime logs each such answer. Without the
        // runtime's "listening on" line every probe is one the platform would have had refused by a runtime not yet
        // listening: every 50 ms (~16), where it was every 5 ms (~160) before, which made ten instances starting at
        // once cost the platform ~2,000 refused probes a second. After the line it is a cold start about to be ready:
        // every 5 ms.
        var backend = _harness.Start();
        var readyAt = FirstReady(backend);
        (string, string)[] env = [("FAKE_READY_DELAY_MS", "800"), ("FAKE_LOG_READYZ", "1")];
        await backend.EnsureAsync(_harness.Spec(env: listeningLine ? [.. env, ("FAKE_LISTENING_LINE", "1")] : env), 1);
        await readyAt.WaitAsync(Poll.DefaultTimeout);

        var log = Assert.Single(backend.ListLogFiles(Key), f => f.Length > 0);
        var probes = File.ReadLines(log.Path).Count(line => line.Contains("readyz 503", StringComparison.Ordinal));
        output.WriteLine($"{probes} probes answered not-ready");
        Assert.InRange(probes, fewest, most);
    }

    private static Task<DateTimeOffset> FirstReady(LocalProcessBackend backend)
    {
        var firstReadyAt = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        backend.EndpointsChanged += key =>
        {
            if (backend.GetReadyEndpoints(key).Count > 0)
            {
                firstReadyAt.TrySetResult(DateTimeOffset.UtcNow);
            }
        };
        return firstReadyAt.Task;
    }

    [Fact]
    public async Task EnsureAsync_CrashOnStart_StartFailedWithStderrLineAndRestartsSpacedByBackoff()
    {
        var backend = _harness.Start();

        await backend.EnsureAsync(_harness.Spec(env: ("FAKE_CRASH_ON_START", "1")), 1);
        await Poll.UntilAsync(() => backend.ListLogFiles(Key).Count(f => f.Length > 0) >= 4, "4 start attempts");

        var failure = backend.GetStatus(Key)!.Failure;
        Assert.NotNull(failure);
        Assert.Equal(WorkloadFailureReason.StartFailed, failure.Reason);
        Assert.Contains("stderr fake-runtime[", failure.Message);
        Assert.Contains("FAKE_CRASH_ON_START: simulated startup failure", failure.Message);
        Assert.Contains("exit code 3", failure.Message);
        Assert.Empty(backend.GetReadyEndpoints(Key));

        // Each attempt's first log line is stamped after its start, and each start waits out the backoff
        // after the previous exit: so consecutive first lines are at least the backoff apart.
        var firstLines = backend.ListLogFiles(Key)
            .OrderBy(f => long.Parse(f.InstanceId[(f.InstanceId.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture))
            .Where(f => f.Length > 0)
            .Select(f => FirstLineTime(f.Path))
            .ToList();
        var expectedGaps = new[] { 200, 400, 800 };
        for (var i = 0; i < expectedGaps.Length; i++)
        {
            var gap = firstLines[i + 1] - firstLines[i];
            output.WriteLine($"attempt {i + 1} -> {i + 2}: {gap.TotalMilliseconds} ms");
            Assert.True(gap >= TimeSpan.FromMilliseconds(expectedGaps[i]), $"attempt {i + 2} came {gap.TotalMilliseconds} ms after attempt {i + 1}");
        }
    }

    [Fact]
    public async Task Instance_KilledExternally_RestartedAndReadyAgain()
    {
        var backend = _harness.Start();
        var failures = new ConcurrentQueue<WorkloadFailure>();
        backend.StatusChanged += key =>
        {
            if (backend.GetStatus(key)?.Failure is { } failure)
            {
                failures.Enqueue(failure);
            }
        };
        await backend.EnsureAsync(_harness.Spec(), 1);
        await Poll.UntilAsync(() => backend.GetReadyEndpoints(Key).Count == 1, "ready");
        var victim = Assert.Single(backend.GetInstances(Key));

        Signals.Send(victim.Pid, Signals.SigKill);

        await Poll.UntilAsync(
            () => backend.GetReadyEndpoints(Key) is [{ } e] && e.Id != victim.Id,
            "a replacement instance ready");
        Assert.False(ProcessTree.IsAlive(victim.Pid));
        Assert.Contains(failures, f => f.Message.Contains(victim.Id, StringComparison.Ordinal));
        var crash = failures.First(f => f.Message.Contains(victim.Id, StringComparison.Ordinal));
        Assert.Equal(WorkloadFailureReason.CrashLoop, crash.Reason);
        Assert.Contains("exit code 137", crash.Message);
        Assert.Null(backend.GetStatus(Key)!.Failure);
        var replacement = Assert.Single(backend.GetInstances(Key));
        Assert.Equal(200, await _harness.ReadyzAsync(replacement.PlatformPort));
    }

    /// <summary>Issue #16: Knative's identity variables, and the probe on a port of its own, so /readyz on PORT is the function's.</summary>
    [Fact]
    public async Task Instance_Started_GetsIdentityAndAPlatformPortApartFromItsOwn()
    {
        var backend = _harness.Start();
        var spec = _harness.Spec();

        await backend.EnsureAsync(spec, 1);
        await Poll.UntilAsync(() => backend.GetReadyEndpoints(Key).Count == 1, "an instance ready");
        var instance = Assert.Single(backend.GetInstances(Key));
        var endpoint = Assert.Single(backend.GetReadyEndpoints(Key));

        Assert.NotEqual(instance.Port, instance.PlatformPort);
        Assert.Equal(instance.Port, endpoint.Port);
        Assert.Equal(Key, instance.Function);
        using var reply = System.Text.Json.JsonDocument.Parse(await _harness.Http.GetStringAsync($"http://127.0.0.1:{instance.Port}/readyz"));
        Assert.Equal("/readyz", reply.RootElement.GetProperty("path").GetString());
        var identity = reply.RootElement.GetProperty("identity");
        Assert.Equal(Key.Name, identity.GetProperty("K_SERVICE").GetString());
        Assert.Equal(Key.Name, identity.GetProperty("K_CONFIGURATION").GetString());
        Assert.Equal(spec.Revision, identity.GetProperty("K_REVISION").GetString());
        Assert.Equal(Key.Namespace, identity.GetProperty("FUNCTION_NAMESPACE").GetString());
    }

    [Fact]
    public async Task Instance_ReadyzTurns503_LeavesEndpointsWhileRunning()
    {
        var backend = _harness.Start(o => o.ReadyProbeInterval = TimeSpan.FromMilliseconds(100));
        await backend.EnsureAsync(_harness.Spec(env: ("FAKE_DRAIN_MS", "3000")), 1);
        await Poll.UntilAsync(() => backend.GetReadyEndpoints(Key).Count == 1, "ready");
        var instance = Assert.Single(backend.GetInstances(Key));

        // A SIGTERM the supervisor did not send: the fake runtime answers 503 for 3 s, then exits.
        Signals.Terminate(instance.Pid);

        await Poll.UntilAsync(() => backend.GetInstances(Key) is [{ State: LocalInstanceState.NotReady }], "marked not ready");
        Assert.Empty(backend.GetReadyEndpoints(Key));
        Assert.Equal(0, backend.GetStatus(Key)!.ReadyReplicas);
        Assert.True(ProcessTree.IsAlive(instance.Pid));
    }

    [Fact]
    public async Task EnsureAsync_NeverReady_KilledAtStartupTimeoutAsStartFailed()
    {
        var backend = _harness.Start(o => o.StartupTimeout = TimeSpan.FromMilliseconds(700));
        await backend.EnsureAsync(_harness.Spec(env: ("FAKE_READY_DELAY_MS", "60000")), 1);
        var instance = Assert.Single(backend.GetInstances(Key));

        await Poll.UntilAsync(() => backend.GetStatus(Key)!.Failure is not null, "a failure");

        var failure = backend.GetStatus(Key)!.Failure!;
        Assert.Equal(WorkloadFailureReason.StartFailed, failure.Reason);
        Assert.Contains($"instance {instance.Id} was killed: not ready within the startup timeout of 0.7 s (exit code 137)", failure.Message);
        Assert.False(ProcessTree.IsAlive(instance.Pid));
    }

    [Fact]
    public async Task EnsureAsync_AdminTokenInPlatformEnvironment_NotPassedToChild()
    {
        const string token = "SERVERLESS_ADMIN_TOKEN";
        var backend = _harness.Start();
        var previous = Environment.GetEnvironmentVariable(token);
        Environment.SetEnvironmentVariable(token, "do-not-leak");
        try
        {
            await backend.EnsureAsync(_harness.Spec(env: ("GREETING", "hi")), 1);
        }
        finally
        {
            Environment.SetEnvironmentVariable(token, previous);
        }

        // Ready means the runtime itself runs: before its exec, /proc would show the platform's environment.
        await Poll.UntilAsync(() => backend.GetReadyEndpoints(Key).Count == 1, "ready");
        var instance = Assert.Single(backend.GetInstances(Key));
        var environment = File.ReadAllText($"/proc/{instance.Pid}/environ").Split('\0');

        Assert.DoesNotContain(environment, v => v.StartsWith(token + "=", StringComparison.Ordinal));
        Assert.Contains("GREETING=hi", environment);
        Assert.Contains($"PORT={instance.Port}", environment);
        Assert.Contains($"FUNCTION_PATH={_harness.SourcePath}", environment);
        Assert.Contains("HANDLER=main:handle", environment);
        Assert.Contains("CONTAINER_CONCURRENCY=4", environment);
        Assert.Contains("FUNCTION_TIMEOUT=2", environment);
        Assert.Contains(environment, v => v.StartsWith("PATH=", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("missing executable", "runtime \"python\": executable \"/nonexistent/python3\" was not found")]
    [InlineData("missing source", "the function source directory")]
    [InlineData("unknown runtime", "no command is configured for runtime \"cobol\"")]
    public async Task EnsureAsync_RuntimeCannotStart_RuntimeUnavailable(string label, string expected)
    {
        var backend = _harness.Start(o =>
        {
            if (label == "missing executable")
            {
                o.Runtimes["python"] = new RuntimeCommand("/nonexistent/python3", [FakeRuntime]);
            }
        });
        var spec = label switch
        {
            "missing source" => _harness.Spec() with { SourcePath = Path.Combine(_harness.TempPath, "no-such-dir") },
            "unknown runtime" => _harness.Spec() with { Runtime = "cobol" },
            _ => _harness.Spec(),
        };

        await backend.EnsureAsync(spec, 1);

        var failure = backend.GetStatus(Key)!.Failure;
        Assert.NotNull(failure);
        Assert.Equal(WorkloadFailureReason.RuntimeUnavailable, failure.Reason);
        Assert.Contains(expected, failure.Message);
        Assert.Empty(backend.GetInstances(Key));
    }

    private static DateTimeOffset FirstLineTime(string path)
    {
        var line = File.ReadLines(path).First();
        return DateTimeOffset.ParseExact(
            line[..InstanceLogWriter.TimestampLength], InstanceLogWriter.TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }
}
