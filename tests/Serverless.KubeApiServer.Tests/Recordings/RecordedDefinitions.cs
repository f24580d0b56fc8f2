using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Json;
using Serverless.TestSupport;

namespace Serverless.KubeApiServer.Tests.Recordings;

/// <summary>
/// The CRDs as the recorded server had them installed: deploy/crds at the time of the recordings. Each schema change
/// since then that the recorded answers show is put back here, one line each, so the replay compares the double with
/// the real server under the same definitions.
/// </summary>
internal static class RecordedDefinitions
{
    public static IReadOnlyList<JsonObject> All => [Functions()];

    private static JsonObject Functions()
    {
        var crd = YamlToJson.Convert(File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "crds", "functions.yaml")))!.AsObject();
        var scale = crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!["properties"]!["scale"]!["properties"]!.AsObject();

        // Issue #18: initialScale lost its schema default of 1 so that the platform's initial-scale applies on
        // Kubernetes too; the recordings were made when the server defaulted it.
        scale["initialScale"]!["default"] = 1;
        return crd;
    }
}
