using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Runtime.Dotnet.Loading;
using Serverless.Runtime.Dotnet.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Runtime.Dotnet.Tests.Loading;

/// <summary>Loads the published test function in-process: the loader's decisions and messages without a server.</summary>
public sealed class HandlerLoaderTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddLogging().AddOptions().BuildServiceProvider();

    private static string FunctionPath => RuntimeProcess.TestFunctionPath;

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task Load_StaticMethod_BindsWithMinimalApiRules()
    {
        await using var handler = Load("DotnetTest::DotnetTest.Handlers::Status");
        var context = new DefaultHttpContext { RequestServices = _services };
        context.Request.QueryString = new QueryString("?code=418");

        await handler.RequestDelegate(context);

        Assert.True(handler.Method.IsStatic);
        Assert.Equal(418, context.Response.StatusCode);
    }

    [Fact]
    public async Task Load_InstanceMethod_CreatesTheTypeOnceWithHostServices()
    {
        await using var handler = Load("DotnetTest::DotnetTest.Counter::Next");
        var bodies = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var context = new DefaultHttpContext { RequestServices = _services };
            var body = new MemoryStream();
            context.Response.Body = body;
            await handler.RequestDelegate(context);
            bodies.Add(System.Text.Encoding.UTF8.GetString(body.ToArray()));
        }

        Assert.False(handler.Method.IsStatic);
        Assert.Equal(["1", "2"], bodies);
    }

    [Theory]
    [InlineData("missing type", "DotnetTest::DotnetTest.Missing::Echo", "type \"DotnetTest.Missing\" not found in ", "DotnetTest.dll")]
    [InlineData("type in wrong case", "DotnetTest::DotnetTest.handlers::Echo", "type \"DotnetTest.handlers\" not found", "did you mean \"DotnetTest.Handlers\"?")]
    [InlineData("missing assembly", "Nope::Nope.Handler::Run", "assembly Nope.dll not found in ", "DotnetTest.dll")]
    [InlineData("missing method", "DotnetTest::DotnetTest.Handlers::Nope", "method \"Nope\" not found on type \"DotnetTest.Handlers\"", "Echo")]
    [InlineData("object method", "DotnetTest::DotnetTest.Handlers::ToString", "method \"ToString\" not found", "Echo")]
    [InlineData("overloaded method", "DotnetTest::DotnetTest.Handlers::Overloaded", "has 2 public overloads", "must be unique")]
    [InlineData("constructor throws", "DotnetTest::DotnetTest.Unconstructible::Handle", "creating \"DotnetTest.Unconstructible\" failed", "InvalidOperationException: constructor refused")]
    [InlineData("unbindable parameters", "DotnetTest::DotnetTest.Broken::TwoBodies", "method \"TwoBodies\" cannot be bound to a request", "Failure to infer one or more parameters")]
    public void Load_BrokenHandler_ThrowsNamingWhatWasLookedFor(string label, string handler, string expected, string alsoExpected)
    {
        var ex = Assert.Throws<HandlerLoadException>(() => Load(handler));

        Assert.StartsWith($"handler \"{handler}\": ", ex.Message, StringComparison.Ordinal);
        Assert.True(ex.Message.Contains(expected, StringComparison.Ordinal), $"{label}: {ex.Message}");
        Assert.True(ex.Message.Contains(alsoExpected, StringComparison.Ordinal), $"{label}: {ex.Message}");
        Assert.DoesNotContain('\n', ex.Message);
    }

    /// <summary>
    /// A start locates the handler on another thread while the host builds (RuntimeHost): that half must run no user
    /// code, so that a constructor's failure still surfaces from the bind, on the main thread, with the host's services.
    /// </summary>
    [Fact]
    public void Locate_InstanceHandlerWhoseConstructorThrows_FindsItAndOnlyBindRunsTheConstructor()
    {
        HandlerName.TryParse("DotnetTest::DotnetTest.Unconstructible::Handle", out var name, out _);

        var target = HandlerLoader.Locate(name!, FunctionPath);
        var ex = Assert.Throws<HandlerLoadException>(() => new HandlerLoader(_services).Bind(target));

        Assert.Equal("DotnetTest.Unconstructible", target.Type.FullName);
        Assert.Equal("Handle", target.Method.Name);
        Assert.Contains("creating \"DotnetTest.Unconstructible\" failed: InvalidOperationException: constructor refused", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingDirectory_ThrowsNamingTheDirectory()
    {
        using var temp = new TempDirectory("rt-loader");
        var missing = Path.Combine(temp.Path, "nothing-here");
        Assert.True(HandlerName.TryParse("A::B::C", out var name, out _));

        var ex = Assert.Throws<HandlerLoadException>(() => new HandlerLoader(_services).Load(name, missing));

        Assert.Contains($"function directory {missing} does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FileThatIsNotAnAssembly_ThrowsNotADotnetAssembly()
    {
        using var temp = new TempDirectory("rt-loader");
        File.WriteAllText(Path.Combine(temp.Path, "Fake.dll"), "not a PE file");
        Assert.True(HandlerName.TryParse("Fake::A.B::C", out var name, out _));

        var ex = Assert.Throws<HandlerLoadException>(() => new HandlerLoader(_services).Load(name, temp.Path));

        Assert.Contains("is not a .NET assembly", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MalformedDepsJson_ThrowsCouldNotBeLoaded()
    {
        using var temp = new TempDirectory("rt-loader");
        File.Copy(Path.Combine(FunctionPath, "DotnetTest.dll"), Path.Combine(temp.Path, "DotnetTest.dll"));
        File.WriteAllText(Path.Combine(temp.Path, "DotnetTest.deps.json"), "{ this is not json");
        Assert.True(HandlerName.TryParse("DotnetTest::DotnetTest.Handlers::Echo", out var name, out _));

        var ex = Assert.Throws<HandlerLoadException>(() => new HandlerLoader(_services).Load(name, temp.Path));

        Assert.Contains("DotnetTest.dll could not be loaded", ex.Message, StringComparison.Ordinal);
        Assert.Contains("DotnetTest.deps.json", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    private LoadedHandler Load(string handler)
    {
        Assert.True(HandlerName.TryParse(handler, out var name, out var error), error);
        return new HandlerLoader(_services).Load(name, FunctionPath);
    }
}
