using System.Security.Cryptography;
using System.Text;
using Serverless.Hosting.KubeApi.Resources;

namespace Serverless.Hosting.KubeApi.Discovery;

/// <summary>What discovery says about one served resource: its names, verbs and subresources.</summary>
internal sealed record ResourceDescription(
    ResourceType Type,
    string Singular,
    IReadOnlyList<string> ShortNames,
    IReadOnlyList<string> Categories,
    IReadOnlyList<string> Verbs,
    IReadOnlyList<Subresource> Subresources,
    bool IsCustomResource)
{
    /// <summary>The real server's storageVersionHash: base64 of the first 8 bytes of sha256("group/version/kind").</summary>
    public string StorageVersionHash =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes($"{Type.Group}/{Type.Version}/{Type.Kind}"))[..8]);
}
