using System.Collections.Concurrent;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Serverless.Activator.Metrics;
using Serverless.Core.Contracts;
using Serverless.Core.Wire.Stats;

namespace Serverless.Activator.Reporting;

/// <summary>
/// The activator's statistics link to an autoscaler in another process (Kubernetes mode): the
/// <see cref="ConcurrencyReporter"/>'s samples go as one <c>POST /stats</c> per reporting pass, and a request for a
/// function at zero sends <c>POST /scale-from-zero</c> at once. The autoscaler answers with its instance id; when that
/// changes (it restarted, its windows are empty) the last <see cref="StatsSenderOptions.ReplayWindow"/> of samples is
/// sent again so it decides from a full window at once instead of starting blind.
/// </summary>
/// <remarks>
/// Nothing here blocks the request path or the reporter: <see cref="Report"/> and <see cref="Flush"/> only touch a
/// bounded buffer under a lock, and <see cref="RequestScaleFromZero"/> starts a POST without awaiting it. A failed
/// POST is logged and counted, and the next successful one is followed by a replay (the autoscaler keys samples by
/// activator and time, so a replay of samples it already has changes nothing). Run <see cref="RunAsync"/> once.
/// </remarks>
public sealed partial class HttpStatsSender : IConcurrencySink, IScaleRequester
{
    private const string StatsPath = StatsPaths.Stats;
    private const string ScaleFromZeroPath = StatsPaths.ScaleFromZero;

    private readonly HttpClient _client;
    private readonly StatsSenderOptions _options;
    private readonly ActivatorMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SampleBuffer _buffer;
    private readonly SemaphoreSlim _flushed = new(0, 1);
    private readonly ConcurrentDictionary<FunctionKey, byte> _poking = new();
    private string? _autoscalerId;
    private int _failing; // 1 while POSTs fail; swapped atomically so the stats loop and pokes log each transition once

    /// <param name="client">Addresses the autoscaler: its <see cref="HttpClient.BaseAddress"/> is the autoscaler's root URL.</param>
    public HttpStatsSender(HttpClient client, StatsSenderOptions options, ActivatorMetrics metrics, TimeProvider time, ILogger<HttpStatsSender> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ActivatorId);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBufferedSamples, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxSamplesPerPost, 1);
        _client = client;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _buffer = new SampleBuffer(options.ReplayWindow, options.MaxBufferedSamples);
    }

    /// <summary>The autoscaler instance id of the last successful POST; null before one or after a failure. For tests.</summary>
    internal string? AutoscalerId => Volatile.Read(ref _autoscalerId);

    public void Report(ConcurrencySample sample)
    {
        lock (_buffer)
        {
            var dropped = _buffer.Dropped;
            _buffer.Add(sample);
            if (_buffer.Dropped != dropped)
            {
                _metrics.StatsDropped.Inc();
            }
        }
    }

    /// <summary>Wakes <see cref="RunAsync"/> to send what the pass reported.</summary>
    public void Flush()
    {
        try
        {
            _flushed.Release();
        }
        catch (SemaphoreFullException)
        {
            // a send is already due: it takes everything pending
        }
    }

    public void RequestScaleFromZero(FunctionKey key)
    {
        // Every request that finds no instance calls this: one POST per function at a time is enough.
        if (_poking.TryAdd(key, 0))
        {
            _ = PokeAsync(key);
        }
    }

    /// <summary>Sends each flushed pass until cancelled. Never throws but for cancellation.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                // Normally woken by Flush after each reporting pass; the delay is a backstop, so samples still go
                // out (late, not never) through a sink decorator that does not pass Flush on.
                using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var flushed = _flushed.WaitAsync(wake.Token);
                await Task.WhenAny(flushed, Task.Delay(_options.MaxSendDelay, _time, wake.Token)).ConfigureAwait(false);
                await wake.CancelAsync().ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (!flushed.IsCompletedSuccessfully && !HasPending())
                {
                    continue;
                }

                try
                {
                    await SendPendingAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // Whatever went wrong with one pass, the next must still be sent.
                    _metrics.AutoscalerPosts.WithLabels(StatsPath, "error").Inc();
                    LogPassFailed(_logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private bool HasPending()
    {
        lock (_buffer)
        {
            return _buffer.PendingCount > 0;
        }
    }

    /// <summary>One send of <see cref="RunAsync"/>: everything pending, then a replay if the autoscaler's id changed.</summary>
    private async Task SendPendingAsync(CancellationToken cancellationToken)
    {
        List<ConcurrencySample> batch;
        lock (_buffer)
        {
            batch = _buffer.TakePending();
        }

        if (batch.Count == 0)
        {
            return;
        }

        var id = await PostSamplesAsync(batch, cancellationToken).ConfigureAwait(false);
        if (id is null || id == _autoscalerId)
        {
            Volatile.Write(ref _autoscalerId, id);
            return;
        }

        List<ConcurrencySample> replay;
        lock (_buffer)
        {
            replay = _buffer.Recent(skipNewest: batch.Count);
        }

        if (replay.Count > 0)
        {
            LogReplaying(_logger, id, replay.Count);
            _metrics.StatsReplays.Inc();
            id = await PostSamplesAsync(replay, cancellationToken).ConfigureAwait(false);
        }

        Volatile.Write(ref _autoscalerId, id);
    }

    /// <summary>Posts in pieces of at most <see cref="StatsSenderOptions.MaxSamplesPerPost"/>; the autoscaler's id, or null when a piece failed.</summary>
    private async Task<string?> PostSamplesAsync(List<ConcurrencySample> samples, CancellationToken cancellationToken)
    {
        string? id = null;
        for (var start = 0; start < samples.Count; start += _options.MaxSamplesPerPost)
        {
            var piece = samples.Skip(start).Take(_options.MaxSamplesPerPost).Select(StatsSampleBody.From).ToList();
            var body = new StatsReportBody(_options.ActivatorId, piece);
            id = await PostAsync(
                StatsPath,
                async (timeout) =>
                {
                    using var response = await _client.PostAsJsonAsync(StatsPath, body, StatsJsonContext.Default.StatsReportBody, timeout).ConfigureAwait(false);
                    response.EnsureSuccessStatusCode();
                    var reply = await response.Content.ReadFromJsonAsync(StatsJsonContext.Default.StatsReply, timeout).ConfigureAwait(false);
                    return reply?.Autoscaler is { Length: > 0 } value ? value : throw new InvalidDataException($"the autoscaler's reply names no \"{StatsFields.Autoscaler}\" id");
                },
                cancellationToken).ConfigureAwait(false);
            if (id is null)
            {
                return null;
            }
        }

        return id;
    }

    private async Task PokeAsync(FunctionKey key)
    {
        try
        {
            await PostAsync(
                ScaleFromZeroPath,
                async (timeout) =>
                {
                    var body = new FunctionRefBody(key.Namespace, key.Name);
                    using var response = await _client.PostAsJsonAsync(ScaleFromZeroPath, body, StatsJsonContext.Default.FunctionRefBody, timeout).ConfigureAwait(false);
                    response.EnsureSuccessStatusCode();
                    return ScaleFromZeroPath;
                },
                CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _poking.TryRemove(key, out _);
        }
    }

    /// <summary>Runs one POST with the request timeout; counts it by result; logs a failure when the link goes down and again when it is back.</summary>
    private async Task<string?> PostAsync(string path, Func<CancellationToken, Task<string>> post, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            var result = await post(linked.Token).ConfigureAwait(false);
            _metrics.AutoscalerPosts.WithLabels(path, "ok").Inc();
            if (Interlocked.Exchange(ref _failing, 0) == 1)
            {
                LogRecovered(_logger, _client.BaseAddress);
            }

            return result;
        }
        catch (Exception e) when (e is HttpRequestException or InvalidDataException or System.Text.Json.JsonException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            _metrics.AutoscalerPosts.WithLabels(path, "error").Inc();
            if (Interlocked.Exchange(ref _failing, 1) == 0)
            {
                LogPostFailed(_logger, path, _client.BaseAddress, e);
            }

            return null;
        }
    }

    [LoggerMessage(EventId = ActivatorEventIds.PostFailed, Level = LogLevel.Warning, Message = "Sending to the autoscaler ({Path}) at {Autoscaler} failed; samples are kept for replay and failures counted until it answers again")]
    private static partial void LogPostFailed(ILogger logger, string path, Uri? autoscaler, Exception exception);

    [LoggerMessage(EventId = ActivatorEventIds.PassFailed, Level = LogLevel.Error, Message = "Sending a pass of samples to the autoscaler failed unexpectedly")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = ActivatorEventIds.Recovered, Level = LogLevel.Information, Message = "The autoscaler at {Autoscaler} answers again")]
    private static partial void LogRecovered(ILogger logger, Uri? autoscaler);

    [LoggerMessage(EventId = ActivatorEventIds.Replaying, Level = LogLevel.Information, Message = "Autoscaler {Autoscaler} is new to this activator: replaying {Samples} samples so it starts from a full window")]
    private static partial void LogReplaying(ILogger logger, string autoscaler, int samples);
}
