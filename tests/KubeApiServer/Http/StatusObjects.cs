using System.Net;
using System.Text.Json.Nodes;

namespace Serverless.KubeApiServer.Http;

/// <summary>Kubernetes <c>meta/v1 Status</c> bodies, the shape KubernetesClient and kubectl expect for errors.</summary>
internal static class StatusObjects
{
    public static JsonObject Failure(HttpStatusCode code, string reason, string message) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = (int)code,
    };

    public static JsonObject Success(string name, string group, string kind, string? uid) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Success",
        ["details"] = new JsonObject { ["name"] = name, ["group"] = group, ["kind"] = kind, ["uid"] = uid },
    };
}
