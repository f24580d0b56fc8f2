using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Serverless.Core.Api;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.KubeApiServer;
using Serverless.TestSupport;
using Xunit.Abstractions;

namespace Serverless.Platform.Tests.Kubernetes.Eventing;

/// <summary>
/// Kubernetes mode's broker role, the real process, against the API double and a real RabbitMQ: Broker and Trigger
/// status as a cluster user sees it, events from the role's ingress to a URI subscriber and, through the activator's
/// path form, to a Function subscriber, byte for byte; and without RabbitMQ, Brokers that say what to configure.
/// </summary>
public sealed class KubernetesBrokerRoleTests(ITestOutputHelper output)
{
    private const string Ns = "team-a";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task BrokerRole_WithRabbitMq_StatusAddressesAndDeliversThroughTheActivator()
    {
        using var bound = new CancellationTokenSource(Bound);
        await using var rabbit = await RabbitMqServer.StartAsync();
        await using var api = await KubeApiDouble.StartAsync();
        await using var receiver = await Receiver.StartAsync();
        using var directory = new TempDirectory("kube-broker");
        int httpPort = FreePort.Next(), metricsPort = FreePort.Next();
        var kubeconfig = api.WriteKubeconfig(Path.Combine(directory.Path, "broker.kubeconfig"), "serverless-broker");

        // The activator's place is taken by the receiver: a Function subscriber must arrive at {activator}/{ns}/{function}/.
        // The URL arrives as the Secret's variable, as in the broker's Deployment: the role refuses it as an argument.
        await using var broker = KubernetesComponent.Start(kubeconfig, "broker-0",
            new Dictionary<string, string> { ["SERVERLESS_BROKER_URL"] = rabbit.Url.ToString() },
            "broker", "--http", $"127.0.0.1:{httpPort}", "--metrics", $"127.0.0.1:{metricsPort}",
            "--activator-url", receiver.Url + "activator/");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            await broker.WaitReadyAsync(http, new Uri($"http://127.0.0.1:{metricsPort}/readyz"), bound.Token);
            var user = api.CreateClient("user");
            await CreateAsync(user, Function.Plural, """{"kind":"Function","metadata":{"name":"orders-fn"},"spec":{"runtime":"node","handler":"index.js:handle","image":"ghcr.io/serverless-dev/hello-node:0.1.0"}}""", bound.Token);
            await CreateAsync(user, Broker.Plural, """{"kind":"Broker","metadata":{"name":"default"},"spec":{}}""", bound.Token);
            await CreateAsync(user, Trigger.Plural, """{"kind":"Trigger","metadata":{"name":"to-uri"},"spec":{"broker":"default","subscriber":{"uri":"URL"}}}""".Replace("URL", receiver.Url + "sink", StringComparison.Ordinal), bound.Token);
            await CreateAsync(user, Trigger.Plural, """{"kind":"Trigger","metadata":{"name":"to-fn"},"spec":{"broker":"default","filter":{"attributes":{"type":"order.created"}},"subscriber":{"ref":{"kind":"Function","name":"orders-fn"}}}}""", bound.Token);
            await CreateAsync(user, Trigger.Plural, """{"kind":"Trigger","metadata":{"name":"to-nobody"},"spec":{"broker":"default","subscriber":{"ref":{"kind":"Function","name":"missing"}}}}""", bound.Token);

            await Until(() => Ready(api, ResourceTypes.Brokers, "default") == ("True", "Ready") && Ready(api, ResourceTypes.Triggers, "to-fn") == ("True", "Ready"), "Broker and Trigger Ready", broker, bound.Token);
            var brokerObject = api.GetObject(ResourceTypes.Brokers, Ns, "default")!;
            Assert.Equal("http://broker-ingress.serverless-system.svc/team-a/default", brokerObject["status"]!["address"]!.GetValue<string>());
            Assert.Equal(receiver.Url + "activator/team-a/orders-fn/", api.GetObject(ResourceTypes.Triggers, Ns, "to-fn")!["status"]!["subscriberUri"]!.GetValue<string>());
            await Until(() => Ready(api, ResourceTypes.Triggers, "to-nobody") == ("False", "SubscriberNotFound"), "the Trigger to a missing Function says so", broker, bound.Token);

            // Binary mode, JSON data with whitespace and non-ASCII: the same bytes reach both subscribers.
            var data = Encoding.UTF8.GetBytes("{\n    \"message\": \"Hello, 🌎!\"\n}\n");
            using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{httpPort}/{Ns}/default") { Content = new ByteArrayContent(data) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            request.Headers.Add("ce-specversion", "1.0");
            request.Headers.Add("ce-id", "order-1");
            request.Headers.Add("ce-source", "/shop");
            request.Headers.Add("ce-type", "order.created");
            request.Headers.Add("ce-time", "2026-12-06T23:59:24.123456789Z");
            using var accepted = await http.SendAsync(request, bound.Token);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

            await Until(() => receiver.At("/sink").Any() && receiver.At("/activator/team-a/orders-fn/").Any(), "both subscribers receive the event", broker, bound.Token);
            foreach (var got in new[] { receiver.At("/sink").Single(), receiver.At("/activator/team-a/orders-fn/").Single() })
            {
                Assert.Equal(data, got.Body);
                Assert.Equal(("order-1", "2026-12-06T23:59:24.123456789Z", "application/json"), (got.Headers["ce-id"], got.Headers["ce-time"], got.Headers["Content-Type"]));
            }

            // An unknown broker: 404; the local path form is not this server's.
            using var unknown = await http.PostAsync($"http://127.0.0.1:{httpPort}/{Ns}/nope", new ByteArrayContent(data), bound.Token);
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            using var localForm = await http.PostAsync($"http://127.0.0.1:{httpPort}/brokers/{Ns}/default", new ByteArrayContent(data), bound.Token);
            Assert.Equal(HttpStatusCode.NotFound, localForm.StatusCode);

            var metrics = await http.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics", bound.Token);
            Assert.Contains("serverless_broker_events_received_total{namespace=\"team-a\",broker=\"default\"}", metrics, StringComparison.Ordinal);
            Assert.Equal(0, await broker.StopAsync());
        }
        finally
        {
            output.WriteLine(broker.Output);
        }

        // Exactly the broker role's grants (deploy/rbac/broker.yaml), and nothing of anyone else's.
        var made = api.Audit.For("serverless-broker").Select(r => $"{r.Verb} {r.ApiGroup}/{r.ResourcePath}").Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Empty(made.Except(
        [
            "list serverless.dev/brokers", "watch serverless.dev/brokers", "update serverless.dev/brokers/status",
            "list serverless.dev/triggers", "watch serverless.dev/triggers", "update serverless.dev/triggers/status",
            "list serverless.dev/functions", "watch serverless.dev/functions",
        ]));
    }

    [Fact]
    public async Task BrokerRole_WithoutRabbitMq_BrokersSayWhatToConfigureAndIngressAnswers503()
    {
        using var bound = new CancellationTokenSource(Bound);
        await using var api = await KubeApiDouble.StartAsync();
        using var directory = new TempDirectory("kube-broker-none");
        int httpPort = FreePort.Next(), metricsPort = FreePort.Next();
        var kubeconfig = api.WriteKubeconfig(Path.Combine(directory.Path, "broker.kubeconfig"), "serverless-broker");
        await using var broker = KubernetesComponent.Start(kubeconfig, "broker-0", "broker", "--http", $"127.0.0.1:{httpPort}", "--metrics", $"127.0.0.1:{metricsPort}");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            await broker.WaitReadyAsync(http, new Uri($"http://127.0.0.1:{metricsPort}/readyz"), bound.Token);
            var user = api.CreateClient("user");
            await CreateAsync(user, Broker.Plural, """{"kind":"Broker","metadata":{"name":"default"},"spec":{}}""", bound.Token);
            await CreateAsync(user, Broker.Plural, """{"kind":"Broker","metadata":{"name":"local","annotations":{"serverless.dev/broker.class":"sqlite"}},"spec":{}}""", bound.Token);

            await Until(() => Ready(api, ResourceTypes.Brokers, "default").Reason == "BrokerClassUnavailable" && Ready(api, ResourceTypes.Brokers, "local").Reason == "BrokerClassUnavailable", "both Brokers not Ready", broker, bound.Token);
            Assert.Contains("Secret serverless-broker-rabbitmq", Message(api, "default"), StringComparison.Ordinal);
            Assert.Contains("local mode only", Message(api, "local"), StringComparison.Ordinal);

            using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{httpPort}/{Ns}/default") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
            foreach (var (name, value) in new[] { ("ce-specversion", "1.0"), ("ce-id", "1"), ("ce-source", "/s"), ("ce-type", "t") })
            {
                request.Headers.Add(name, value);
            }

            using var refused = await http.SendAsync(request, bound.Token);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Contains("serverless-broker-rabbitmq", await refused.Content.ReadAsStringAsync(bound.Token), StringComparison.Ordinal);
        }
        finally
        {
            output.WriteLine(broker.Output);
        }
    }

    private static Task CreateAsync(IKubernetes user, string plural, string json, CancellationToken cancellationToken)
    {
        var body = JsonNode.Parse(json)!.AsObject();
        body["apiVersion"] = ApiGroup.ApiVersion;
        return user.CustomObjects.CreateNamespacedCustomObjectAsync(body, ApiGroup.Group, ApiGroup.Version, Ns, plural, cancellationToken: cancellationToken);
    }

    private static (string? Status, string? Reason) Ready(KubeApiDouble api, ResourceType type, string name) =>
        (api.GetObject(type, Ns, name)?["status"]?["conditions"] as JsonArray)?.FirstOrDefault(c => c?["type"]?.GetValue<string>() == ConditionTypes.Ready) is { } ready
            ? (ready["status"]?.GetValue<string>(), ready["reason"]?.GetValue<string>())
            : (null, null);

    private static string Message(KubeApiDouble api, string broker) =>
        (api.GetObject(ResourceTypes.Brokers, Ns, broker)!["status"]!["conditions"] as JsonArray)!.Single(c => c!["type"]!.GetValue<string>() == ConditionTypes.Ready)!["message"]!.GetValue<string>();

    private static async Task Until(Func<bool> condition, string what, KubernetesComponent component, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            Assert.False(component.HasExited, $"the broker role exited while waiting for {what}:\n{component.Output}");
            Assert.False(cancellationToken.IsCancellationRequested, $"not within {Bound.TotalSeconds} s: {what}\n{component.Output}");
            await Task.Delay(50, CancellationToken.None);
        }
    }

    /// <summary>Records every request: path, headers and body bytes; answers 202.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private Receiver(WebApplication app) => _app = app;

        public string Url { get; private set; } = "";

        public ConcurrentQueue<Request> All { get; } = new();

        public IEnumerable<Request> At(string path) => All.Where(r => r.Path == path);

        public sealed record Request(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body);

        public static async Task<Receiver> StartAsync()
        {
            Receiver? receiver = null;
            var app = await LoopbackApp.StartAsync(app => app.Run(context => receiver!.HandleAsync(context)));
            receiver = new Receiver(app) { Url = LoopbackApp.AddressOf(app).ToString() };
            return receiver;
        }

        private async Task HandleAsync(HttpContext context)
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            All.Enqueue(new Request(
                context.Request.Path.Value ?? "",
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body.ToArray()));
            context.Response.StatusCode = StatusCodes.Status202Accepted;
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }
}
