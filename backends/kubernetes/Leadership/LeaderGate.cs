using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Logging;

namespace Serverless.Backends.Kubernetes.Leadership;

/// <summary>
/// Runs a loop only while this instance holds the Lease (KubernetesClient's <see cref="LeaderElector"/>
/// over a <see cref="LeaseLock"/>): the loop starts when leadership is acquired and its token is cancelled
/// when leadership is lost; the gate then campaigns again, so a replica that lost the lease (a network
/// partition, a long GC pause) can become leader later with a fresh loop.
/// </summary>
/// <remarks>
/// KubernetesClient's elector reads the wall clock, so lease timing is real time; keep durations short
/// in tests. Not thread-safe: one <see cref="RunAsync"/> per gate.
/// </remarks>
public sealed partial class LeaderGate
{
    private readonly IKubernetes _client;
    private readonly LeaderElectionOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private volatile bool _leading;

    public LeaderGate(IKubernetes client, LeaderElectionOptions options, ILogger logger, TimeProvider? time = null)
    {
        options.Validate();
        _client = client;
        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    public bool IsLeader => _leading;

    /// <summary>The identity in the Lease as last observed, null before the first observation.</summary>
    public string? Leader { get; private set; }

    /// <summary>How many times this instance has become leader.</summary>
    public int TermsStarted { get; private set; }

    /// <summary>
    /// Campaigns until <paramref name="cancellationToken"/> is cancelled, running <paramref name="work"/> during each
    /// term with a token cancelled at the term's end. Returns once the last term's work has stopped.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await RunTermAsync(work, cancellationToken).ConfigureAwait(false);
            try
            {
                // A term that ended at once (failing work) must not turn into a busy loop of re-acquiring.
                await Task.Delay(_options.RetryPeriod, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RunTermAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        var config = new LeaderElectionConfig(new LeaseLock(_client, _options.Namespace, _options.LeaseName, _options.Identity))
        {
            LeaseDuration = _options.LeaseDuration,
            RenewDeadline = _options.RenewDeadline,
            RetryPeriod = _options.RetryPeriod,
        };
        using var elector = new LeaderElector(config);
        using var term = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task running = Task.CompletedTask;
        elector.OnNewLeader += leader =>
        {
            Leader = leader;
            LogNewLeader(_options.LeaseName, leader);
        };
        elector.OnStartedLeading += () =>
        {
            _leading = true;
            TermsStarted++;
            LogStartedLeading(_options.LeaseName, _options.Identity);
            running = Task.Run(() => RunWorkAsync(work, term), CancellationToken.None);
        };
        elector.OnStoppedLeading += () =>
        {
            _leading = false;
            term.Cancel();
        };
        elector.OnError += e => LogElectionError(_options.LeaseName, e);

        try
        {
            // Returns when a held lease could not be renewed within renew-deadline; blocks while campaigning.
            await elector.RunUntilLeadershipLostAsync(term.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (term.IsCancellationRequested)
        {
            // Shutdown, or the work ended its own term.
        }

        _leading = false;
        await term.CancelAsync().ConfigureAwait(false);
        await running.ConfigureAwait(false);
        if (!cancellationToken.IsCancellationRequested)
        {
            LogStoppedLeading(_options.LeaseName, _options.Identity);
        }
    }

    // The work's own failure ends the term (so another replica can take over) rather than leaving a
    // leader that does nothing; the gate then campaigns again.
    private async Task RunWorkAsync(Func<CancellationToken, Task> work, CancellationTokenSource term)
    {
        try
        {
            await work(term.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (term.IsCancellationRequested)
        {
            // The term ended.
        }
        catch (Exception e)
        {
            LogWorkFailed(_options.LeaseName, e);
        }
        finally
        {
            await term.CancelAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Lease {Lease}: {Identity} started leading")]
    private partial void LogStartedLeading(string lease, string identity);

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "Lease {Lease}: {Identity} stopped leading; campaigning again")]
    private partial void LogStoppedLeading(string lease, string identity);

    [LoggerMessage(EventId = 602, Level = LogLevel.Information, Message = "Lease {Lease}: leader is {Leader}")]
    private partial void LogNewLeader(string lease, string leader);

    [LoggerMessage(EventId = 603, Level = LogLevel.Debug, Message = "Lease {Lease}: election attempt failed")]
    private partial void LogElectionError(string lease, Exception error);

    [LoggerMessage(EventId = 604, Level = LogLevel.Error, Message = "Lease {Lease}: the leader's work failed; giving up the term")]
    private partial void LogWorkFailed(string lease, Exception error);
}
