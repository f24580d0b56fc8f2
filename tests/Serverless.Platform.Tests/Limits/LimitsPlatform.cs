using System.Net;
using System.Text;
using k8s.Models;
using Serverless.Core.Api;
using Serverless.Core.Serialization;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Limits;

/// <summary>A platform of one test, with an optional config.json, and helpers to create and watch Functions.</summary>
internal sealed class LimitsPlatform : IAsyncDisposable
{
    private const string Functions = "/apis/serverless.dev/v1alpha1/namespaces/default/functions";

    private readonly TempDirectory _home;

    private LimitsPlatform(TempDirectory home, PlatformProcess platform)
    {
        _home = home;
        Platform = platform;
        Admin = platform.CreateAdminClient(TimeSpan.FromSeconds(30));
        Ingress = new HttpClient { BaseAddress = new Uri(platform.IngressUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    public PlatformProcess Platform { get; }

    public HttpClient Admin { get; }

    public HttpClient Ingress { get; }

    public string Home => _home.Path;

    public static string TestFunction(string name) => Path.Combine(RepoPaths.Root, "tests", "testassets", "functions", name);

    public static async Task<LimitsPlatform> StartAsync(string? configJson = null)
    {
        var home = new TempDirectory("serverless-limits");
        if (configJson is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(home.Path, "config.json"), configJson);
        }

        return new LimitsPlatform(home, await PlatformProcess.StartAsync(home.Path));
    }

    public static Function Python(string name, string source, ScaleSpec? scale = null, V1ResourceRequirements? resources = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new FunctionSpec
        {
            Runtime = RuntimeNames.Python,
            Handler = "main:handle",
            Source = new FunctionSource { Path = source },
            Scale = scale,
            Resources = resources,
        },
    };

    public async Task<HttpResponseMessage> CreateAsync(Function function) =>
        await Admin.PostAsync(Functions, new StringContent(ResourceJson.Serialize(function), Encoding.UTF8, "application/json"));

    public async Task<HttpResponseMessage> DeleteAsync(string name) => await Admin.DeleteAsync(Functions + "/" + name);

    public async Task<Function> GetAsync(string name)
    {
        using var response = await Admin.GetAsync(Functions + "/" + name);
        response.EnsureSuccessStatusCode();
        return ResourceJson.Deserialize<Function>(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Polls the Function until <paramref name="predicate"/> holds (bounded); fails with its last status and the platform's log.</summary>
    public async Task<Function> WaitForAsync(string name, Func<Function, bool> predicate, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        Function? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await GetAsync(name);
            if (predicate(last))
            {
                return last;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{name}: condition not reached; last status {ResourceJson.Serialize(last?.Status ?? new FunctionStatus())}\n{Platform.Output}");
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        Ingress.Dispose();
        await Platform.DisposeAsync();
        _home.Dispose();
    }

    public static async Task<string> BodyAsync(HttpResponseMessage response) => await response.Content.ReadAsStringAsync();

    public static void AssertStatus(HttpStatusCode expected, HttpResponseMessage response, string body) =>
        Assert.True(response.StatusCode == expected, $"{response.StatusCode}: {body}");
}
