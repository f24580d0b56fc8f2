namespace Serverless.Hosting.KubeApi.Formats;

/// <summary>
/// What a read answers with, from its Accept header: the object itself as JSON or YAML, a <c>meta.k8s.io</c> Table
/// (kubectl get), or PartialObjectMetadata. Protobuf is not spoken: a client that accepts only protobuf gets 406.
/// </summary>
internal sealed record ResponseFormat(ResponseFormatKind Kind, string MetaVersion = "v1")
{
    public static readonly ResponseFormat Json = new(ResponseFormatKind.Json);

    public const string NotAcceptableMessage = "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf";

    /// <summary>The first acceptable alternative in the header's order; null when none is (406).</summary>
    public static ResponseFormat? Negotiate(string? accept, bool list)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return Json;
        }

        foreach (var range in accept.Split(','))
        {
            var parts = range.Split(';').Select(p => p.Trim()).ToArray();
            var mediaType = parts[0].ToLowerInvariant();
            var parameters = parts.Skip(1)
                .Select(p => p.Split('=', 2))
                .Where(p => p.Length == 2)
                .GroupBy(p => p[0].Trim())
                .ToDictionary(g => g.Key, g => g.First()[1].Trim(), StringComparer.Ordinal);
            var version = parameters.GetValueOrDefault("v", "v1");
            if (parameters.TryGetValue("as", out var target))
            {
                if (mediaType != "application/json" || parameters.GetValueOrDefault("g") != "meta.k8s.io" || version is not ("v1" or "v1beta1"))
                {
                    continue;
                }

                switch (target)
                {
                    case "Table":
                        return new ResponseFormat(ResponseFormatKind.Table, version);
                    case "PartialObjectMetadataList" when list:
                    case "PartialObjectMetadata" when !list:
                        return new ResponseFormat(ResponseFormatKind.PartialObjectMetadata, version);
                }

                continue;
            }

            switch (mediaType)
            {
                case "application/json" or "application/*" or "*/*" or "*":
                    return Json;
                case "application/yaml":
                    return new ResponseFormat(ResponseFormatKind.Yaml);
            }
        }

        return null;
    }
}
