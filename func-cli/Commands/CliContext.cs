using System.Net.Http.Headers;
using Serverless.Cli.Output;
using Serverless.Cli.Platform;
using Serverless.Cli.Targets;

namespace Serverless.Cli.Commands;

/// <summary>
/// Everything a command touches outside its arguments. The process builds one from its real
/// console and environment; tests build one over string writers, a temp home and a loopback server.
/// </summary>
internal sealed class CliContext
{
    public required string Home { get; init; }

    public required CliConsole Console { get; init; }

    /// <summary>Shared by every HttpClient a command creates; never disposed by them.</summary>
    public required HttpMessageHandler HttpHandler { get; init; }

    public required Func<string, string?> Environment { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public ProcessTable Processes { get; init; } = new();

    /// <summary>
    /// Opens the Kubernetes target for <c>--kube</c>/<c>--context</c>; null while this build has none, and
    /// those flags then fail with a clear message. func-cli/Kubernetes sets it in <see cref="FromProcess"/>.
    /// </summary>
    public Func<TargetSelection, IFunctionTarget>? KubernetesTargets { get; init; }

    /// <summary>Sent as a bearer token to the admin API when set (SERVERLESS_ADMIN_TOKEN).</summary>
    public string? AdminToken => Environment("SERVERLESS_ADMIN_TOKEN") is { Length: > 0 } token ? token : null;

    public static CliContext FromProcess()
    {
        Func<string, string?> environment = System.Environment.GetEnvironmentVariable;
        return new CliContext
        {
            Home = HomeDirectory.Resolve(environment),
            Console = CliConsole.ForProcess(environment),
            HttpHandler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) },
            Environment = environment,
            KubernetesTargets = selection => Kubernetes.KubernetesTarget.Open(selection, environment),
        };
    }

    /// <summary>A client for the admin API: base address set, bearer token attached when configured.</summary>
    public HttpClient CreateAdminHttpClient(Uri adminUrl, TimeSpan timeout)
    {
        var client = CreateHttpClient(adminUrl, timeout);
        if (AdminToken is { } token)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>A client whose relative URIs resolve under <paramref name="baseAddress"/>, even one with a path.</summary>
    public HttpClient CreateHttpClient(Uri baseAddress, TimeSpan timeout)
    {
        var directory = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
        return new HttpClient(HttpHandler, disposeHandler: false) { BaseAddress = directory, Timeout = timeout };
    }
}
