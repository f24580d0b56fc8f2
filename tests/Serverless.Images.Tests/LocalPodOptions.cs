namespace Serverless.Images.Tests;

/// <summary>What a kubelet would get from the API server besides the pod spec, and the tests' few deviations from it.</summary>
internal sealed class LocalPodOptions
{
    /// <summary>The pod's name (unique among the tests' containers): the downward API's <c>metadata.name</c> and the hostname.</summary>
    public required string Name { get; init; }

    public string Namespace { get; init; } = "default";

    /// <summary>The ConfigMaps the pod's volumes may name: name, then key to bytes.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, byte[]>> ConfigMaps { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, byte[]>>();

    /// <summary>Deviation: the host's network, so a container reaches a server on the host's loopback (the API server double).</summary>
    public bool HostNetwork { get; init; }

    /// <summary>Deviation: per container name, arguments appended to its args.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ExtraArgs { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Deviation: per container name, variables added after its env.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> ExtraEnv { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>();
}
