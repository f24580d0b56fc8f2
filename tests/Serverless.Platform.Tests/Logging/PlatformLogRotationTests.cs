using System.Net;
using System.Text;
using Serverless.Core.Serialization;
using Serverless.Platform.Tests.Admin;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Logging;

/// <summary>The detached platform's log (<c>--log-file</c>, as <c>func up --detach</c> starts it) stays under its bound.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PlatformLogRotationTests
{
    private const int Bound = 4096;
    private const string Functions = "/apis/serverless.dev/v1alpha1/namespaces/default/functions";

    // Issue #14 item 4: every failed request added a line to platform.log, which was never rotated (11 MiB for 4,053 requests).
    [Fact]
    public async Task LogFile_OutputPastTheBound_RotatedToDotOneAndKeptBounded()
    {
        using var home = new TempDirectory("serverless-platformlog");
        var log = Path.Combine(home.Path, "logs", "platform.log");
        var rotated = log + ".1";

        // A 1 KiB queue budget: each 2 KiB request is refused with 413 and one "not forwarded" line, starting no instance.
        await File.WriteAllTextAsync(
            Path.Combine(home.Path, "config.json"),
            $$$"""{"local": {"log-max-bytes": "{{{Bound}}}"}, "activator": {"queue-max-bytes": "1Ki"}}""");
        await using var platform = await PlatformProcess.StartAsync(home.Path, arguments: ["--log-file", log]);
        using var admin = platform.CreateAdminClient();
        using (var created = await admin.PostAsync(Functions, new StringContent(ResourceJson.Serialize(AdminApiTests.NodeFunction("noisy")), Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        async Task RefuseAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                using var response = await client.PostAsync($"{platform.IngressUrl}/default/noisy/", new ByteArrayContent(new byte[2048]));
                Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            }
        }

        await RefuseAsync(60); // about 9 KB of log lines: past the bound
        var first = await WaitForAsync(() => File.Exists(rotated) && File.ReadAllText(log).Contains("was rotated", StringComparison.Ordinal));
        Assert.True(first, $"no rotation: {Describe(log)}");
        Assert.True(await WaitForAsync(() => File.ReadAllText(rotated).Contains("not forwarded", StringComparison.Ordinal)), Describe(log));

        // The pipe the platform was started with gets nothing more: its output is the file.
        Assert.DoesNotContain("not forwarded", platform.Output, StringComparison.Ordinal);

        // The fresh file passes the bound in turn: platform.log.1 is then a newer file than the one seen above.
        var firstRotated = ReadOrEmpty(rotated);
        await RefuseAsync(60);
        var second = await WaitForAsync(() => new FileInfo(log).Length < Bound && ReadOrEmpty(rotated) is var now && now != firstRotated && now.Contains("not forwarded", StringComparison.Ordinal));
        Assert.True(second, $"not rotated again: {Describe(log)}");

        // One file kept, which passed the bound by one line at most: the log takes under twice the bound whatever the traffic.
        Assert.Equal(["platform.log", "platform.log.1"], Directory.GetFiles(Path.GetDirectoryName(log)!).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.True(new FileInfo(rotated).Length < Bound + 1024, Describe(log));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(log));
        Assert.False(platform.HasExited);
    }

    [Fact]
    public async Task LogFile_RemovedWhileRunning_OpenedAgain()
    {
        using var home = new TempDirectory("serverless-platformlog");
        var log = Path.Combine(home.Path, "logs", "platform.log");
        await using var platform = await PlatformProcess.StartAsync(home.Path, arguments: ["--log-file", log]);
        Assert.True(await WaitForAsync(() => File.ReadAllText(log).Contains("Serverless is ready", StringComparison.Ordinal)), Describe(log));

        File.Delete(log);

        Assert.True(await WaitForAsync(() => File.Exists(log)), "platform.log was not opened again");
        Assert.Equal(0, await platform.StopAsync());
        Assert.Contains("Stopping: draining function instances", File.ReadAllText(log), StringComparison.Ordinal);
    }

    /// <summary>Polls <paramref name="condition"/> for up to 15 s; a read that meets the rename of a rotation counts as "not yet".</summary>
    private static async Task<bool> WaitForAsync(Func<bool> condition)
    {
        bool Holds()
        {
            try
            {
                return condition();
            }
            catch (FileNotFoundException)
            {
                // Between the rename to .1 and the fresh file's creation the path is briefly absent, as with any rotation.
                return false;
            }
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (Holds())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return Holds();
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (FileNotFoundException)
        {
            return "";
        }
    }

    private static string Describe(string log) =>
        string.Join("; ", Directory.GetFiles(Path.GetDirectoryName(log)!).Select(f => $"{Path.GetFileName(f)}: {new FileInfo(f).Length} bytes"));
}
