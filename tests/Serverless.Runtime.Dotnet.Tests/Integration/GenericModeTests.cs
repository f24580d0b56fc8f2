using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Serverless.Runtime.Dotnet.Specialization;
using Serverless.Runtime.Dotnet.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Runtime.Dotnet.Tests.Integration;

/// <summary>
/// Generic mode (runtimes/README.md "Specialization") against the real runtime process: started with no function,
/// specialized through <c>POST /specialize</c> on the platform port.
/// </summary>
public sealed class GenericModeTests
{
    private const string Token = "0123456789abcdef";

    [Fact]
    public async Task Generic_BeforeSpecialization_HealthyNotReady_Invocations503_ListeningLine()
    {
        await using var runtime = await StartGenericAsync();

        using var invocation = await runtime.Client.GetAsync("anything");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, invocation.StatusCode);
        Assert.Equal("1", invocation.Headers.RetryAfter?.ToString());
        Assert.Equal("application/problem+json", invocation.Content.Headers.ContentType?.MediaType);
        using var readyz = await runtime.Platform.GetAsync("readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyz.StatusCode);
        Assert.Equal("generic", await readyz.Content.ReadAsStringAsync());
        Assert.Contains("generic, waiting for POST /specialize, listening on", runtime.StandardOutput, StringComparison.Ordinal);

        // On PORT a specialization is an invocation like any other: never a way in from the ingress.
        using var onPublicPort = await runtime.Client.SendAsync(SpecializeRequest(Body("DotnetTest::DotnetTest.Handlers::Echo")));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, onPublicPort.StatusCode);
    }

    [Fact]
    public async Task Generic_WarmsItselfUpOverLoopback_BeforeHealthy_AndStaysGeneric()
    {
        await using var runtime = await StartGenericAsync();

        // Healthy only once warm: the line (printed right after) reports the answers its own requests got, through the
        // real listener: the specialization refused before anything changed, the invocation as any before specialization.
        using (var deadline = new CancellationTokenSource(RuntimeInstance.StartupBound))
        {
            while (!runtime.StandardOutput.Contains("listening on", StringComparison.Ordinal))
            {
                await Task.Delay(RuntimeInstance.PollInterval, deadline.Token);
            }
        }

        Assert.Contains($"loopback {LoopbackWarmUp.ExpectedSpecializeStatus}/{LoopbackWarmUp.ExpectedInvocationStatus},", runtime.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("specialized", runtime.StandardOutput, StringComparison.Ordinal);

        // Still generic and untouched: the real specialization succeeds and the warm-up's env never reached the process.
        using (var specialized = await runtime.Platform.SendAsync(SpecializeRequest(Body("DotnetTest::DotnetTest.Settings::Read"))))
        {
            Assert.Equal(HttpStatusCode.OK, specialized.StatusCode);
        }

        Assert.Equal("(unset)", await runtime.Client.GetStringAsync("?key=K_SERVICE"));
        var samples = await runtime.ScrapeAsync();
        Assert.Equal(1, samples.Value("serverless_runtime_requests_total", ("code", "200")));
    }

    [Fact]
    public async Task Specialize_WithTheToken_LoadsTheFunctionWithItsEnv_OnceOnly()
    {
        await using var runtime = await StartGenericAsync();
        var body = Body("DotnetTest::DotnetTest.Settings::Read", ("GREETING", "hi"), ("K_SERVICE", "settings"), ("FUNCTION_NAMESPACE", "default"), ("PORT", "1"));

        using (var noToken = await runtime.Platform.SendAsync(SpecializeRequest(body, token: null)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        }

        using (var wrongToken = await runtime.Platform.SendAsync(SpecializeRequest(body, token: "wrong")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrongToken.StatusCode);
        }

        using (var specialized = await runtime.Platform.SendAsync(SpecializeRequest(body)))
        {
            Assert.Equal(HttpStatusCode.OK, specialized.StatusCode);
            Assert.Equal("specialized as DotnetTest::DotnetTest.Settings::Read", await specialized.Content.ReadAsStringAsync());
        }

        // Ready at once, serving the function with its env through IConfiguration; the mode's variables are gone.
        using (var readyz = await runtime.Platform.GetAsync("readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, readyz.StatusCode);
        }

        Assert.Equal("hi", await runtime.Client.GetStringAsync("?key=GREETING"));
        Assert.Equal("(unset)", await runtime.Client.GetStringAsync("?key=SPECIALIZE_TOKEN"));
        Assert.Equal("(unset)", await runtime.Client.GetStringAsync("?key=FUNCTION_GENERIC"));
        var samples = await runtime.ScrapeAsync();
        Assert.Equal(3, samples.Value("serverless_runtime_requests_total", ("namespace", "default"), ("function", "settings"), ("code", "200")));

        using var again = await runtime.Platform.SendAsync(SpecializeRequest(Body("DotnetTest::DotnetTest.Handlers::Echo")));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Specialize_LocaleInEnv_ReachesManagedCodeOnly_WhileAProcessStartedWithItRunsInIt()
    {
        // Why a pool must not serve a C# function whose env sets the locale (core StartupVariables): a specialization
        // applies env with Environment.SetEnvironmentVariable, which on Unix changes .NET's managed copy only, and ICU
        // takes the default culture from the native environment. A process started with the same env runs in it.
        (string, string)[] german = [("LANG", "de_DE.UTF-8"), ("LC_ALL", "de_DE.UTF-8")];
        await using (var started = await RuntimeProcess.StartTestHandlerReadyAsync("Culture", german))
        {
            Assert.Equal("de-DE 1.234,5", await started.Client.GetStringAsync(""));
        }

        await using var runtime = await StartGenericAsync();
        using (var specialized = await runtime.Platform.SendAsync(SpecializeRequest(Body("DotnetTest::DotnetTest.Handlers::Culture", german))))
        {
            Assert.Equal(HttpStatusCode.OK, specialized.StatusCode);
        }

        Assert.NotEqual("de-DE 1.234,5", await runtime.Client.GetStringAsync(""));
    }

    [Theory]
    [InlineData("bad handler", "DotnetTest::DotnetTest.Handlers::Nope", "", 422, "method \"Nope\" not found")]
    [InlineData("bad setting", "DotnetTest::DotnetTest.Handlers::Echo", "soon", 422, "FUNCTION_TIMEOUT = \"soon\", must be an integer in 1..86400")]
    [InlineData("no handler", "", "", 400, "handler: a non-empty string is required")]
    public async Task Specialize_Refused_AnswersWhy_AndStaysGeneric(string label, string handler, string timeout, int status, string expected)
    {
        await using var runtime = await StartGenericAsync();
        var env = timeout.Length > 0 ? new[] { ("FUNCTION_TIMEOUT", timeout) } : [];

        using var refused = await runtime.Platform.SendAsync(SpecializeRequest(Body(handler, env)));

        Assert.True(status == (int)refused.StatusCode, label);
        Assert.Contains(expected, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var readyz = await runtime.Platform.GetAsync("readyz");
        Assert.Equal("generic", await readyz.Content.ReadAsStringAsync());

        // Still generic: a good specialization after it works.
        using var specialized = await runtime.Platform.SendAsync(SpecializeRequest(Body("DotnetTest::DotnetTest.Handlers::Echo")));
        Assert.Equal(HttpStatusCode.OK, specialized.StatusCode);
    }

    [Fact]
    public async Task Specialize_BodyOver2MiB_413()
    {
        await using var runtime = await StartGenericAsync();
        var big = Body("DotnetTest::DotnetTest.Handlers::Echo", ("PAD", new string('x', 2 * 1024 * 1024)));

        using var refused = await runtime.Platform.SendAsync(SpecializeRequest(big));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
    }

    private static async Task<RuntimeInstance> StartGenericAsync()
    {
        var runtime = RuntimeProcess.Start("", "", ("FUNCTION_GENERIC", "1"), ("SPECIALIZE_TOKEN", Token));
        try
        {
            using var deadline = new CancellationTokenSource(RuntimeInstance.StartupBound);
            while (true)
            {
                Assert.False(runtime.HasExited, runtime.StandardError);
                try
                {
                    using var health = await runtime.Platform.GetAsync("healthz", deadline.Token);
                    if (health.StatusCode == HttpStatusCode.OK)
                    {
                        return runtime;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(RuntimeInstance.PollInterval, deadline.Token);
            }
        }
        catch
        {
            await runtime.DisposeAsync();
            throw;
        }
    }

    private static string Body(string handler, params (string Key, string Value)[] env) => JsonSerializer.Serialize(new
    {
        functionPath = RuntimeProcess.TestFunctionPath,
        handler,
        env = env.ToDictionary(e => e.Key, e => e.Value),
    });

    private static HttpRequestMessage SpecializeRequest(string body, string? token = Token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "specialize") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }
}
