using System.Xml.Linq;
using Serverless.TestSupport;

namespace Serverless.Deploy.Tests.Manifests;

/// <summary>
/// The image definitions agree with the contract and the manifests. The images themselves are built by
/// scripts/publish-images and run under a real OCI runtime in tests/Serverless.Images.Tests.
/// </summary>
public sealed class ImageTests
{
    [Theory]
    [InlineData("platform/Serverless.Platform.csproj", "serverless-dev/platform")]
    [InlineData("runtimes/dotnet/Serverless.Runtime.Dotnet.csproj", "serverless-dev/runtime-dotnet")]
    public void Csproj_ContainerProperties_NameTheContractImageAndUser(string project, string repository)
    {
        var properties = XDocument.Load(Path.Combine(RepoPaths.Root, project)).Descendants("PropertyGroup").Elements()
            .GroupBy(e => e.Name.LocalName).ToDictionary(g => g.Key, g => g.Last().Value);

        Assert.Equal(repository, properties["ContainerRepository"]);
        Assert.Equal("0.1.0", properties["ContainerImageTag"]);
        Assert.Equal("65532", properties["ContainerUser"]);
    }

    [Theory]
    [InlineData("node")]
    [InlineData("python")]
    public void Dockerfile_Runtime_RunsAsUid65532OnPort8080(string language)
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "runtimes", language, "Dockerfile"))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();

        Assert.StartsWith("FROM ", lines[0], StringComparison.Ordinal);
        Assert.Contains("USER 65532:65532", lines);
        Assert.Contains("EXPOSE 8080", lines);
        Assert.Contains(lines, l => l.StartsWith("ENTRYPOINT [", StringComparison.Ordinal));
        // Every COPY source exists in the build context (runtimes/<language>).
        foreach (var copy in lines.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal)))
        {
            var sources = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1];
            Assert.All(sources, s => Assert.True(Path.Exists(Path.Combine(RepoPaths.Root, "runtimes", language, s)), $"{copy}: {s} is missing"));
        }
    }

    [Fact]
    public async Task PublishImages_UnknownImage_FailsWithUsage()
    {
        var result = await ProcessRunner.RunAsync("bash", [Path.Combine(RepoPaths.Root, "scripts", "publish-images"), "runtime-ruby"], timeout: TimeSpan.FromSeconds(30));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("usage: scripts/publish-images", result.StdErr, StringComparison.Ordinal);
    }
}
