using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudNative.CloudEvents.Http;
using CloudNative.CloudEvents.SystemTextJson;
using Serverless.Core.Api;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Events;

/// <summary>
/// Issue #15 item 1 with the official CloudEvents JavaScript SDK (npm <c>cloudevents</c>, installed by ./test) on both
/// ends of the real local broker: the SDK sends each case in binary and structured mode, the subscriber parses what
/// it receives with the SDK, and every attribute and the data must be what was sent. The C# SDK parses it too.
/// </summary>
public sealed class BrokerJsSdkTests
{
    private static readonly string Script = Path.Combine(RepoPaths.Root, "tests", "Serverless.Platform.Tests", "Events", "JsSdk", "sdk.mjs");

    [Fact]
    public async Task Broker_JsSdkEvents_ReachTheSubscriberAsSent()
    {
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(Script)!, "node_modules", "cloudevents", "package.json")), "the cloudevents npm package is missing: ./test installs it (npm ci in tests/Serverless.Platform.Tests/Events/JsSdk)");
        using var home = new TempDirectory("events-js-sdk");
        await using var platform = await PlatformProcess.StartAsync(home.Path);
        using var admin = platform.CreateAdminClient(TimeSpan.FromSeconds(30));
        using var sink = JsSink.Start();
        var port = await sink.PortAsync();
        await EventsApi.CreateAsync(admin, "triggers", EventsApi.Trigger("js-sdk", "com.example.check", new Destination { Uri = $"http://127.0.0.1:{port}/" }));
        await EventsApi.WaitReadyAsync(admin, "js-sdk", platform);

        var send = await ProcessRunner.RunAsync("node", [Script, "send", platform.IngressUrl + "/brokers/default/default"], null, Path.GetDirectoryName(Script)!, TimeSpan.FromSeconds(60));
        Assert.True(send.ExitCode == 0, send.ToString());
        var sent = send.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!.AsObject()).ToDictionary(s => (string)s["id"]!);
        Assert.Equal(12, sent.Count);

        await EventsApi.WaitUntilAsync(() => sink.Received.Count >= sent.Count, TimeSpan.FromSeconds(60), () => $"{sink.Received.Count} of {sent.Count} received\n{platform.Output}");
        foreach (var received in sink.Received)
        {
            var headers = received["headers"]!.AsObject();
            var id = (string)headers["ce-id"]!;
            var expected = sent[id]["event"]!.AsObject();
            Assert.True(received["error"] is null, $"{id}: the JS SDK could not parse what the subscriber received: {received["error"]}");
            var parsed = received["event"]!.AsObject();

            // Binary mode carries every attribute as a header string, so a typed extension (42, true) arrives as text: as
            // strings, all must match. The broker percent-encodes header values as the binding requires (3.1.3.2: space,
            // '"', '%', non-ASCII); the JS SDK 10 does not decode them (cloudevents/spec#1397 has the cross-SDK picture),
            // so its attribute strings are decoded here, once, as a conformant receiver does.
            Assert.Equal(Strings(expected), Strings(parsed, decode: true));
            Assert.False(headers.ContainsKey("ce-knativebrokerttl"), id);
            // The JS SDK sends a string under application/json in binary mode unquoted (not JSON), which the broker relays
            // as sent; the C# SDK refuses such a body, so that one case is read by the JS SDK only.
            if ((string)expected["specversion"]! == "1.0" && id != "unicode-binary")
            {
                await AssertCSharpSdkReadsAsync(id, headers, Convert.FromBase64String((string)received["body"]!), expected);
            }
        }
    }

    /// <summary>The same request read by the C# SDK (which knows specversion 1.0 only).</summary>
    private static async Task AssertCSharpSdkReadsAsync(string id, JsonObject headers, byte[] body, JsonObject expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://subscriber.test/") { Content = new ByteArrayContent(body) };
        foreach (var (name, value) in headers)
        {
            if (name.StartsWith("ce-", StringComparison.Ordinal))
            {
                request.Headers.TryAddWithoutValidation(name, (string)value!);
            }
            else if (name == "content-type")
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse((string)value!);
            }
        }

        var cloudEvent = await request.ToCloudEventAsync(new JsonEventFormatter());
        Assert.Equal(id, cloudEvent.Id);
        Assert.Equal((string)expected["type"]!, cloudEvent.Type);
        Assert.Equal((string)expected["source"]!, cloudEvent.Source!.OriginalString);
        Assert.Equal(DateTimeOffset.Parse((string)expected["time"]!, System.Globalization.CultureInfo.InvariantCulture), cloudEvent.Time);
    }

    /// <summary>Every member as its string form (JSON text for objects), so types lost to headers do not count and everything else does.</summary>
    private static SortedDictionary<string, string> Strings(JsonObject json, bool decode = false) =>
        new(json.ToDictionary(
            m => m.Key,
            m => m.Value switch
            {
                JsonValue value when value.TryGetValue<string>(out var text) => decode && m.Key is not "data" and not "data_base64" ? Uri.UnescapeDataString(text) : text,
                null => "null",
                var other => other.ToJsonString(),
            }),
            StringComparer.Ordinal);

    /// <summary>The SDK's subscriber (<c>node sdk.mjs sink</c>): its port, then one JSON line per request it received.</summary>
    private sealed class JsSink : IDisposable
    {
        private readonly Process _process;
        private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private JsSink(Process process) => _process = process;

        public ConcurrentQueue<JsonObject> Received { get; } = new();

        public static JsSink Start()
        {
            var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(Script)! };
            info.ArgumentList.Add(Script);
            info.ArgumentList.Add("sink");
            var sink = new JsSink(Process.Start(info)!);
            sink._process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is not { Length: > 0 } line)
                {
                    return;
                }

                var json = JsonNode.Parse(line)!.AsObject();
                if (json["port"] is { } port)
                {
                    sink._port.TrySetResult((int)port);
                }
                else
                {
                    sink.Received.Enqueue(json);
                }
            };
            sink._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { sink._port.TrySetException(new InvalidOperationException("sink: " + e.Data)); } };
            sink._process.BeginOutputReadLine();
            sink._process.BeginErrorReadLine();
            return sink;
        }

        public Task<int> PortAsync() => _port.Task.WaitAsync(TimeSpan.FromSeconds(30));

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }

            _process.Dispose();
        }
    }
}
