using System.Net;
using System.Runtime.CompilerServices;
using Serverless.Cli.App;
using Serverless.Cli.Build;
using Serverless.Cli.Platform;
using Serverless.Core.Api;
using Serverless.Core.Naming;

namespace Serverless.Cli.Targets.Local;

/// <summary>
/// The local platform started by <c>func up</c>: its admin API for resources, logs and stats, its
/// ingress for invocations, and the home's content-addressed artifact store for code.
/// </summary>
internal sealed class LocalTarget : IFunctionTarget
{
    private const int MaxReplaceAttempts = 5;
    private const int DefaultTailLines = 100;

    /// <summary>Admin calls are quick metadata reads and writes; a slow one means the platform is in trouble.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly CliContext context;
    private readonly HttpClient http;
    private readonly AdminClient client;

    private LocalTarget(CliContext context, PlatformState state)
    {
        this.context = context;
        State = state;
        http = context.CreateAdminHttpClient(state.AdminUri, RequestTimeout);
        client = new AdminClient(http, HomeDirectory.PlatformLog(context.Home));
    }

    public PlatformState State { get; }

    public AdminClient Client => client;

    public string Description => "local platform at " + State.AdminUrl;

    public string DefaultNamespace => Names.DefaultNamespace;

    /// <exception cref="PlatformNotRunningException">No live platform for the context's home.</exception>
    public static LocalTarget Open(CliContext context) => new(context, new PlatformProbe(context).RequireRunning());

    public async Task<AppliedFunction> ApplyAsync(Function desired, PreparedArtifact artifact, CancellationToken cancellationToken)
    {
        var ns = desired.Metadata.NamespaceProperty;
        var (path, copied) = new ArtifactStore(context.Home).Install(ns, desired.Metadata.Name, artifact.Digest, artifact.Entries);
        desired.Spec.Source = new FunctionSource { Path = path };
        if (await client.CreateIfAbsentAsync(desired, cancellationToken).ConfigureAwait(false) is { } created)
        {
            return new AppliedFunction(created, path, copied);
        }

        for (var attempt = 1; ; attempt++)
        {
            // Keep the stored metadata (labels, annotations) and its resourceVersion, so a concurrent writer is never overwritten blindly.
            var current = await client.GetAsync(ns, desired.Metadata.Name, cancellationToken).ConfigureAwait(false);
            current.Spec = desired.Spec;
            current.Status = null;
            try
            {
                return new AppliedFunction(await client.ReplaceAsync(current, cancellationToken).ConfigureAwait(false), path, copied);
            }
            catch (AdminApiException ex) when (ex.Reason == StatusReasons.Conflict && attempt < MaxReplaceAttempts)
            {
                // Another writer changed it between our GET and PUT: read the new version and apply again.
            }
        }
    }

    public async Task<Function?> GetAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetAsync(@namespace, name, cancellationToken).ConfigureAwait(false);
        }
        catch (AdminApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public Task<IReadOnlyList<Function>> ListAsync(string? @namespace, CancellationToken cancellationToken) =>
        client.ListAsync(@namespace, cancellationToken);

    public async Task<bool> DeleteAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        try
        {
            await client.DeleteAsync(@namespace, name, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AdminApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public async Task<Trigger> ApplyTriggerAsync(Trigger trigger, CancellationToken cancellationToken)
    {
        if (await client.CreateTriggerIfAbsentAsync(trigger, cancellationToken).ConfigureAwait(false) is { } created)
        {
            return created;
        }

        for (var attempt = 1; ; attempt++)
        {
            var current = await client.GetTriggerAsync(trigger.Metadata.NamespaceProperty, trigger.Metadata.Name, cancellationToken).ConfigureAwait(false);
            current.Spec = trigger.Spec;
            current.Status = null;
            try
            {
                return await client.ReplaceTriggerAsync(current, cancellationToken).ConfigureAwait(false);
            }
            catch (AdminApiException ex) when (ex.Reason == StatusReasons.Conflict && attempt < MaxReplaceAttempts)
            {
                // As for Functions: re-read and apply again.
            }
        }
    }

    public async IAsyncEnumerable<LogLine> LogsAsync(
        string @namespace, string name, LogRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // A followed log is open for as long as the user watches: no request timeout on that client.
        using var streaming = context.CreateAdminHttpClient(State.AdminUri, Timeout.InfiniteTimeSpan);
        var logs = new AdminClient(streaming, HomeDirectory.PlatformLog(context.Home));
        HttpResponseMessage response;
        try
        {
            response = await logs.OpenStreamAsync(AdminClient.LogPath(@namespace, name, request.Follow, request.TailLines ?? DefaultTailLines), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (AdminApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new FunctionNotFoundException(@namespace, name, ex);
        }

        using (response)
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(stream);
            while (true)
            {
                string? line;
                try
                {
                    line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    yield break;
                }
                catch (IOException ex)
                {
                    throw new CliException("the log stream from the platform broke off: " + ex.Message, $"run `func logs {name}` again; if the platform stopped, `func up`", inner: ex);
                }

                if (line is null)
                {
                    yield break;
                }

                // The platform writes "{instance} {time} {stream} {text}".
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                yield return space < 0 ? new LogLine("", line) : new LogLine(line[..space], line[(space + 1)..]);
            }
        }
    }

    public async Task<IReadOnlyList<FunctionStats>> GetStatsAsync(CancellationToken cancellationToken)
    {
        var response = await client.GetJsonAsync<StatsResponse>("stats/functions", cancellationToken).ConfigureAwait(false);
        return response.Functions?.ToArray() ?? [];
    }

    public Task<Uri> GetFunctionUrlAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        Task.FromResult(new Uri(State.IngressUrl.TrimEnd('/') + "/" + @namespace + "/" + name + "/"));

    public Task<Uri> GetBrokerUrlAsync(string @namespace, string broker, CancellationToken cancellationToken) =>
        Task.FromResult(new Uri(State.IngressUrl.TrimEnd('/') + "/brokers/" + @namespace + "/" + broker));

    public ValueTask DisposeAsync()
    {
        http.Dispose();
        return ValueTask.CompletedTask;
    }
}
