using k8s.Models;
using Serverless.Backends.Kubernetes.Artifacts;

namespace Serverless.Backends.Kubernetes.Tests.Artifacts;

/// <summary>
/// Which artifact ConfigMaps go: those ReplicaSets once mounted, and (issue #17 item 6) those of deleted Revisions,
/// whose Deployments and ReplicaSets went with them; never the current one nor one a ReplicaSet with pods mounts.
/// </summary>
public sealed class SupersededArtifactsTests
{
    [Theory]
    [InlineData("an old ReplicaSet at zero names it", "b", "a:0,b:1", "", "a")]
    [InlineData("a ReplicaSet still has pods", "b", "a:1,b:1", "", "")]
    [InlineData("the current one is never superseded", "a", "a:0", "a", "")]
    [InlineData("a deleted Revision's artifact, nothing mounts it", "b", "b:1", "a", "a")]
    [InlineData("a deleted Revision's artifact an older ReplicaSet still runs", "b", "a:2,b:1", "a", "")]
    [InlineData("several, sorted", "c", "b:0", "a,d", "a,b,d")]
    [InlineData("an image: no current artifact", null, "a:0", "b", "a,b")]
    public void Find_Table(string label, string? current, string replicaSets, string released, string expected)
    {
        var sets = replicaSets.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => r.Split(':')).Select(r => ReplicaSet(r[0], int.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture)));

        var found = SupersededArtifacts.Find(current, sets, released.Split(',', StringSplitOptions.RemoveEmptyEntries));

        Assert.True(string.Join(",", found) == expected, $"{label}: got [{string.Join(",", found)}]");
    }

    private static V1ReplicaSet ReplicaSet(string artifact, int replicas) => new()
    {
        Metadata = new V1ObjectMeta { Name = "hello-" + artifact },
        Spec = new V1ReplicaSetSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector(),
            Template = new V1PodTemplateSpec
            {
                Spec = new V1PodSpec
                {
                    Containers = [new V1Container { Name = "function" }],
                    Volumes = [new V1Volume { Name = "artifact", ConfigMap = new V1ConfigMapVolumeSource { Name = artifact } }],
                },
            },
        },
    };
}
