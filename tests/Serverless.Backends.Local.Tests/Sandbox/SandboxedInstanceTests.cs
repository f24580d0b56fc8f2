using System.Net.Http.Json;
using Serverless.Backends.Local.Processes;
using Serverless.Backends.Local.Sandbox;
using Serverless.Backends.Local.Tests.Processes;
using Serverless.TestSupport;
using Xunit.Abstractions;
using static Serverless.Backends.Local.Tests.Processes.BackendHarness;

namespace Serverless.Backends.Local.Tests.Sandbox;

/// <summary>Instances in the bubblewrap sandbox (real processes, the fake runtime): what they see, and what ends with them.</summary>
public sealed class SandboxedInstanceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly BackendHarness _harness = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task Instance_Sandboxed_UnprivilegedWithItsArtifactReadOnlyAndNoStateDirectory()
    {
        var backend = _harness.Start();
        Assert.True(backend.Sandboxed);
        await backend.EnsureAsync(_harness.Spec(), 1);
        await Poll.UntilAsync(() => backend.GetReadyEndpoints(Key).Count == 1, "ready");
        var endpoint = Assert.Single(backend.GetReadyEndpoints(Key));

        var reply = await _harness.Http.GetFromJsonAsync<FakeReply>($"http://{endpoint.Authority}/");
        Assert.NotNull(reply);
        if (NativeFiles.EffectiveUid() == 0)
        {
            Assert.Equal((SandboxOptions.DefaultId, SandboxOptions.DefaultId), (reply.Uid, reply.Gid));
        }

        Assert.Equal("/home/function", reply.Home);
        Assert.Equal(_harness.SourcePath, reply.Cwd);

        var state = await ProbeAsync(endpoint, Path.Combine(_harness.TempPath, "state"));
        Assert.False(state.Exists, state.ToString());
        var artifact = await ProbeAsync(endpoint, _harness.SourcePath);
        Assert.True(artifact.Readable, artifact.ToString());
        Assert.False(artifact.Writable, artifact.ToString());
        Assert.Contains("Read-only file system", artifact.Error, StringComparison.Ordinal);
        Assert.True((await ProbeAsync(endpoint, "/tmp")).Writable);
        Assert.True((await ProbeAsync(endpoint, "/home/function")).Writable);
        Assert.False((await ProbeAsync(endpoint, Path.Combine(RepoPaths.Root, "README.md"))).Exists);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DeleteAsync_ChildInASessionOfItsOwn_EndsWithTheInstance(bool sandboxed)
    {
        // Sandboxed, the PID namespace ends it; unsandboxed, the instance's cgroup (this test runs where cgroups work).
        var backend = _harness.Start(o => o.Sandbox.Enabled = sandboxed);
        Assert.True(sandboxed || backend.ResourceLimitsUnavailable is null, backend.ResourceLimitsUnavailable);
        var tag = ProcessFinder.UniqueSleep();
        await backend.EnsureAsync(_harness.Spec(env: ("FAKE_ESCAPEE", tag)), 1);
        await Poll.UntilAsync(() => backend.GetReadyEndpoints(Key).Count == 1, "ready");
        await Poll.UntilAsync(() => ProcessFinder.WithCommandLine("sleep", tag).Count == 1, "the escapee running");
        var escapee = Assert.Single(ProcessFinder.WithCommandLine("sleep", tag));

        await backend.DeleteAsync(Key);

        Assert.Empty(await ProcessTree.WaitForExitAsync([escapee], Poll.DefaultTimeout));
    }

    [Fact]
    public async Task Instance_ExitsWhileItsChildRuns_ChildEndsToo()
    {
        var backend = _harness.Start();
        var tag = ProcessFinder.UniqueSleep();
        await backend.EnsureAsync(_harness.Spec(env: [("FAKE_ESCAPEE", tag), ("FAKE_EXIT_AFTER_MS", "1500")]), 1);
        await Poll.UntilAsync(() => ProcessFinder.WithCommandLine("sleep", tag).Count == 1, "the escapee running");
        var escapee = Assert.Single(ProcessFinder.WithCommandLine("sleep", tag));

        await Poll.UntilAsync(() => backend.GetStatus(Key)?.Failure is not null, "the instance's exit");

        Assert.Empty(await ProcessTree.WaitForExitAsync([escapee], Poll.DefaultTimeout));
    }

    [Fact]
    public void Constructor_SandboxDoesNotWork_RefusesNamingWhatToInstall()
    {
        var error = Assert.Throws<SandboxUnavailableException>(() => _harness.Start(o => o.Sandbox.BwrapPath = "/nonexistent/bwrap"));

        Assert.Contains("apt-get install bubblewrap", error.Message, StringComparison.Ordinal);
        Assert.Contains("--no-sandbox", error.Message, StringComparison.Ordinal);
    }

    private async Task<FakeProbe> ProbeAsync(Core.Contracts.InstanceEndpoint endpoint, string path) =>
        (await _harness.Http.GetFromJsonAsync<FakeProbe>($"http://{endpoint.Authority}/probe?path={Uri.EscapeDataString(path)}"))!;
}
