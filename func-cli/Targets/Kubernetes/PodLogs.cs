using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using k8s;

namespace Serverless.Cli.Targets.Kubernetes;

/// <summary>
/// A function's log over <c>pods/log</c> of its pods (label <c>serverless.dev/function</c>), container
/// <c>function</c>, with the kubelet's timestamps so lines of several pods merge in time order.
/// </summary>
internal sealed class PodLogs(IKubernetes client, KubeCalls calls)
{
    public const string Container = "function";

    public async IAsyncEnumerable<LogLine> ReadAsync(string @namespace, string function, LogRequest request, int defaultTail, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pods = await calls.Run(
            () => client.CoreV1.ListNamespacedPodAsync(@namespace, labelSelector: $"{ArtifactConfigMap.FunctionLabel}={function}", cancellationToken: cancellationToken),
            $"listing the pods of {@namespace}/{function}",
            cancellationToken).ConfigureAwait(false);
        var names = pods.Items.Select(p => p.Metadata.Name).Order(StringComparer.Ordinal).ToList();
        var tail = request.TailLines ?? defaultTail;
        if (!request.Follow)
        {
            var lines = new List<LogLine>();
            foreach (var pod in names)
            {
                await foreach (var line in PodLinesAsync(@namespace, pod, follow: false, tail, cancellationToken).ConfigureAwait(false))
                {
                    lines.Add(line);
                }
            }

            // OrderBy is stable: lines of one pod keep their order when timestamps tie or are missing.
            foreach (var line in lines.OrderBy(l => TimestampOf(l.Text)).TakeLast(tail))
            {
                yield return line;
            }

            yield break;
        }

        var merged = Channel.CreateUnbounded<LogLine>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var readers = names.Select(pod => Task.Run(async () =>
        {
            await foreach (var line in PodLinesAsync(@namespace, pod, follow: true, tail, stop.Token).ConfigureAwait(false))
            {
                await merged.Writer.WriteAsync(line, stop.Token).ConfigureAwait(false);
            }
        }, stop.Token)).ToArray();
        _ = Task.WhenAll(readers).ContinueWith(t => merged.Writer.TryComplete(t.Exception?.GetBaseException()), TaskScheduler.Default);

        var followed = merged.Reader.ReadAllAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await followed.MoveNextAsync().ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    yield break;
                }

                if (!more)
                {
                    yield break;
                }

                yield return followed.Current;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await followed.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async IAsyncEnumerable<LogLine> PodLinesAsync(string @namespace, string pod, bool follow, int tail, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stream = await calls.Run(
            () => client.CoreV1.ReadNamespacedPodLogAsync(pod, @namespace, container: Container, follow: follow, tailLines: tail, timestamps: true, cancellationToken: cancellationToken),
            $"reading the log of pod {@namespace}/{pod}",
            cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream);
        while (await ReadLineAsync(reader, cancellationToken).ConfigureAwait(false) is { } line)
        {
            yield return new LogLine(pod, line);
        }
    }

    private static async Task<string?> ReadLineAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    // The kubelet prefixes each line with an RFC 3339 timestamp when asked (timestamps=true).
    internal static DateTimeOffset TimestampOf(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var head = space < 0 ? line : line[..space];
        return DateTimeOffset.TryParse(head, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : DateTimeOffset.MinValue;
    }
}
