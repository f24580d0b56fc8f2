using Serverless.Cli.Admin;
using Serverless.Cli.Platform;

namespace Serverless.Cli.Commands;

/// <summary>The running platform's state and a client for its admin API, for one command.</summary>
internal sealed class AdminSession : IDisposable
{
    /// <summary>Admin calls are quick metadata reads and writes; a slow one means the platform is in trouble.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient http;

    private AdminSession(PlatformState state, HttpClient http, string platformLog)
    {
        State = state;
        this.http = http;
        Client = new AdminClient(http, platformLog);
    }

    public PlatformState State { get; }

    public AdminClient Client { get; }

    /// <exception cref="PlatformNotRunningException">No live platform for the context's home.</exception>
    public static AdminSession Open(CliContext context)
    {
        var state = new PlatformProbe(context).RequireRunning();
        return new AdminSession(state, context.CreateAdminHttpClient(state.AdminUri, RequestTimeout), HomeDirectory.PlatformLog(context.Home));
    }

    public void Dispose() => http.Dispose();
}
