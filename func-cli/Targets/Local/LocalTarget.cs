using System.Net;
using System.Runtime.CompilerServices;
using Serverless.Cli.App;
using Serverless.Cli.Build;
using Serverless.Cli.Platform;
using Serverless.Core.Api;
using Serverless.Core.Naming;
using Serverless.Hosting.Stores;

namespace Serverless.Cli.Targets.Local;

/// <summary>
/// The local platform started by <c>func up</c>: its admin API for resources, logs and stats, its
/// ingress for invocations, and the home's content-addressed artifact store for code.
/// </summary>
internal sealed class LocalTarget : IFunctionTarget
{
    private const int DefaultTailLines = 100;

    /// <summary>Admin calls are quick metadata reads and writes; a slow one means the platform is in trouble.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly CliContext _context;
    private readonly HttpClient _http;
    private readonly AdminClient _client;
    private readonly ResourceApply<Function> _functions;
    private readonly ResourceApply<Trigger> _triggers;

    private LocalTarget(CliContext context, PlatformState state)
    {
        _context = context;
        State = state;
        _http = context.CreateAdminHttpClient(state.AdminUri, RequestTimeout);
        _client = new AdminClient(_http, HomeDirectory.PlatformLog(context.Home));
        _functions = Writes<Function>(GetAsync, _client.CreateAsync, _client.ReplaceAsync);
        _triggers = Writes<Trigger>(GetTriggerAsync, _client.CreateTriggerAsync, _client.ReplaceTriggerAsync);
    }

    public PlatformState State { get; }

    public AdminClient Client => _client;

    public string Description => "local platform at " + State.AdminUrl;

    public string DefaultNamespace => Names.DefaultNamespace;

    /// <exception cref="PlatformNotRunningException">No live platform for the context's home.</exception>
    public static LocalTarget Open(CliContext context) => new(context, new PlatformProbe(context).RequireRunning());

    public async Task<AppliedFunction> ApplyAsync(Function desired, PreparedArtifact artifact, CancellationToken cancellationToken)
    {
        var ns = desired.Metadata.NamespaceProperty;
        var install = new ArtifactStore(_context.Home).Install(ns, desired.Metadata.Name, artifact.Digest, artifact.Entries);
        desired.Spec.Source = new FunctionSource { Path = install.Path };
        var applied = await _functions.ApplyAsync(desired, SpecApply.Function, cancellationToken).ConfigureAwait(false);
        return new AppliedFunction(applied.Object, install.Path, install.Copied, install.Replaced);
    }

    public async Task<Function?> GetAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.GetAsync(@namespace, name, cancellationToken).ConfigureAwait(false);
        }
        catch (AdminApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public Task<IReadOnlyList<Function>> ListAsync(string? @namespace, CancellationToken cancellationToken) =>
        _client.ListAsync(@namespace, cancellationToken);

    public async Task<Function> SetTrafficAsync(string @namespace, string name, IList<TrafficTarget>? traffic, CancellationToken cancellationToken)
    {
        // Read, change, write with the resourceVersion read: a concurrent deploy makes it a Conflict, then a retry.
        for (var attempt = 1; ; attempt++)
        {
            var function = await GetAsync(@namespace, name, cancellationToken).ConfigureAwait(false) ?? throw new FunctionNotFoundException(@namespace, name);
            function.Spec.Traffic = traffic;
            function.Status = null;
            try
            {
                return await _client.ReplaceAsync(function, cancellationToken).ConfigureAwait(false);
            }
            catch (AdminApiException e) when (e.StatusCode == HttpStatusCode.Conflict && attempt < 5)
            {
            }
        }
    }

    public async Task<Function> SetAnnotationAsync(string @namespace, string name, string key, string? value, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var function = await GetAsync(@namespace, name, cancellationToken).ConfigureAwait(false) ?? throw new FunctionNotFoundException(@namespace, name);
            SetAnnotation(function, key, value);
            function.Status = null;
            try
            {
                return await _client.ReplaceAsync(function, cancellationToken).ConfigureAwait(false);
            }
            catch (AdminApiException e) when (e.StatusCode == HttpStatusCode.Conflict && attempt < 5)
            {
            }
        }
    }

    internal static void SetAnnotation(Function function, string key, string? value)
    {
        var annotations = function.Metadata.Annotations ??= new Dictionary<string, string>();
        if (value is null)
        {
            annotations.Remove(key);
        }
        else
        {
            annotations[key] = value;
        }
    }

    public Task<IReadOnlyList<Revision>> ListRevisionsAsync(string @namespace, string function, CancellationToken cancellationToken) =>
        _client.ListRevisionsAsync(@namespace, function, cancellationToken);

    public async Task<bool> DeleteAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        try
        {
            await _client.DeleteAsync(@namespace, name, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AdminApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public async Task<Trigger> ApplyTriggerAsync(Trigger trigger, CancellationToken cancellationToken) =>
        (await _triggers.ApplyAsync(trigger, SpecApply.Trigger, cancellationToken).ConfigureAwait(false)).Object;

    public async IAsyncEnumerable<LogLine> LogsAsync(
        string @namespace, string name, LogRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // A followed log is open for as long as the user watches: no request timeout on that client.
        using var streaming = _context.CreateAdminHttpClient(State.AdminUri, Timeout.InfiniteTimeSpan);
        var logs = new AdminClient(streaming, HomeDirectory.PlatformLog(_context.Home));
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
        var response = await _client.GetJsonAsync<StatsResponse>("stats/functions", cancellationToken).ConfigureAwait(false);
        return response.Functions?.ToArray() ?? [];
    }

    public Task<Uri> GetFunctionUrlAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        Task.FromResult(new Uri(State.IngressUrl.TrimEnd('/') + "/" + @namespace + "/" + name + "/"));

    public Task<Uri> GetBrokerUrlAsync(string @namespace, string broker, CancellationToken cancellationToken) =>
        Task.FromResult(new Uri(State.IngressUrl.TrimEnd('/') + "/brokers/" + @namespace + "/" + broker));

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    // The admin API's errors name the store error kind in their Status reason (AdminApiException.Kind).
    private static ResourceApply<T> Writes<T>(
        Func<string, string, CancellationToken, Task<T?>> get, Func<T, CancellationToken, Task<T>> create, Func<T, CancellationToken, Task<T>> replace)
        where T : class, IResource => new()
    {
        Get = get,
        Create = create,
        Replace = replace,
        KindOf = AdminApiException.KindOf,
        MaxAttempts = SpecApply.MaxAttempts,
    };

    private async Task<Trigger?> GetTriggerAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.GetTriggerAsync(@namespace, name, cancellationToken).ConfigureAwait(false);
        }
        catch (AdminApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
