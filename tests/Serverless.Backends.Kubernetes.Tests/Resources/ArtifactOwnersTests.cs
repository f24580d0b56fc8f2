using k8s.Models;
using Serverless.Backends.Kubernetes.Resources;

namespace Serverless.Backends.Kubernetes.Tests.Resources;

public sealed class ArtifactOwnersTests
{
    private static V1OwnerReference Owner(string apiVersion, string kind, string name) => new() { ApiVersion = apiVersion, Kind = kind, Name = name, Uid = name + "-uid" };

    private static readonly V1OwnerReference Function = Owner("serverless.dev/v1alpha1", "Function", "hello");
    private static readonly V1OwnerReference Revision1 = Owner("serverless.dev/v1alpha1", "Revision", "hello-00001");
    private static readonly V1OwnerReference Revision2 = Owner("serverless.dev/v1alpha1", "Revision", "hello-00002");
    private static readonly V1OwnerReference OlderVersionRevision = Owner("serverless.dev/v1beta0", "Revision", "hello-00000");
    private static readonly V1OwnerReference Users = Owner("v1", "ConfigMap", "bundle");
    private static readonly V1OwnerReference OtherGroupsFunction = Owner("fission.io/v1", "Function", "hello");

    public static TheoryData<string, V1OwnerReference[], V1OwnerReference[], V1OwnerReference[]> Cases => new()
    {
        // name, existing, ours now, expected
        { "none yet: ours", [], [Revision1], [Revision1] },
        { "func deploy's Function owner gives way to the Revision", [Function], [Revision1], [Revision1] },
        { "a Revision added beside the first", [Revision1], [Revision1, Revision2], [Revision1, Revision2] },
        { "a Revision gone from the list", [Revision1, Revision2], [Revision2], [Revision2] },
        { "a user's owner is kept, first", [Users, Function], [Revision1], [Users, Revision1] },
        { "kept wherever it stood", [Revision1, Users], [Revision1, Revision2], [Users, Revision1, Revision2] },
        { "another group's Function is not ours", [OtherGroupsFunction, Function], [Revision1], [OtherGroupsFunction, Revision1] },
        { "an older version of our Revision is ours", [OlderVersionRevision], [Revision1], [Revision1] },
        { "nothing of ours left: only the others", [Users, Revision1], [], [Users] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Merge_KeepsEveryOwnerButOursAndPutsOursAfter(string name, V1OwnerReference[] existing, V1OwnerReference[] ours, V1OwnerReference[] expected)
    {
        _ = name;
        var merged = ArtifactOwners.Merge(existing, ours);
        Assert.Equal(expected.Select(o => (o.ApiVersion, o.Kind, o.Name)), merged.Select(o => (o.ApiVersion, o.Kind, o.Name)));
        Assert.True(ArtifactOwners.Same(merged, expected));
    }

    [Fact]
    public void Same_OrderAndUidMatter()
    {
        Assert.False(ArtifactOwners.Same([Revision1, Revision2], [Revision2, Revision1]));
        Assert.False(ArtifactOwners.Same([Revision1], [Owner("serverless.dev/v1alpha1", "Revision", "hello-00001") is var r ? new V1OwnerReference { ApiVersion = r.ApiVersion, Kind = r.Kind, Name = r.Name, Uid = "other" } : null!]));
        Assert.True(ArtifactOwners.Same([Users, Revision1], [Users, Revision1]));
    }
}
