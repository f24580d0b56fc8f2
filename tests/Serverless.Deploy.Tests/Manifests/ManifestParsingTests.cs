using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Serverless.Deploy.Tests.Support;

namespace Serverless.Deploy.Tests.Manifests;

public sealed class ManifestParsingTests
{
    public static TheoryData<string> Parts => new(DeployFiles.Parts);

    public static TheoryData<string> TypedParts => new(TypedManifests.TypedParts);

    [Theory]
    [MemberData(nameof(Parts))]
    public void Load_EveryPart_ParsesIntoDocumentsWithKindAndName(string part)
    {
        var documents = DeployFiles.Load(part);

        Assert.NotEmpty(documents);
        Assert.All(documents, d =>
        {
            Assert.False(string.IsNullOrEmpty((string?)d.Node["apiVersion"]), d + ": apiVersion");
            Assert.False(string.IsNullOrEmpty(d.Kind), d + ": kind");
            Assert.False(string.IsNullOrEmpty(d.Name), d + ": metadata.name");
        });
    }

    [Theory]
    [MemberData(nameof(TypedParts))]
    public void LoadAllFromString_EveryPart_RoundTripsThroughTheTypedModelsWithoutLosingAField(string part)
    {
        var typed = KubernetesYaml.LoadAllFromString(DeployFiles.Read(part));
        var documents = DeployFiles.Load(part);

        Assert.Equal(documents.Count, typed.Count);
        for (var i = 0; i < typed.Count; i++)
        {
            Assert.IsAssignableFrom<IKubernetesObject<V1ObjectMeta>>(typed[i]);

            // A misspelt or misplaced field (readinesProbe, a probe under the pod spec) has no model property and
            // would vanish here, as the API server would prune or refuse it.
            var roundTripped = JsonNode.Parse(KubernetesJson.Serialize(typed[i]))!;
            var missing = MissingPaths(documents[i].Node, roundTripped, "").ToArray();
            Assert.True(missing.Length == 0, $"{documents[i]}: fields lost by the typed model: {string.Join(", ", missing)}");
        }
    }

    [Fact]
    public void LoadAllFromString_Parts_HoldTheExpectedKinds()
    {
        var kinds = TypedManifests.All.GroupBy(o => o.GetType().Name).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(4, kinds["V1CustomResourceDefinition"]); // functions, brokers, triggers, revisions
        Assert.Equal(4, kinds["V1Deployment"]);
        Assert.Equal(4, kinds["V1Service"]);
        Assert.Equal(4, kinds["V1ServiceAccount"]);
        Assert.Equal(4, kinds["V1ClusterRole"]);
        Assert.Equal(4, kinds["V1ClusterRoleBinding"]);
        Assert.Equal(2, kinds["V1PodDisruptionBudget"]);
        Assert.Equal(1, kinds["V1Namespace"]);
    }

    [Fact]
    public void Load_ServiceMonitor_IsMonitoringCoreosV1()
    {
        var monitor = Assert.Single(DeployFiles.Load(TypedManifests.MonitoringPart));

        Assert.Equal("monitoring.coreos.com/v1", (string?)monitor.Node["apiVersion"]);
        Assert.Equal("ServiceMonitor", monitor.Kind);
    }

    /// <summary>Paths present in <paramref name="expected"/> but absent from <paramref name="actual"/>.</summary>
    private static IEnumerable<string> MissingPaths(JsonNode? expected, JsonNode? actual, string path)
    {
        switch (expected)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    if (child is null)
                    {
                        continue;
                    }

                    if (actual is not JsonObject actualObject || !actualObject.ContainsKey(name))
                    {
                        yield return path + "." + name;
                        continue;
                    }

                    foreach (var missing in MissingPaths(child, actualObject[name], path + "." + name))
                    {
                        yield return missing;
                    }
                }

                break;
            case JsonArray array:
                if (actual is not JsonArray actualArray || actualArray.Count != array.Count)
                {
                    yield return path + "[]";
                    yield break;
                }

                for (var i = 0; i < array.Count; i++)
                {
                    foreach (var missing in MissingPaths(array[i], actualArray[i], path + "[" + i + "]"))
                    {
                        yield return missing;
                    }
                }

                break;
        }
    }
}
