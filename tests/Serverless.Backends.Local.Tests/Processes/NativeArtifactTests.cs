using System.Net.Http.Json;
using System.Runtime.InteropServices;
using Serverless.Backends.Local.Processes;
using Serverless.Core.Contracts;
using Serverless.Core.Workloads;
using Xunit.Abstractions;
using static Serverless.Backends.Local.Tests.Processes.BackendHarness;

namespace Serverless.Backends.Local.Tests.Processes;

/// <summary>
/// A native C# function's artifact (<c>build.native</c>: an executable and <c>serverless-native.json</c>) is started
/// itself, in place of the C# runtime, with the same contract, in its sandbox or not. The executable here is the fake
/// runtime script under the manifest's entry name; the dotnet runtime command is one that cannot serve, so an
/// instance that answers was started from the artifact.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NativeArtifactTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Handler = "F::F.Handler::Handle";

    private readonly BackendHarness _harness = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EnsureAsync_NativeArtifact_TheEntryItselfServesWithTheContract(bool sandboxed)
    {
        var backend = Start(o => o.Sandbox.Enabled = sandboxed);
        WriteArtifact(RuntimeInformation.RuntimeIdentifier, Handler);

        await backend.EnsureAsync(Spec(), 1);
        await Poll.UntilAsync(() => backend.GetReadyEndpoints(Key).Count == 1, "ready");

        var endpoint = Assert.Single(backend.GetReadyEndpoints(Key));
        var reply = await _harness.Http.GetFromJsonAsync<FakeReply>($"http://{endpoint.Authority}/native");
        Assert.Equal(endpoint.Id, reply!.Instance);
        Assert.Equal("/native", reply.Path);
        Assert.Null(backend.GetStatus(Key)!.Failure);
    }

    [Theory]
    [InlineData("another machine", "linux-other", Handler, "the native function was compiled for linux-other")]
    [InlineData("another handler", null, "F::F.Handler::Other", "the native function was compiled for handler F::F.Handler::Other, but spec.handler is F::F.Handler::Handle")]
    [InlineData("entry missing", null, Handler, "serverless-native.json: entry \"serverless-function\" is not a file of the artifact")]
    [InlineData("entry not executable", null, Handler, "serverless-native.json: entry \"serverless-function\" is not executable")]
    public async Task EnsureAsync_NativeArtifactThatCannotRunHere_RuntimeUnavailableSayingWhy(string label, string? rid, string builtFor, string expected)
    {
        var backend = Start();
        WriteArtifact(rid ?? RuntimeInformation.RuntimeIdentifier, builtFor);
        var entry = Path.Combine(_harness.SourcePath, NativeFunctionManifest.DefaultEntry);
        switch (label)
        {
            case "entry missing":
                File.Delete(entry);
                break;
            case "entry not executable":
                File.SetUnixFileMode(entry, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                break;
        }

        await backend.EnsureAsync(Spec(), 1);

        var failure = backend.GetStatus(Key)!.Failure;
        Assert.NotNull(failure);
        Assert.Equal(WorkloadFailureReason.RuntimeUnavailable, failure.Reason);
        Assert.True(failure.Message.Contains(expected, StringComparison.Ordinal), $"{label}: {failure.Message}");
        Assert.Empty(backend.GetInstances(Key));
    }

    [Fact]
    public async Task ColdStart_NativeArtifactWithADotnetPool_OwnProcessThePoolUntouched()
    {
        // A generic C# instance cannot load a native function: the pool must not be asked for one.
        var specializations = 0;
        var backend = _harness.Start(o =>
        {
            o.Specialized = (_, _, _) => Interlocked.Increment(ref specializations);
            o.Sandbox.Enabled = false;
            o.PoolSize = 1;
            o.PooledRuntimes = new HashSet<string>(StringComparer.Ordinal) { "dotnet" };
            o.Runtimes["dotnet"] = new RuntimeCommand("python3", [FakeRuntime]);
        });
        await Poll.UntilAsync(() => backend.PoolIdle().GetValueOrDefault("dotnet") == 1, "pool of 1 idle");
        WriteArtifact(RuntimeInformation.RuntimeIdentifier, Handler);

        await backend.EnsureAsync(Spec(), 1);
        await Poll.UntilAsync(() => backend.GetReadyEndpoints(Key).Count == 1, "ready");

        Assert.Null(backend.GetStatus(Key)!.Failure);
        Assert.Equal(0, specializations);
        Assert.Equal(1, backend.PoolIdle()["dotnet"]);
        var instance = Assert.Single(backend.GetInstances(Key));
        Assert.EndsWith(NativeFunctionManifest.DefaultEntry, File.ReadAllText($"/proc/{instance.Pid}/cmdline").Split('\0')[1], StringComparison.Ordinal);
    }

    [Fact]
    public void NativeEntry_IlArtifactOrAnotherRuntime_NoEntryNoProblem()
    {
        WriteArtifact(RuntimeInformation.RuntimeIdentifier, Handler);
        var emptyDirectory = Directory.CreateDirectory(Path.Combine(_harness.TempPath, "il")).FullName;

        var il = InstanceStarter.NativeEntry(Spec(), emptyDirectory, out var ilProblem);
        var python = InstanceStarter.NativeEntry(Spec() with { Runtime = "python" }, _harness.SourcePath, out var pythonProblem);
        var native = InstanceStarter.NativeEntry(Spec(), _harness.SourcePath, out var nativeProblem);

        Assert.Equal((null, null), (il, ilProblem));
        Assert.Equal((null, null), (python, pythonProblem)); // the manifest means nothing to another runtime
        Assert.Equal((NativeFunctionManifest.DefaultEntry, null), (native, nativeProblem));
    }

    /// <summary>The harness's backend with a "dotnet" runtime that exits at once: only the artifact's entry can serve.</summary>
    private LocalProcessBackend Start(Action<LocalBackendOptions>? configure = null) =>
        _harness.Start(o =>
        {
            o.Runtimes["dotnet"] = new RuntimeCommand("false", []);
            configure?.Invoke(o);
        });

    private WorkloadSpec Spec() => _harness.Spec() with { Runtime = "dotnet", Handler = Handler };

    private void WriteArtifact(string rid, string handler)
    {
        var entry = Path.Combine(_harness.SourcePath, NativeFunctionManifest.DefaultEntry);
        File.Copy(FakeRuntime, entry, overwrite: true);
        File.SetUnixFileMode(entry, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.WriteAllText(
            Path.Combine(_harness.SourcePath, NativeFunctionManifest.FileName),
            new NativeFunctionManifest(NativeFunctionManifest.DefaultEntry, rid, handler).ToJson());
    }
}
