namespace Serverless.Backends.Kubernetes.Resources;

/// <summary>What the controller needs to turn a Function into a Deployment and a Service.</summary>
public sealed class KubernetesWorkloadOptions
{
    public const string DefaultRegistry = "ghcr.io/serverless-dev";
    public const string DefaultVersion = "0.1.0";

    /// <summary>Runtime image per runtime name (keys <c>runtime-image-dotnet</c>, <c>-node</c>, <c>-python</c>); defaults <c>ghcr.io/serverless-dev/runtime-{runtime}:0.1.0</c>.</summary>
    public IReadOnlyDictionary<string, string> RuntimeImages { get; init; } = DefaultRuntimeImages(DefaultRegistry);

    /// <summary>Functions are served at <c>http://{function}.{namespace}.{domain}</c> (key <c>domain</c>); default <c>example.com</c> as Knative.</summary>
    public string Domain { get; init; } = "example.com";

    public static IReadOnlyDictionary<string, string> DefaultRuntimeImages(string registry) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Core.Api.RuntimeNames.Dotnet] = $"{registry}/runtime-dotnet:{DefaultVersion}",
        [Core.Api.RuntimeNames.Node] = $"{registry}/runtime-node:{DefaultVersion}",
        [Core.Api.RuntimeNames.Python] = $"{registry}/runtime-python:{DefaultVersion}",
    };

    public string FunctionUrl(Core.Contracts.FunctionKey key) => $"http://{key.Name}.{key.Namespace}.{Domain}";

    /// <summary>A traffic tag's URL, <c>http://{tag}-{function}.{namespace}.{domain}</c>, the host the activator routes to that tag's revision.</summary>
    public string TagUrl(Core.Contracts.FunctionKey key, string tag) => $"http://{tag}-{key.Name}.{key.Namespace}.{Domain}";
}
