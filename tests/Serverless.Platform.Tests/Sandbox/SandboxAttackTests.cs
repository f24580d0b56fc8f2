using System.Text.Json.Serialization;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Sandbox;

/// <summary>
/// The attacks of issue #13, each by a deployed Python function against a platform started as the README says.
/// Every attempt must fail, and the assertions read the function's own report of how it failed.
/// </summary>
public sealed class SandboxAttackTests(SandboxPlatformFixture fixture) : IClassFixture<SandboxPlatformFixture>
{
    [Fact]
    public async Task Function_ReadsTheStateDatabase_NoSuchFile()
    {
        var attempt = await fixture.AttackAsync<Attempt>(Query("/read", Path.Combine(fixture.Home, "state.db")));

        Assert.False(attempt.Ok);
        Assert.StartsWith("FileNotFoundError: [Errno 2] No such file or directory", attempt.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Function_ReadsTheAdminTokenAndEveryOtherStateFile_NoneVisible()
    {
        // Whatever the platform keeps there (database, token, logs, platform.json, artifacts): not one file.
        var files = Directory.EnumerateFiles(fixture.Home, "*", SearchOption.AllDirectories).ToList();
        Assert.Contains(Path.Combine(fixture.Home, "admin-token"), files);
        Assert.Contains(Path.Combine(fixture.Home, "platform.json"), files);

        foreach (var file in files.Prepend(fixture.Home))
        {
            var attempt = await fixture.AttackAsync<Attempt>(Query("/read", file));
            Assert.False(attempt.Ok, $"{file} was readable");
            Assert.StartsWith("FileNotFoundError", attempt.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Function_ReadsAnotherFunctionsFiles_NoSuchFile()
    {
        var secret = await fixture.AttackAsync<Attempt>(Query("/read", Path.Combine(fixture.VictimArtifact, "secret.txt")));
        var logs = await fixture.AttackAsync<Attempt>(Query("/read", Path.Combine(fixture.Home, "logs", "default", "victim")));

        Assert.False(secret.Ok);
        Assert.StartsWith("FileNotFoundError", secret.Error, StringComparison.Ordinal);
        Assert.False(logs.Ok);
        Assert.StartsWith("FileNotFoundError", logs.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Function_ReadsItsParentsEnvironment_DeniedAndNoSecretAnywhere()
    {
        var parent = await fixture.AttackAsync<Attempt>("/parent-environ");
        var scan = await fixture.AttackAsync<EnvironScan>(
            $"/environ-scan?needle={SandboxPlatformFixture.AdminToken}&needle={SandboxPlatformFixture.CloudSecret}");
        var own = await fixture.AttackAsync<string[]>("/env");

        // Its parent is the sandbox's init, PID 1 of a namespace holding nothing of the platform's.
        Assert.Equal(1, parent.ParentPid);
        Assert.False(parent.Ok);
        Assert.StartsWith("PermissionError", parent.Error, StringComparison.Ordinal);
        Assert.Empty(scan.Leaks);
        Assert.True(scan.Processes <= 3, $"the function sees {scan.Processes} processes");
        Assert.DoesNotContain(own, name => name.StartsWith("SERVERLESS_", StringComparison.Ordinal));
        Assert.DoesNotContain("AWS_SECRET_ACCESS_KEY", own);
    }

    [Fact]
    public async Task Function_WritesAnotherFunctionsArtifact_FailsAndTheVictimIsUntouched()
    {
        var victimMain = Path.Combine(fixture.VictimArtifact, "main.py");
        var before = await File.ReadAllTextAsync(victimMain);

        var foreign = await fixture.AttackAsync<Attempt>(Query("/write", victimMain));
        var own = await fixture.AttackAsync<Attempt>(Query("/write", Path.Combine(SandboxPlatformFixture.ProbeSource, "main.py")));

        Assert.False(foreign.Ok);
        Assert.StartsWith("FileNotFoundError", foreign.Error, StringComparison.Ordinal);
        // Its own artifact: not its uid's to write (as root the platform owns the files), and read-only anyway.
        Assert.False(own.Ok);
        Assert.Matches("^(PermissionError: \\[Errno 13\\]|OSError: \\[Errno 30\\] Read-only file system)", own.Error);
        Assert.Equal(before, await File.ReadAllTextAsync(victimMain));
    }

    [Fact]
    public async Task Function_Identity_UnprivilegedWithAPrivateHome()
    {
        var identity = await fixture.AttackAsync<Identity>("/whoami");

        if (Environment.UserName == "root")
        {
            Assert.Equal(65532, identity.Uid);
            Assert.Equal(65532, identity.Gid);
            Assert.Empty(identity.Groups); // no supplementary group, root's least of all
        }

        Assert.Equal("/home/function", identity.Home);
        Assert.Equal(SandboxPlatformFixture.ProbeSource, identity.Cwd);
    }

    private static string Query(string path, string target) => path + "?path=" + Uri.EscapeDataString(target);

    private sealed record EnvironScan(
        [property: JsonPropertyName("leaks")] string[] Leaks,
        [property: JsonPropertyName("unreadable")] int Unreadable,
        [property: JsonPropertyName("processes")] int Processes);

    private sealed record Identity(
        [property: JsonPropertyName("uid")] int Uid,
        [property: JsonPropertyName("gid")] int Gid,
        [property: JsonPropertyName("groups")] int[] Groups,
        [property: JsonPropertyName("home")] string Home,
        [property: JsonPropertyName("cwd")] string Cwd);
}
