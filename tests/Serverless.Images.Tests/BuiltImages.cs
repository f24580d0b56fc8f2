using System.Diagnostics;
using Serverless.TestSupport;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Serverless.Images.Tests;

/// <summary>
/// The four images as <c>scripts/publish-images</c> writes them (it rebuilds only what changed; <c>./test</c> runs it
/// before the suites), loaded from their archives into the tests' podman storage, and removed from it at the end
/// together with every container the tests left.
/// </summary>
public sealed class BuiltImages : IAsyncLifetime
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(30);
    private readonly IMessageSink _diagnostics;
    private Podman? _podman;

    public BuiltImages(IMessageSink diagnostics)
    {
        _diagnostics = diagnostics;
    }

    internal Podman Podman => _podman ?? throw new InvalidOperationException("the images are not loaded");

    internal static string ImagesDirectory => Path.Combine(RepoPaths.Out, "images");

    public async Task InitializeAsync()
    {
        var started = Stopwatch.StartNew();
        // The tools come from Debian packages (apt when missing, as root); the images need no Docker and no registry.
        await ScriptAsync("image-tools", ["run"], TimeSpan.FromMinutes(10));
        await ScriptAsync("publish-images", [], BuildTimeout);
        var built = started.Elapsed;

        _podman = await Podman.OpenAsync(Path.Combine(ImagesDirectory, ".podman"));
        await RemoveLeftoversAsync();
        foreach (var image in ImageNames.All)
        {
            var loaded = await Podman.CheckedAsync(["load", "--quiet", "--input", ImageNames.Archive(ImagesDirectory, image)], TimeSpan.FromMinutes(5));
            // The archive names its image: what the manifests and the controller pull is what was built.
            Assert.Contains(ImageNames.Reference(image), loaded, StringComparison.Ordinal);
        }

        _diagnostics.OnMessage(new DiagnosticMessage(
            $"images: publish-images {built.TotalSeconds:0.0} s, load {(started.Elapsed - built).TotalSeconds:0.0} s, podman storage {Podman.Driver}"));
    }

    public async Task DisposeAsync()
    {
        if (_podman is not null)
        {
            await RemoveLeftoversAsync();
            await _podman.RunAsync(["rmi", "--force", .. ImageNames.All.Select(ImageNames.Reference)], TimeSpan.FromMinutes(2));
        }
    }

    /// <summary>Containers of an earlier run that was killed before its cleanup (the storage is the tests' own).</summary>
    private Task RemoveLeftoversAsync() => Podman.RunAsync(["rm", "--all", "--force", "--time", "0"], TimeSpan.FromMinutes(2));

    private static async Task ScriptAsync(string script, string[] arguments, TimeSpan timeout)
    {
        // Without the test run's MSBuild and test-host state, which would leak into the script's dotnet publish.
        var environment = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(key => key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || key.Equals("DOTNET_STARTUP_HOOKS", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(key => key, _ => (string?)null);
        var result = await ProcessRunner.RunAsync(Path.Combine(RepoPaths.Root, "scripts", script), arguments, environment, timeout: timeout);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/{script} {string.Join(' ', arguments)} failed: {result}");
        }
    }
}
