using System.Text.Json;
using Serverless.Backends.Local.Processes;
using Serverless.Core.Contracts;
using Serverless.Platform.Admin;

namespace Serverless.Platform.Tests.Monitoring;

public sealed class PrometheusDiscoveryApiTests
{
    [Fact]
    public void Targets_NoInstance_IsAnEmptyList()
    {
        Assert.Equal("[]", System.Text.Encoding.UTF8.GetString(PrometheusDiscoveryApi.Targets([])));
    }

    [Fact]
    public void Targets_Instances_OneGroupEachOnItsPlatformPortWithItsLabelsInStableOrder()
    {
        LocalInstanceInfo[] instances =
        [
            Instance("team-b", "zeta", "zeta-aaaa-3", port: 4001, platformPort: 5001),
            Instance("team-a", "hello", "hello-bbbb-2", port: 4002, platformPort: 5002, LocalInstanceState.Draining),
            Instance("team-a", "hello", "hello-bbbb-1", port: 4003, platformPort: 5003),
        ];

        using var json = JsonDocument.Parse(PrometheusDiscoveryApi.Targets(instances));

        var groups = json.RootElement.EnumerateArray().Select(g => (
            Target: Assert.Single(g.GetProperty("targets").EnumerateArray()).GetString(),
            Labels: g.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()))).ToList();
        Assert.Equal(["127.0.0.1:5003", "127.0.0.1:5002", "127.0.0.1:5001"], groups.Select(g => g.Target));
        Assert.Equal(
            new Dictionary<string, string?> { ["namespace"] = "team-a", ["function"] = "hello", ["revision"] = "rev-hello", ["instance_id"] = "hello-bbbb-1" },
            groups[0].Labels);
    }

    private static LocalInstanceInfo Instance(string ns, string name, string id, int port, int platformPort, LocalInstanceState state = LocalInstanceState.Ready) =>
        new(id, "rev-" + name, Pid: 1, port, state, DateTimeOffset.UnixEpoch, "/log")
        {
            PlatformPort = platformPort,
            Function = new FunctionKey(ns, name),
        };
}
