using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Platform.Admin;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Admin;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AdminCredentialTests : IDisposable
{
    private readonly TempDirectory _home = new("serverless-credential");

    private string TokenFile => Path.Combine(_home.Path, "admin-token");

    public void Dispose() => _home.Dispose();

    [Fact]
    public void LoadOrCreate_NoFile_GeneratesAnOwnerOnlyFileAndReusesIt()
    {
        using var other = new TempDirectory("serverless-credential");
        var first = AdminCredential.LoadOrCreate(_home.Path, null, NullLogger.Instance);
        var second = AdminCredential.LoadOrCreate(_home.Path, null, NullLogger.Instance);

        Assert.Equal(TokenFile, first.FilePath);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(TokenFile));
        Assert.Equal(first.Token, File.ReadAllText(TokenFile).Trim());
        Assert.Equal(first.Token, second.Token);
        Assert.NotEqual(first.Token, AdminCredential.LoadOrCreate(other.Path, null, NullLogger.Instance).Token);
    }

    [Fact]
    public void LoadOrCreate_LooseFile_TightenedTo0600()
    {
        File.WriteAllText(TokenFile, "mine\n");
        File.SetUnixFileMode(TokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var credential = AdminCredential.LoadOrCreate(_home.Path, null, NullLogger.Instance);

        Assert.Equal("mine", credential.Token);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(TokenFile));
    }

    [Fact]
    public void LoadOrCreate_BlankFile_Regenerated()
    {
        File.WriteAllText(TokenFile, "\n");

        var credential = AdminCredential.LoadOrCreate(_home.Path, null, NullLogger.Instance);

        Assert.Equal(43, credential.Token.Length);
        Assert.Equal(credential.Token, File.ReadAllText(TokenFile).Trim());
    }

    [Fact]
    public void LoadOrCreate_Override_UsedAndNoFileWritten()
    {
        var credential = AdminCredential.LoadOrCreate(_home.Path, "s3cret", NullLogger.Instance);

        Assert.Equal("s3cret", credential.Token);
        Assert.Equal("$SERVERLESS_ADMIN_TOKEN", credential.Source);
        Assert.False(File.Exists(TokenFile));
    }

    [Theory]
    [InlineData("s3cret", true)]
    [InlineData("s3cre", false)]
    [InlineData("s3cret ", false)]
    [InlineData("", false)]
    [InlineData("S3CRET", false)]
    public void Matches_Presented_OnlyTheExactToken(string presented, bool expected)
    {
        var credential = AdminCredential.LoadOrCreate(_home.Path, "s3cret", NullLogger.Instance);

        Assert.Equal(expected, credential.Matches(presented));
    }
}
