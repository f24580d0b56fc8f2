using Serverless.Cli.Platform;
using Serverless.TestSupport;

namespace Serverless.Cli.Tests.Platform;

public sealed class PlatformStateFileTests
{
    [Fact]
    public void Parse_ContractExample_ReadsEveryField()
    {
        var read = PlatformStateFile.Parse(
            """{"pid": 123, "adminUrl": "http://127.0.0.1:8081", "ingressUrl": "http://127.0.0.1:8080", "home": "/root/.serverless", "startedAt": "2026-01-02T03:04:05Z"}""",
            "platform.json");

        var state = Assert.IsType<PlatformState>(read.State);
        Assert.Null(read.Problem);
        Assert.Equal(123, state.Pid);
        Assert.Equal(new Uri("http://127.0.0.1:8081"), state.AdminUri);
        Assert.Equal(new Uri("http://127.0.0.1:8080"), state.IngressUri);
        Assert.Equal("/root/.serverless", state.Home);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), state.StartedAt);
    }

    [Theory]
    [InlineData("truncated write", """{"pid": 12""", "is not valid JSON")]
    [InlineData("null", "null", "holds null")]
    [InlineData("no pid", """{"adminUrl": "http://a:1", "ingressUrl": "http://a:2"}""", "pid must be a positive process id")]
    [InlineData("relative admin URL", """{"pid": 1, "adminUrl": "/admin", "ingressUrl": "http://a:2"}""", "adminUrl must be an absolute http(s) URL")]
    [InlineData("non-http ingress", """{"pid": 1, "adminUrl": "http://a:1", "ingressUrl": "file:///etc"}""", "ingressUrl must be an absolute http(s) URL")]
    public void Parse_Invalid_ReportsProblemInsteadOfState(string label, string json, string expected)
    {
        var read = PlatformStateFile.Parse(json, "platform.json");

        Assert.Null(read.State);
        Assert.True(read.Problem?.Contains(expected, StringComparison.Ordinal), $"{label}: {read.Problem}");
    }

    [Fact]
    public void Read_NoFile_IsMissing()
    {
        using var home = new TempDirectory();

        Assert.True(PlatformStateFile.Read(Path.Combine(home.Path, "not-created")).IsMissing);
    }
}
