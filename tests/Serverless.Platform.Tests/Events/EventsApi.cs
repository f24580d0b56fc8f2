using System.Net;
using System.Text;
using System.Text.Json;
using Serverless.Core.Api;
using Serverless.Core.Serialization;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Events;

/// <summary>Admin and broker calls of the eventing tests, with bounded waits.</summary>
internal static class EventsApi
{
    private const string Base = "/apis/serverless.dev/v1alpha1/namespaces/default/";

    public static async Task CreateAsync<T>(HttpClient admin, string plural, T resource)
        where T : class
    {
        using var response = await admin.PostAsync(Base + plural, new StringContent(ResourceJson.Serialize(resource), Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{plural}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public static Trigger Trigger(string name, string type, Destination subscriber, DeliverySpec? delivery = null) => new()
    {
        Metadata = new k8s.Models.V1ObjectMeta { Name = name },
        Spec = new TriggerSpec
        {
            Broker = "default",
            Filters = [new SubscriptionsApiFilter { Exact = new Dictionary<string, string> { ["type"] = type } }],
            Subscriber = subscriber,
            Delivery = delivery,
        },
    };

    /// <summary>Waits until the Trigger is Ready (the platform's informers know it, so events will match it).</summary>
    public static async Task<Trigger> WaitReadyAsync(HttpClient admin, string name, PlatformProcess platform)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        Trigger? last = null;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await admin.GetAsync(Base + "triggers/" + name);
            last = ResourceJson.Deserialize<Trigger>(await response.Content.ReadAsStringAsync());
            if (last.Status?.Conditions?.Any(c => c.Type == ConditionTypes.Ready && c.Status == ConditionStatus.True) == true)
            {
                return last;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"trigger {name} not ready: {ResourceJson.Serialize(last?.Status ?? new TriggerStatus())}\n{platform.Output}");
    }

    /// <summary>POSTs events in structured batches of <paramref name="batchSize"/>, <paramref name="parallel"/> requests at a time; every answer must be 202.</summary>
    public static async Task PublishAsync(HttpClient ingress, IReadOnlyList<string> ids, string type, int batchSize, int parallel)
    {
        var batches = ids.Chunk(batchSize).ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (batch, ct) =>
        {
            var json = JsonSerializer.Serialize(batch.Select(id => new Dictionary<string, object>
            {
                ["specversion"] = "1.0",
                ["id"] = id,
                ["source"] = "/tests/events",
                ["type"] = type,
                ["datacontenttype"] = "application/json",
                ["data"] = new { id },
            }));
            using var response = await ingress.PostAsync("/brokers/default/default", new StringContent(json, Encoding.UTF8, "application/cloudevents-batch+json"), ct);
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        });
    }

    /// <summary>Polls until <paramref name="done"/> holds, at most <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> done, TimeSpan timeout, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(describe());
            }

            await Task.Delay(100);
        }
    }
}
