using System.Net;
using System.Net.Sockets;
using Serverless.Cli.Platform;
using Serverless.Cli.Targets.Local;
using Serverless.Cli.Tests.Fakes;
using Serverless.Core.Contracts;
using static Serverless.Cli.Tests.Fakes.TestFunctions;

namespace Serverless.Cli.Tests.Targets.Local;

public sealed class AdminClientTests : IAsyncLifetime
{
    private readonly SocketsHttpHandler _handler = new();
    private FakeAdminApi _api = null!;

    public async Task InitializeAsync() => _api = await FakeAdminApi.StartAsync();

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _handler.Dispose();
    }

    [Fact]
    public async Task CreateAsync_Invalid_ThrowsWithReasonAndEveryFieldError()
    {
        _api.Validate = f => FakeAdminApi.Status(422, "Invalid", "Function.serverless.dev \"f\" is invalid", "f", ("spec.scale.maxScale", "must be >= 0"), ("spec.runtime", "unsupported"));

        var ex = await Assert.ThrowsAsync<AdminApiException>(() => Client().CreateAsync(Function("f"), default));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, ex.StatusCode);
        Assert.Equal(StatusReasons.Invalid, ex.Reason);
        Assert.Equal("Function.serverless.dev \"f\" is invalid", ex.Message);
        Assert.Equal(["spec.scale.maxScale: must be >= 0", "spec.runtime: unsupported"], ex.FieldErrors);
    }

    [Fact]
    public async Task GetAsync_ServerErrorWithoutStatusBody_ReportsCodeBodyAndWhereToLook()
    {
        _api.FailAdminWith = 502;

        var ex = await Assert.ThrowsAsync<AdminApiException>(() => Client().GetAsync("default", "f", default));

        Assert.Equal((HttpStatusCode.BadGateway, null), (ex.StatusCode, ex.Reason));
        Assert.Equal("the admin API answered 502 Bad Gateway: upstream exploded", ex.Message);
        Assert.Equal("the platform failed to handle the request: see /h/logs/platform.log", ex.Hint);
    }

    [Fact]
    public async Task CreateAndReplace_Writes_AskForStrictFieldValidation()
    {
        var created = await Client().CreateAsync(Function("strict"), default);
        await Client().ReplaceAsync(created, default);
        await Client().GetAsync("default", "strict", default);

        Assert.Single(_api.Requests, r => r.Method == "POST" && r.Path == "/apis/serverless.dev/v1alpha1/namespaces/default/functions?fieldValidation=Strict");
        Assert.Single(_api.Requests, r => r.Method == "PUT" && r.Path == "/apis/serverless.dev/v1alpha1/namespaces/default/functions/strict?fieldValidation=Strict");
        Assert.Single(_api.Requests, r => r.Method == "GET" && r.Path == "/apis/serverless.dev/v1alpha1/namespaces/default/functions/strict");
    }

    [Fact]
    public async Task CreateAsync_Exists_AlreadyExistsKind()
    {
        _api.Seed(Function("f"));

        var ex = await Assert.ThrowsAsync<AdminApiException>(() => Client().CreateAsync(Function("f"), default));

        Assert.Equal(StoreErrorKind.AlreadyExists, AdminApiException.KindOf(ex));
    }

    [Fact]
    public async Task GetAsync_Missing_NotFoundWithServerMessage()
    {
        var ex = await Assert.ThrowsAsync<AdminApiException>(() => Client().GetAsync("default", "nope", default));

        Assert.Equal((HttpStatusCode.NotFound, StatusReasons.NotFound), (ex.StatusCode, ex.Reason));
        Assert.Equal("functions.serverless.dev \"nope\" not found", ex.Message);
    }

    [Fact]
    public async Task ListAsync_NamespaceOrAll_UsesKubernetesPaths()
    {
        _api.Seed(Function("a"));
        _api.Seed(Function("b", InNamespace("other")));

        var one = await Client().ListAsync("default", default);
        var all = await Client().ListAsync(null, default);

        Assert.Equal(["a"], one.Select(f => f.Metadata.Name));
        Assert.Equal(["a", "b"], all.Select(f => f.Metadata.Name));
        Assert.Contains(_api.Requests, r => r.Path == "/apis/serverless.dev/v1alpha1/namespaces/default/functions");
        Assert.Contains(_api.Requests, r => r.Path == "/apis/serverless.dev/v1alpha1/functions");
    }

    [Fact]
    public async Task ListAsync_ConnectionRefused_PlatformNotRunning()
    {
        using var client = new HttpClient(_handler, disposeHandler: false) { BaseAddress = new Uri($"http://127.0.0.1:{ClosedPort()}/") };

        var ex = await Assert.ThrowsAsync<PlatformNotRunningException>(() => new AdminClient(client).ListAsync("default", default));

        Assert.Equal("the local platform is not running: run `func up`", ex.Message);
        Assert.Contains("refused the connection", ex.Details.Single(), StringComparison.Ordinal);
    }

    private AdminClient Client() =>
        new(new HttpClient(_handler, disposeHandler: false) { BaseAddress = _api.Url }, "/h/logs/platform.log");

    /// <summary>A loopback port nothing listens on: bound, read, released.</summary>
    internal static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
