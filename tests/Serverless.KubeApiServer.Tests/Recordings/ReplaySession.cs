using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Serverless.TestSupport;

namespace Serverless.KubeApiServer.Tests.Recordings;

/// <summary>
/// Replays recorded requests against a fresh double over plain HTTP, on virtual time: the clock moves
/// <see cref="StepGap"/> per step (the recorder's pace), and a watch's bookmarks and timeout are reached by
/// moving it, so no step waits for real seconds.
/// </summary>
internal sealed class ReplaySession : IAsyncDisposable
{
    public static readonly TimeSpan StepGap = TimeSpan.FromMilliseconds(10);
    public static readonly TimeSpan BookmarkInterval = TimeSpan.FromSeconds(1);

    // Real time allowed for an event the history already holds to arrive.
    private static readonly TimeSpan EventWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan SurplusWait = TimeSpan.FromMilliseconds(200);

    private readonly HttpClient _http;
    private readonly RecordedValueMap _values = new();

    private ReplaySession(KubeApiDouble server, ManualTimeProvider time)
    {
        Server = server;
        Time = time;
        _http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public KubeApiDouble Server { get; }

    public ManualTimeProvider Time { get; }

    /// <summary>A double configured as the recorded server was: namespaces must exist, bookmarks come on their own.</summary>
    public static async Task<ReplaySession> StartAsync(IEnumerable<string> namespaces)
    {
        // From a whole second: managedFields times have a second's resolution and order entries, and each recorded
        // scenario's writes fell within one second (92 steps at StepGap stay within it); a start late in a second
        // would put a later step's entry into the next one and reorder the list (a flake seen once in a full run).
        var now = DateTimeOffset.UtcNow;
        var time = new ManualTimeProvider(new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero));
        var server = await KubeApiDouble.StartAsync(ReplayOptions.For(time, BookmarkInterval));
        var session = new ReplaySession(server, time);
        foreach (var ns in namespaces)
        {
            using var created = await session._http.PostAsync(
                "api/v1/namespaces",
                new StringContent(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } }.ToJsonString(), Encoding.UTF8, "application/json"));
            created.EnsureSuccessStatusCode();
        }

        return session;
    }

    public async Task<ObservedResponse> RunAsync(RecordedStep step)
    {
        Time.Advance(StepGap);
        var request = step.Request;
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), _values.MapPath(request.Path).TrimStart('/'));
        if (request.Accept is { } accept)
        {
            message.Headers.TryAddWithoutValidation("Accept", accept);
        }

        if (request.Body is { } body)
        {
            var mapped = _values.MapBody(body);
            var text = mapped is JsonValue value && value.TryGetValue<string>(out var raw) ? raw : mapped!.ToJsonString();
            message.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
            message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType ?? "application/json");
        }

        var answer = request.IsWatch ? await WatchAsync(message, step) : await SendAsync(message);
        _values.Learn(step.Response.Body, answer.Body);
        return answer;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Server.DisposeAsync();
    }

    private async Task<ObservedResponse> SendAsync(HttpRequestMessage message)
    {
        using var response = await _http.SendAsync(message);
        return await ReadAsync(response);
    }

    private static async Task<ObservedResponse> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        var contentType = ContentType(response);
        JsonNode? body = JsonValue.Create(text);
        if (contentType?.Contains("json", StringComparison.Ordinal) == true || text.TrimStart().StartsWith('{'))
        {
            try
            {
                body = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                // Not JSON after all: compared as text.
            }
        }

        return new ObservedResponse((int)response.StatusCode, contentType, Warnings(response), body, null, StreamEnded: false);
    }

    // Reads the events the history already holds, then moves the clock for bookmarks and for the timeout.
    private async Task<ObservedResponse> WatchAsync(HttpRequestMessage message, RecordedStep step)
    {
        // A watch gets a connection of its own: its end (timeout or our disconnect) must not touch the next request's.
        message.Headers.ConnectionClose = true;
        HttpResponseMessage response;
        using (var headers = new CancellationTokenSource(EventWait))
        {
            try
            {
                response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, headers.Token);
            }
            catch (OperationCanceledException)
            {
                // A real server sends a watch's headers at once, whether or not an event follows.
                return new ObservedResponse(0, null, [], JsonValue.Create("(no response headers within the wait)"), [], StreamEnded: false);
            }
        }

        using var _ = response;
        if ((int)response.StatusCode != 200)
        {
            return await ReadAsync(response);
        }

        var lines = Channel.CreateUnbounded<string>();
        var stream = await response.Content.ReadAsStreamAsync();
        var pump = Task.Run(async () =>
        {
            try
            {
                using var reader = new StreamReader(stream);
                while (await reader.ReadLineAsync() is { } line)
                {
                    lines.Writer.TryWrite(line);
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or HttpRequestException)
            {
                // The connection went away: the stream ended.
            }
            finally
            {
                lines.Writer.TryComplete();
            }
        });

        var expected = step.Response.Events ?? [];
        var events = new List<JsonObject>();
        var ended = false;

        async Task<bool> Next(TimeSpan wait)
        {
            using var cts = new CancellationTokenSource(wait);
            try
            {
                var line = await lines.Reader.ReadAsync(cts.Token);
                events.Add(JsonNode.Parse(line)!.AsObject());
                return true;
            }
            catch (ChannelClosedException)
            {
                ended = true;
                return false;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        var wanted = expected.Count(e => !IsBookmark(e));
        while (!ended && events.Count(e => !IsBookmark(e)) < wanted && await Next(EventWait))
        {
        }

        while (!ended && await Next(SurplusWait))
        {
        }

        if (!ended && expected.Any(IsBookmark))
        {
            Time.Advance(BookmarkInterval);
            while (!ended && !events.Any(IsBookmark) && await Next(EventWait))
            {
            }
        }

        if (!ended && TimeoutSeconds(step.Request.Path) is { } timeout)
        {
            Time.Advance(timeout + TimeSpan.FromSeconds(1));
            while (!ended && await Next(EventWait))
            {
            }
        }

        response.Dispose();
        await pump;

        return new ObservedResponse(200, ContentType(response), Warnings(response), null, events, ended);
    }

    private static bool IsBookmark(JsonObject e) => e["type"]?.GetValue<string>() == "BOOKMARK";

    private static TimeSpan? TimeoutSeconds(string path)
    {
        var query = path.Split('?', 2) is [_, var q] ? q : "";
        return query.Split('&').Select(p => p.Split('=', 2)).FirstOrDefault(p => p[0] == "timeoutSeconds") is [_, var value]
            && int.TryParse(value, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }

    private static string? ContentType(HttpResponseMessage response) =>
        response.Content.Headers.TryGetValues("Content-Type", out var values) ? string.Join(", ", values) : null;

    private static List<string> Warnings(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Warning", out var values) ? values.ToList() : [];
}
