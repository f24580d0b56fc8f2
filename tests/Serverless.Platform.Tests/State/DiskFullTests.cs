using System.Net;
using System.Text;
using k8s.Models;
using Serverless.Core.Api;
using Serverless.Core.Serialization;
using Serverless.Platform.Tests.Admin;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.State;

/// <summary>The real platform with its state on a small tmpfs that is then filled (root mounts it, as CI runs).</summary>
public sealed class DiskFullTests
{
    private const string Functions = "/apis/serverless.dev/v1alpha1/namespaces/default/functions";

    // Issue #14 item 5: the admin API answered a write on a full disk with 500 and an empty body.
    [Fact]
    public async Task Create_DiskFull_507StatusThenStoredOnceSpaceIsBack()
    {
        await using var disk = await SmallFileSystem.MountAsync("24m");
        var home = Path.Combine(disk.Path, "home");
        await using var platform = await PlatformProcess.StartAsync(home);
        using var admin = platform.CreateAdminClient();
        var filler = disk.Fill();

        using (var refused = await admin.PostAsync(Functions, Body(Large("full"))))
        {
            var text = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.InsufficientStorage, $"{(int)refused.StatusCode}: {text}\n{platform.Output}");
            var status = ResourceJson.Deserialize<V1Status>(text);
            Assert.Equal("InsufficientStorage", status.Reason);
            Assert.Contains("was not stored", status.Message, StringComparison.Ordinal);
        }

        File.Delete(filler);
        using (var stored = await admin.PostAsync(Functions, Body(Large("full"))))
        {
            Assert.True(stored.StatusCode == HttpStatusCode.Created, $"{(int)stored.StatusCode}: {await stored.Content.ReadAsStringAsync()}\n{platform.Output}");
        }

        Assert.False(platform.HasExited);
    }

    /// <summary>A Function of about 1.2 MB (40 env values of 30 000 characters): it cannot fit in pages SQLite already has.</summary>
    private static Function Large(string name)
    {
        var function = AdminApiTests.NodeFunction(name);
        function.Spec.Env = [.. Enumerable.Range(0, 40).Select(i => new EnvVar { Name = "V" + i, Value = new string('x', 30_000) })];
        return function;
    }

    private static StringContent Body(Function function) => new(ResourceJson.Serialize(function), Encoding.UTF8, "application/json");
}
