using System.Net.Http.Headers;
using Serverless.Cli.Output;
using Serverless.Cli.Processes;

namespace Serverless.Cli.App;

/// <summary>
/// Everything a command touches outside its arguments. <c>Program.cs</c> builds one from the process's
/// console and environment; tests build one over string writers, a temp home and a loopback server.
/// </summary>
/// <remarks>
/// The kernel every other folder depends on, so it knows no target, platform or project: targets are
/// opened through <c>FunctionTargets</c>, which the command tree gets next to this context.
/// </remarks>
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
    /// Sent as a bearer token to the admin API: <c>$SERVERLESS_ADMIN_TOKEN</c> when set, else the token the platform
    /// generated into the home (<see cref="AdminTokenFile"/>); null when there is neither.
    /// </summary>
    public string? AdminToken => EnvironmentToken ?? AdminTokenFile.Read(Home);

    /// <summary>Where <see cref="AdminToken"/> comes from, for <c>func status</c> (never the token itself).</summary>
    public string AdminTokenSource => EnvironmentToken is null ? AdminTokenFile.PathIn(Home) : "$" + AdminTokenFile.Variable;

    private string? EnvironmentToken => Environment(AdminTokenFile.Variable) is { Length: > 0 } token ? token : null;

    /// <summary>A client for the admin API: base address set, bearer token attached when there is one.</summary>
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
