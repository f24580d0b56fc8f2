using System.Net;
using System.Text;
using Serverless.Core.Serialization;
using Serverless.Platform.Tests.Admin;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.State;

/// <summary>Nothing the platform keeps is readable by other users: the state directory, databases, logs, token and artifacts.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileModeTests
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnly = OwnerReadWrite | UnixFileMode.UserExecute;

    [Fact]
    public async Task Platform_NewHome_EverythingItWritesIsPrivate()
    {
        using var parent = new TempDirectory("serverless-modes");
        var home = Path.Combine(parent.Path, "new", "home");
        await using var platform = await PlatformProcess.StartAsync(home);
        using var admin = platform.CreateAdminClient();
        using var ingress = new HttpClient { BaseAddress = new Uri(platform.IngressUrl), Timeout = TimeSpan.FromSeconds(60) };
        var function = AdminApiTests.DotnetFunction("modes", "DotnetTest::DotnetTest.Handlers::Echo");
        using (var created = await admin.PostAsync(
            "apis/serverless.dev/v1alpha1/namespaces/default/functions", new StringContent(ResourceJson.Serialize(function), Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using (var response = await Ingress.GetOnceRoutedAsync(ingress, "/default/modes/hello"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode); // an instance ran, so it has a log
        }

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(home));
        foreach (var file in new[] { "state.db", "state.db-wal", "state.db-shm", "events.db", "events.db-wal", "events.db-shm", "admin-token" })
        {
            Assert.True(File.Exists(Path.Combine(home, file)), file + " exists");
            Assert.True(File.GetUnixFileMode(Path.Combine(home, file)) == OwnerReadWrite, $"{file}: {File.GetUnixFileMode(Path.Combine(home, file))}");
        }

        var logs = Directory.GetFiles(Path.Combine(home, "logs"), "*.log", SearchOption.AllDirectories);
        Assert.NotEmpty(logs);
        Assert.All(logs, log => Assert.True(File.GetUnixFileMode(log) == OwnerReadWrite, $"{log}: {File.GetUnixFileMode(log)}"));
        Assert.Equal(
            Environment.IsPrivilegedProcess ? OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.SetGroup : OwnerOnly,
            File.GetUnixFileMode(Path.Combine(home, "artifacts")));
    }

    [Fact]
    public async Task Platform_LooseHomeAndDatabase_TightenedWithALogLine()
    {
        using var home = new TempDirectory("serverless-modes");
        File.SetUnixFileMode(home.Path, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var database = Path.Combine(home.Path, "state.db");
        File.WriteAllBytes(database, []); // an empty file is an empty SQLite database, as an older version left it
        File.SetUnixFileMode(database, OwnerReadWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await using var platform = await PlatformProcess.StartAsync(home.Path);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(home.Path));
        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(database));
        Assert.Contains($"State directory {home.Path} had mode 755: changed to 700", platform.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Platform_SharedStickyHome_RefusesToStart()
    {
        using var home = new TempDirectory("serverless-modes");
        File.SetUnixFileMode(home.Path, (UnixFileMode)0b1_111_111_111); // 1777, as /tmp

        var result = await ProcessRunner.RunAsync(
            "dotnet",
            [RepoPaths.Built("platform", "Serverless.Platform.dll"), "--home", home.Path, "--ingress", "127.0.0.1:0", "--admin", "127.0.0.1:0"],
            timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"state directory {home.Path} is shared (mode 1777, sticky)", result.StdErr, StringComparison.Ordinal);
        Assert.Equal((UnixFileMode)0b1_111_111_111, File.GetUnixFileMode(home.Path));
    }
}
