using System.Net;
using System.Text.Json.Nodes;

namespace Serverless.KubeApiServer.Http;

/// <summary>Kubernetes <c>meta/v1 Status</c> bodies, the shape KubernetesClient and kubectl expect for errors.</summary>
internal static class StatusObjects
{
    public static JsonObject Failure(HttpStatusCode code, string reason, string message, JsonObject? details = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
        };
        if (reason.Length > 0)
        {
            status["reason"] = reason;
        }

        if (details is not null)
        {
            status["details"] = details.DeepClone();
        }

        status["code"] = (int)code;
        return status;
    }

    public static JsonObject Failure(ApiException e) => Failure(e.Code, e.Reason, e.Message, e.Details);

    public static JsonObject Success(string name, string group, string kind, string? uid)
    {
        var details = ApiException.StatusDetails(name, group, kind);
        details["uid"] = uid;
        return new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = details,
        };
    }
}
