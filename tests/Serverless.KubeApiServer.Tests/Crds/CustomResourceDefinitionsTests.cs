using Serverless.Hosting.KubeApi.Resources;
using Serverless.Hosting.KubeApi.Schema;
using Serverless.TestSupport;

namespace Serverless.KubeApiServer.Tests.Crds;

/// <summary>The double serves deploy/crds as compiled in, and its ResourceTypes say what those CRDs say.</summary>
public sealed class CustomResourceDefinitionsTests
{
    public static TheoryData<string> Kinds => new("Function", "Broker", "Trigger");

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ResourceTypes_Kind_MatchesItsCrd(string kind)
    {
        var type = ResourceTypes.Defaults.Single(t => t.Kind == kind);

        var crd = CustomResourceDefinitions.For(type);

        Assert.NotNull(crd);
        Assert.Equal(type, crd.Type);
    }

    [Fact]
    public void Embedded_Crds_AreEveryFileOfDeployCrds()
    {
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Root, "deploy", "crds"), "*.yaml").Length;

        Assert.Equal(files, CustomResourceDefinitions.All.Count);
    }
}
