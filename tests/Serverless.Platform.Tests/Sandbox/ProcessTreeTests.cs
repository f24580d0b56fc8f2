using System.Net;
using Serverless.Platform.Tests.Limits;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Sandbox;

/// <summary>A function's child that starts its own session does not outlive the function, on delete or on shutdown.</summary>
public sealed class ProcessTreeTests
{
    [Theory]
    [InlineData("delete")]
    [InlineData("down")]
    public async Task ChildInASessionOfItsOwn_GoneAfterDeleteOrDown(string how)
    {
        await using var platform = await LimitsPlatform.StartAsync();
        using (var created = await platform.CreateAsync(LimitsPlatform.Python("escaper", LimitsPlatform.TestFunction("sandbox-probe"))))
        {
            LimitsPlatform.AssertStatus(HttpStatusCode.Created, created, await LimitsPlatform.BodyAsync(created));
        }

        var tag = "4343." + Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using (var escaped = await Serverless.TestSupport.Ingress.GetOnceRoutedAsync(platform.Ingress, "/default/escaper/escape?path=" + tag))
        {
            Assert.Equal(HttpStatusCode.OK, escaped.StatusCode);
        }

        var sleeper = await FindAsync(tag);
        Assert.NotNull(sleeper);

        if (how == "delete")
        {
            using var deleted = await platform.DeleteAsync("escaper");
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }
        else
        {
            Assert.Equal(0, await platform.Platform.StopAsync(TimeSpan.FromSeconds(30)));
        }

        Assert.Empty(await ProcessTree.WaitForExitAsync([sleeper.Value], TimeSpan.FromSeconds(20)));
    }

    /// <summary>The pid of <c>sleep {tag}</c>, found by its command line (bounded wait).</summary>
    private static async Task<int?> FindAsync(string tag)
    {
        var wanted = "sleep\0" + tag + "\0";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var directory in Directory.EnumerateDirectories("/proc"))
            {
                try
                {
                    if (int.TryParse(Path.GetFileName(directory), out var pid) && File.ReadAllText(Path.Combine(directory, "cmdline")) == wanted)
                    {
                        return pid;
                    }
                }
                catch (IOException)
                {
                }
            }

            await Task.Delay(50);
        }

        return null;
    }
}
