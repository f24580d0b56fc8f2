using System.Net;
using Serverless.Activator.Metrics;
using Serverless.Activator.Throttling;
using Serverless.Core.Contracts;
using Yarp.ReverseProxy.Forwarder;

namespace Serverless.Activator.Functions;

/// <summary>
/// What the request path needs of one workload (a revision's, or a Function's own) and would otherwise build per
/// request: its throttler, its metric labels and labelled children (<see cref="WorkloadLabels"/>) and the forwarder
/// configuration. The <see cref="FunctionRegistry"/>'s entry for a workload, created at its first request; thread-safe.
/// </summary>
internal sealed class FunctionRoute
{
    private WorkloadLabels _labels;
    private ForwarderRequestConfig _http11;
    private ForwarderRequestConfig _http2;

    public FunctionRoute(FunctionKey key, FunctionThrottler throttler, WorkloadLabels labels, TimeProvider time)
    {
        Time = time;
        Key = key;
        Throttler = throttler;
        Label = key.ToString();
        _labels = labels;
        _http11 = Http11(Timeout.InfiniteTimeSpan);
        _http2 = Http2(Timeout.InfiniteTimeSpan);
    }

    public FunctionKey Key { get; }

    public FunctionThrottler Throttler { get; }

    public TimeProvider Time { get; }

    /// <summary>Forward failures of this function are logged at most once per 10 s (they are all counted in metrics).</summary>
    public LogRateLimit ForwardFailureLog { get; } = new(TimeSpan.FromSeconds(10));

    /// <summary>The workload's key as logs and traces name it, <c>namespace/name</c>.</summary>
    public string Label { get; }

    /// <summary>
    /// The Function and revision the workload's metrics carry. Replaced (by the registry, off the request's hot path:
    /// only when the Function's status moved) when the workload starts running another revision.
    /// </summary>
    public WorkloadLabels Labels
    {
        get => Volatile.Read(ref _labels);
        set => Volatile.Write(ref _labels, value);
    }

    /// <summary>
    /// How much longer than the function's timeout the activator waits for the instance: the runtime answers 504
    /// with its own body at the timeout, counted from when it got the request, and that answer must win the race
    /// with the activator's own (empty) 504.
    /// </summary>
    public static readonly TimeSpan TimeoutGrace = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The forwarder configuration for the function's timeout (plus <see cref="TimeoutGrace"/>). HTTP/2 in means HTTP/2 out, with prior knowledge
    /// (h2c): a client can only speak cleartext HTTP/2 to the activator on an HTTP/2-only listener, which serves
    /// gRPC-style functions whose trailers need HTTP/2 on both hops. Everything else goes as HTTP/1.1.
    /// </summary>
    public ForwarderRequestConfig Config(TimeSpan timeout, bool http2)
    {
        // Rebuilt only when the function's timeout changes; a racing rebuild is harmless (equal values).
        timeout += TimeoutGrace;
        if (http2)
        {
            var h2 = Volatile.Read(ref _http2);
            return h2.ActivityTimeout == timeout ? h2 : (_http2 = Http2(timeout));
        }

        var http11 = Volatile.Read(ref _http11);
        return http11.ActivityTimeout == timeout ? http11 : (_http11 = Http11(timeout));
    }

    private static ForwarderRequestConfig Http11(TimeSpan timeout) =>
        new() { ActivityTimeout = timeout, Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };

    private static ForwarderRequestConfig Http2(TimeSpan timeout) =>
        new() { ActivityTimeout = timeout, Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
}
