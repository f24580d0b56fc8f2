using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Serverless.Core.Contracts;

namespace Serverless.Backends.Kubernetes.Leadership;

/// <summary>
/// Runs a loop only while this instance holds the Lease, client-go's leader election over a
/// <c>coordination.k8s.io</c> Lease: the loop starts when leadership is acquired and its token is cancelled when
/// leadership ends; the gate then campaigns again, so a replica that lost the Lease (an API server outage, a network
/// partition, a long GC pause) leads again later with a fresh loop.
/// </summary>
/// <remarks>
/// <para>
/// client-go's rules: a candidate takes the Lease when it is free, or when it has not changed for its lease duration
/// as this instance's own clock measures it (never by comparing another node's timestamps); writes carry the
/// resourceVersion they read, so of two candidates only one wins. The leader renews every retry period; a failed
/// renewal is retried every retry period until the renew deadline since the last success has passed, and only then
/// does it stop leading, which is always before any other replica may take the Lease. When the work stops for any
/// other reason (shutdown, the work ended) the Lease is released, so a standby takes over at its next try.
/// </para>
/// <para>
/// Errors never end the campaign: a refused connection, a reset, a timeout or an error answer is logged (once per
/// outage at Warning) and retried with a backoff from the retry period to twice it, forever. <see cref="IsConnected"/>
/// says whether the last call reached the API server, for readiness. KubernetesClient's own elector is not used: it
/// lets a refused connection escape the campaign and gives up leading on the first failed renewal (issue #20).
/// </para>
/// <para>Time comes from the <see cref="TimeProvider"/>. Not thread-safe: one <see cref="RunAsync"/> per gate.</para>
/// </remarks>
public sealed partial class LeaderGate
{
    /// <summary>How long a release at the end of a term may take; past it the standby waits out the lease instead.</summary>
    internal static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(2);

    private readonly ILeaseApi _api;
    private readonly LeaderElectionOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private volatile bool _leading;
    private volatile bool _connected;
    private int _terms;
    private int _failures;

    // The Lease as last read or written, and when (on this instance's clock) it was first seen in that version.
    private V1Lease? _lease;
    private DateTimeOffset _observedAt;
    private string? _reportedLeader;

    public LeaderGate(IKubernetes client, LeaderElectionOptions options, ILogger logger, TimeProvider? time = null)
        : this(new KubeLeaseApi(client, options.Namespace, options.LeaseName), options, logger, time)
    {
    }

    internal LeaderGate(ILeaseApi api, LeaderElectionOptions options, ILogger logger, TimeProvider? time = null)
    {
        options.Validate();
        _api = api;
        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    public bool IsLeader => _leading;

    /// <summary>Whether the last call about the Lease got an answer from the API server (any answer, a 409 included).</summary>
    public bool IsConnected => _connected;

    /// <summary>The identity in the Lease as last observed, null before the first observation or while it is free.</summary>
    public string? Leader { get; private set; }

    /// <summary>How many times this instance has become leader.</summary>
    public int TermsStarted => Volatile.Read(ref _terms);

    /// <summary>
    /// Campaigns until <paramref name="cancellationToken"/> is cancelled, running <paramref name="work"/> during each
    /// term with a token cancelled at the term's end. Returns once the last term's work has stopped and the Lease has
    /// been released. Cancellation returns normally; API errors are retried, never thrown.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        while (await AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            await LeadAsync(work, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Tries until this instance holds the Lease (true) or the token is cancelled (false).</summary>
    private async Task<bool> AcquireAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                using var timeout = new CancellationTokenSource(_options.RenewDeadline, _time);
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                if (await TryAcquireOrRenewAsync(attempt.Token).ConfigureAwait(false))
                {
                    return true;
                }

                wait = _options.RetryPeriod;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception e)
            {
                wait = Failed(e, campaigning: true);
            }

            try
            {
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return false;
    }

    private async Task LeadAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        _leading = true;
        Interlocked.Increment(ref _terms);
        LogStartedLeading(_options.LeaseName, _options.Identity);
        var renewedAt = _time.GetUtcNow();
        using var term = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = Task.Run(() => RunWorkAsync(work, term), CancellationToken.None);
        var lost = false;
        try
        {
            while (!term.IsCancellationRequested)
            {
                await Task.Delay(_options.RetryPeriod, _time, term.Token).ConfigureAwait(false);
                if (await RenewAsync(renewedAt + _options.RenewDeadline, term.Token).ConfigureAwait(false) is { } renewed)
                {
                    renewedAt = renewed;
                }
                else
                {
                    lost = true;
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (term.IsCancellationRequested)
        {
            // Shutdown, or the work ended its own term.
        }
        finally
        {
            // The work stops before anyone else may lead: first the flag, then the token, then wait for it.
            _leading = false;
            await term.CancelAsync().ConfigureAwait(false);
            await running.ConfigureAwait(false);
        }

        if (lost)
        {
            LogStoppedLeading(_options.LeaseName, _options.Identity);
            return;
        }

        await ReleaseAsync().ConfigureAwait(false);
    }

    /// <summary>Renews until it succeeds (the time of the successful attempt) or <paramref name="deadline"/> passes (null).</summary>
    private async Task<DateTimeOffset?> RenewAsync(DateTimeOffset deadline, CancellationToken term)
    {
        while (true)
        {
            var started = _time.GetUtcNow();
            var remaining = deadline - started;
            if (remaining <= TimeSpan.Zero)
            {
                return null;
            }

            try
            {
                // An attempt that hangs must not keep a leader past its deadline.
                using var timeout = new CancellationTokenSource(remaining, _time);
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(term, timeout.Token);
                if (await TryAcquireOrRenewAsync(attempt.Token).ConfigureAwait(false))
                {
                    return started;
                }

                if (Leader is { } holder && holder != _options.Identity)
                {
                    // Another replica holds the Lease now: retrying cannot make this one the leader again.
                    return null;
                }
            }
            catch (OperationCanceledException) when (term.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                LogRenewalFailed(_options.LeaseName, Math.Max(0, (deadline - _time.GetUtcNow()).TotalSeconds), e);
                Failed(e, campaigning: false);
            }

            var pause = deadline - _time.GetUtcNow();
            if (pause <= TimeSpan.Zero)
            {
                return null;
            }

            await Task.Delay(pause < _options.RetryPeriod ? pause : _options.RetryPeriod, _time, term).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// client-go's <c>tryAcquireOrRenew</c>: true when this instance holds the Lease afterwards. False when another
    /// holder's Lease is still valid, or another candidate's write won. Throws when the API server cannot be reached.
    /// </summary>
    private async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var lease = await _api.GetAsync(cancellationToken).ConfigureAwait(false);
        Connected();
        var now = _time.GetUtcNow();
        try
        {
            if (lease is null)
            {
                Observe(await _api.CreateAsync(Held(new V1Lease(), now, previous: null), cancellationToken).ConfigureAwait(false), now);
                return true;
            }

            Observe(lease, now);
            var holder = lease.Spec?.HolderIdentity;
            if (!string.IsNullOrEmpty(holder) && holder != _options.Identity && _observedAt + DurationOf(lease) > now)
            {
                return false;
            }

            Observe(await _api.ReplaceAsync(Held(lease, now, lease.Spec), cancellationToken).ConfigureAwait(false), now);
            return true;
        }
        catch (StoreException e) when (e.Kind is StoreErrorKind.AlreadyExists or StoreErrorKind.Conflict or StoreErrorKind.NotFound)
        {
            // Another candidate wrote first; the next attempt reads what it wrote.
            return false;
        }
    }

    /// <summary>The Lease held by this instance from <paramref name="now"/>: acquire time and transitions kept on a renewal.</summary>
    private V1Lease Held(V1Lease lease, DateTimeOffset now, V1LeaseSpec? previous)
    {
        var renewing = previous?.HolderIdentity == _options.Identity;
        return new V1Lease
        {
            ApiVersion = "coordination.k8s.io/v1",
            Kind = "Lease",
            Metadata = lease.Metadata ?? new V1ObjectMeta { Name = _options.LeaseName, NamespaceProperty = _options.Namespace },
            Spec = new V1LeaseSpec
            {
                HolderIdentity = _options.Identity,
                LeaseDurationSeconds = (int)Math.Ceiling(_options.LeaseDuration.TotalSeconds),
                AcquireTime = renewing && previous?.AcquireTime is { } acquired ? acquired : now.UtcDateTime,
                RenewTime = now.UtcDateTime,
                LeaseTransitions = renewing ? previous?.LeaseTransitions ?? 0 : (previous?.LeaseTransitions ?? -1) + 1,
            },
        };
    }

    /// <summary>
    /// Hands the Lease over at once (client-go's release on cancel): no holder, a one-second duration. A renewal cut
    /// short by the same cancellation may have reached the server unseen, leaving the version we hold stale: on a
    /// conflict the Lease is read again and, still ours, released at its current version.
    /// </summary>
    private async Task ReleaseAsync()
    {
        if (_lease?.Spec?.HolderIdentity != _options.Identity)
        {
            return;
        }

        // Not the caller's token: at shutdown it is cancelled already, and this is the last thing a leader does.
        using var timeout = new CancellationTokenSource(ReleaseTimeout, _time);
        try
        {
            var current = _lease;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    Observe(await _api.ReplaceAsync(Released(current), timeout.Token).ConfigureAwait(false), _time.GetUtcNow());
                    LogReleased(_options.LeaseName, _options.Identity);
                    return;
                }
                catch (StoreException e) when (e.Kind == StoreErrorKind.Conflict && attempt < 2)
                {
                    if (await _api.GetAsync(timeout.Token).ConfigureAwait(false) is not { } fresh || fresh.Spec?.HolderIdentity != _options.Identity)
                    {
                        return; // someone else holds it already
                    }

                    current = fresh;
                }
            }
        }
        catch (Exception e)
        {
            LogReleaseFailed(_options.LeaseName, e);
        }
    }

    private V1Lease Released(V1Lease lease)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        return new V1Lease
        {
            ApiVersion = "coordination.k8s.io/v1",
            Kind = "Lease",
            Metadata = lease.Metadata,
            Spec = new V1LeaseSpec { LeaseDurationSeconds = 1, AcquireTime = now, RenewTime = now, LeaseTransitions = lease.Spec?.LeaseTransitions },
        };
    }

    private void Observe(V1Lease lease, DateTimeOffset now)
    {
        if (_lease is null || _lease.Metadata?.ResourceVersion != lease.Metadata?.ResourceVersion)
        {
            _observedAt = now;
        }

        _lease = lease;
        var holder = string.IsNullOrEmpty(lease.Spec?.HolderIdentity) ? null : lease.Spec.HolderIdentity;
        Leader = holder;
        if (holder is not null && holder != _reportedLeader)
        {
            LogNewLeader(_options.LeaseName, holder);
        }

        _reportedLeader = holder;
    }

    private TimeSpan DurationOf(V1Lease lease) =>
        lease.Spec?.LeaseDurationSeconds is > 0 and var seconds ? TimeSpan.FromSeconds(seconds) : _options.LeaseDuration;

    private void Connected()
    {
        var failures = _failures;
        _failures = 0;
        _connected = true;
        if (failures > 0)
        {
            LogReconnected(_options.LeaseName, failures);
        }
    }

    /// <summary>Records a failed call and returns the pause before the next: the retry period, doubling up to twice it.</summary>
    private TimeSpan Failed(Exception error, bool campaigning)
    {
        _connected = false;
        _failures++;
        if (!campaigning)
        {
            // A renewal logs its own warning, with the time left before leadership is given up.
        }
        else if (_failures == 1)
        {
            LogElectionFailing(_options.LeaseName, error.GetType().Name, error.Message);
        }
        else
        {
            LogElectionFailed(_options.LeaseName, _failures, error);
        }

        return _failures == 1 ? _options.RetryPeriod : _options.RetryPeriod * 2;
    }

    // The work's own failure ends the term (so another replica can take over) rather than leaving a leader that
    // does nothing; the Lease is released and the gate campaigns again.
    private async Task RunWorkAsync(Func<CancellationToken, Task> work, CancellationTokenSource term)
    {
        try
        {
            await work(term.Token).ConfigureAwait(false);
            if (!term.IsCancellationRequested)
            {
                LogWorkEnded(_options.LeaseName);
            }
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

    [LoggerMessage(EventId = KubernetesEventIds.StartedLeading, Level = LogLevel.Information, Message = "Lease {Lease}: {Identity} started leading")]
    private partial void LogStartedLeading(string lease, string identity);

    [LoggerMessage(EventId = KubernetesEventIds.StoppedLeading, Level = LogLevel.Warning, Message = "Lease {Lease}: {Identity} could not renew within the renew deadline and stopped leading; campaigning again")]
    private partial void LogStoppedLeading(string lease, string identity);

    [LoggerMessage(EventId = KubernetesEventIds.NewLeader, Level = LogLevel.Information, Message = "Lease {Lease}: leader is {Leader}")]
    private partial void LogNewLeader(string lease, string leader);

    [LoggerMessage(EventId = KubernetesEventIds.ElectionFailed, Level = LogLevel.Debug, Message = "Lease {Lease}: attempt {Attempt} to reach the API server failed")]
    private partial void LogElectionFailed(string lease, int attempt, Exception error);

    [LoggerMessage(EventId = KubernetesEventIds.LeaderWorkFailed, Level = LogLevel.Error, Message = "Lease {Lease}: the leader's work failed; giving up the term")]
    private partial void LogWorkFailed(string lease, Exception error);

    [LoggerMessage(EventId = KubernetesEventIds.ElectionFailing, Level = LogLevel.Warning, Message = "Lease {Lease}: the API server cannot be reached ({Error}: {Message}); retrying until it can")]
    private partial void LogElectionFailing(string lease, string error, string message);

    [LoggerMessage(EventId = KubernetesEventIds.ElectionReconnected, Level = LogLevel.Information, Message = "Lease {Lease}: the API server answers again after {Failures} failed attempts")]
    private partial void LogReconnected(string lease, int failures);

    [LoggerMessage(EventId = KubernetesEventIds.RenewalFailed, Level = LogLevel.Warning, Message = "Lease {Lease}: renewal failed; retrying for {Seconds:0.#} s more before giving up leadership")]
    private partial void LogRenewalFailed(string lease, double seconds, Exception error);

    [LoggerMessage(EventId = KubernetesEventIds.LeaseReleased, Level = LogLevel.Information, Message = "Lease {Lease}: {Identity} released it")]
    private partial void LogReleased(string lease, string identity);

    [LoggerMessage(EventId = KubernetesEventIds.LeaseReleaseFailed, Level = LogLevel.Warning, Message = "Lease {Lease}: could not release it; a standby takes over when it expires")]
    private partial void LogReleaseFailed(string lease, Exception error);

    [LoggerMessage(EventId = KubernetesEventIds.LeaderWorkEnded, Level = LogLevel.Error, Message = "Lease {Lease}: the leader's work ended on its own; giving up the term")]
    private partial void LogWorkEnded(string lease);
}
