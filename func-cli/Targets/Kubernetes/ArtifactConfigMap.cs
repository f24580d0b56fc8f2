using k8s.Models;

namespace Serverless.Cli.Targets.Kubernetes;

/// <summary>
/// The immutable, content-addressed ConfigMap <c>{function}-{first 10 hex of the digest}</c> that carries
/// an artifact: a new artifact is a new name, hence a new revision and a rollout.
/// </summary>
internal static class ArtifactConfigMap
{
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "serverless";
    public const string FunctionLabel = "serverless.dev/function";

    public static string NameFor(string function, string digest) => $"{function}-{digest[..10]}";

    public static V1ConfigMap Build(string @namespace, string function, string digest, byte[] package) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta
        {
            Name = NameFor(function, digest),
            NamespaceProperty = @namespace,
            Labels = new Dictionary<string, string> { [ManagedByLabel] = ManagedByValue, [FunctionLabel] = function },
            Annotations = new Dictionary<string, string> { ["serverless.dev/artifact-sha256"] = digest },
        },
        Immutable = true,
        BinaryData = new Dictionary<string, byte[]> { [ArtifactPackage.DataKey] = package },
    };
}
