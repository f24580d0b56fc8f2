using System.Net;
using System.Text;
using Serverless.Core.Api;
using Serverless.Core.Serialization;
using Serverless.Platform.Tests.Admin;
using Serverless.TestSupport;
using Xunit.Abstractions;

namespace Serverless.Platform.Tests.Events;

/// <summary>
/// The RabbitMQ broker class on the real local platform, against a private RabbitMQ node: selected by config.json
/// (<c>broker.rabbitmq-url</c>, <c>broker.default-class</c>) or by <c>func up --broker-url</c>.
/// </summary>
public sealed class BrokerRabbitMqTests(ITestOutputHelper output)
{
    private static Destination Uri(EventSink sink, string path) => BrokerScenarios.Subscriber(sink, path);

    private static async Task WriteConfigAsync(TempDirectory home, RabbitMqServer rabbitMq) =>
        await File.WriteAllTextAsync(
            Path.Combine(home.Path, "config.json"),
            $$$"""{"broker": {"default-class": "rabbitmq", "rabbitmq-url": "{{{rabbitMq.Url}}}"} }""");

    private static Task<(PlatformProcess Platform, HttpClient Admin, HttpClient Ingress)> StartAsync(TempDirectory home) => BrokerScenarios.StartAsync(home);

    private static StringContent OneEvent(string id) => new(
        $$$"""{"specversion": "1.0", "id": "{{{id}}}", "source": "/tests", "type": "com.example.rabbit", "data": {"n": 1} }""",
        Encoding.UTF8,
        "application/cloudevents+json");

    [Fact]
    public async Task RabbitMq_ThousandEventsToFunctionAtZero_RepliesThroughTheBroker()
    {
        await using var rabbitMq = await RabbitMqServer.StartAsync();
        using var home = new TempDirectory("events-rmq-fn");
        await WriteConfigAsync(home, rabbitMq);

        var (_, replies, _, platformOutput) = await BrokerScenarios.ThousandEventsThroughFunctionAtZeroAsync(home, "rmq");

        Assert.All(replies, r => Assert.False(r.Attributes.ContainsKey("knativebrokerttl"), "the broker's TTL reached a subscriber"));
        Assert.Contains("Connected to RabbitMQ at 127.0.0.1:" + rabbitMq.Port, platformOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("guest:guest", platformOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RabbitMq_KilledWithTenThousandUndelivered_DeliversEveryOneAfterRestart()
    {
        await using var rabbitMq = await RabbitMqServer.StartAsync();
        using var home = new TempDirectory("events-rmq-kill");
        await WriteConfigAsync(home, rabbitMq);

        var received = await BrokerScenarios.KilledWithTenThousandUndeliveredThenRestartedAsync(home);

        output.WriteLine($"RabbitMQ broker after SIGKILL and restart: 10000 distinct events delivered, {received - 10_000} duplicates");
        Assert.True(received >= 10_000);
    }

    [Fact]
    public async Task RabbitMq_Away_IngressAnswers503WithRetryAfter_AndRecoversByItself()
    {
        await using var rabbitMq = await RabbitMqServer.StartAsync();
        using var home = new TempDirectory("events-rmq-away");
        await WriteConfigAsync(home, rabbitMq);
        await using var sink = await EventSink.StartAsync();
        var (platform, admin, ingress) = await StartAsync(home);
        await using var _ = platform;
        using var a = admin;
        using var i = ingress;
        await EventsApi.CreateAsync(admin, "triggers", EventsApi.Trigger("t", "com.example.rabbit", Uri(sink, "/ok")));
        await EventsApi.WaitReadyAsync(admin, "t", platform);
        using (var first = await ingress.PostAsync("/brokers/default/default", OneEvent("before")))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }

        await rabbitMq.StopAsync();
        using (var away = await ingress.PostAsync("/brokers/default/default", OneEvent("away")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, away.StatusCode);
            Assert.NotNull(away.Headers.RetryAfter);
        }

        await rabbitMq.StartNodeAsync();
        await EventsApi.WaitUntilAsync(
            () =>
            {
                using var response = ingress.PostAsync("/brokers/default/default", OneEvent("after")).GetAwaiter().GetResult();
                return response.StatusCode == HttpStatusCode.Accepted;
            },
            TimeSpan.FromSeconds(60),
            () => "the ingress did not accept events again after RabbitMQ returned\n" + platform.Output);
        await EventsApi.WaitUntilAsync(
            () => sink.At("/ok").Any(r => r.Id == "after"),
            TimeSpan.FromSeconds(60),
            () => "no delivery after RabbitMQ returned\n" + platform.Output);
        Assert.Contains(sink.At("/ok"), r => r.Id == "before");
    }

    [Fact]
    public async Task BrokerClass_Unknown_BrokerNotReadyNamingIt_AndIngress503()
    {
        using var home = new TempDirectory("events-class");
        var (platform, admin, ingress) = await StartAsync(home);
        await using var _ = platform;
        using var a = admin;
        using var i = ingress;
        var broker = new Broker
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "kafkaish", Annotations = new Dictionary<string, string> { ["eventing.knative.dev/broker.class"] = "Kafka" } },
        };
        await EventsApi.CreateAsync(admin, "brokers", broker);

        Broker? status = null;
        await EventsApi.WaitUntilAsync(
            () =>
            {
                var json = admin.GetStringAsync("/apis/serverless.dev/v1alpha1/namespaces/default/brokers/kafkaish").GetAwaiter().GetResult();
                status = ResourceJson.Deserialize<Broker>(json);
                return status.Status?.Conditions?.Any(c => c.Type == ConditionTypes.Ready) == true;
            },
            TimeSpan.FromSeconds(30),
            () => "no Ready condition\n" + platform.Output);
        var ready = status!.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Ready);
        Assert.Equal(("False", "BrokerClassUnavailable"), (ready.Status, ready.Reason));
        Assert.Contains("unknown broker class \"Kafka\"", ready.Message, StringComparison.Ordinal);

        await EventsApi.CreateAsync(admin, "triggers", new Trigger
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "on-kafkaish" },
            Spec = new TriggerSpec { Broker = "kafkaish", Subscriber = new Destination { Uri = "http://127.0.0.1:9/" } },
        });
        await EventsApi.WaitUntilAsync(
            () =>
            {
                var json = admin.GetStringAsync("/apis/serverless.dev/v1alpha1/namespaces/default/triggers/on-kafkaish").GetAwaiter().GetResult();
                return ResourceJson.Deserialize<Trigger>(json).Status?.Conditions?.Any(c => c.Type == ConditionTypes.Ready && c.Reason == "BrokerClassUnavailable") == true;
            },
            TimeSpan.FromSeconds(30),
            () => "the Trigger on a Broker of an unknown class is not Ready=False BrokerClassUnavailable\n" + platform.Output);
        await EventsApi.WaitUntilAsync(
            () =>
            {
                using var response = ingress.PostAsync("/brokers/default/kafkaish", OneEvent("e1")).GetAwaiter().GetResult();
                return response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is not null;
            },
            TimeSpan.FromSeconds(30),
            () => "the ingress of a Broker of an unknown class did not answer 503 + Retry-After\n" + platform.Output);
    }

    [Fact]
    public async Task FuncUp_BrokerUrl_PlatformRunsOnRabbitMq_UrlNeverOnTheCommandLineOrInTheLog()
    {
        await using var rabbitMq = await RabbitMqServer.StartAsync();
        using var home = new TempDirectory("events-func-up");
        var func = new FuncCli(home.Path);
        try
        {
            var up = await func.RunAsync("up", "--detach", "--no-sandbox", "--ingress", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--broker-url", rabbitMq.Url.ToString());
            Assert.True(up.ExitCode == 0, up.ToString());
            var log = Path.Combine(home.Path, "logs", "platform.log");
            await EventsApi.WaitUntilAsync(
                () => File.Exists(log) && File.ReadAllText(log).Contains("Connected to RabbitMQ at 127.0.0.1:" + rabbitMq.Port, StringComparison.Ordinal),
                TimeSpan.FromSeconds(60),
                () => "the platform did not connect to RabbitMQ:\n" + (File.Exists(log) ? File.ReadAllText(log) : "(no log)"));

            Assert.DoesNotContain("guest:guest", File.ReadAllText(log), StringComparison.Ordinal);
            Assert.DoesNotContain("guest:guest", up.StdOut + up.StdErr, StringComparison.Ordinal);
            var pids = ProcessTree.WithEnvironment("SERVERLESS_HOME", home.Path);
            Assert.NotEmpty(pids);
            foreach (var pid in pids)
            {
                var commandLine = File.ReadAllText($"/proc/{pid}/cmdline");
                Assert.DoesNotContain("guest:guest", commandLine, StringComparison.Ordinal);
            }
        }
        finally
        {
            var down = await func.RunAsync("down");
            Assert.True(down.ExitCode == 0, down.ToString());
        }
    }

    [Fact]
    public async Task FuncUp_BadBrokerUrl_RefusedWithoutEchoingIt()
    {
        using var home = new TempDirectory("events-func-up-bad");
        var func = new FuncCli(home.Path);

        var up = await func.RunAsync("up", "--detach", "--broker-url", "http://admin:s3cret@mq.example:5672/");

        Assert.NotEqual(0, up.ExitCode);
        Assert.Contains("--broker-url: must be an amqp:// or amqps:// URL", up.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", up.StdOut + up.StdErr, StringComparison.Ordinal);
    }
}
