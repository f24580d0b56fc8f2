using System.Net;
using k8s;
using k8s.Autorest;
using Serverless.Cli.App;
using Serverless.Core.Contracts;
using Serverless.Hosting.Kubernetes;

namespace Serverless.Cli.Targets.Kubernetes;

/// <summary>
/// The Kubernetes target's edge: runs a call (the shared resource store's, or the client's) for a command and
/// turns transport, authorization and refusal failures into <see cref="CliException"/>s that say which cluster
/// and what to check. A store error the call could not handle (a create in a missing namespace, an apply that
/// kept losing races) is a refusal too. A bare 404 or 409 from the client passes through: its caller decides.
/// </summary>
internal sealed class KubeCalls(string cluster)
{
    public async Task<T> Run<T>(Func<Task<T>> call, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"cannot reach {cluster} while {what}: {e.Message}", "check `kubectl config current-context` and that the cluster is up", inner: e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"{cluster} did not answer in time while {what}", "check that the cluster is up and reachable", inner: e);
        }
        catch (Exception e) when (Refusal(e, what) is { } refusal)
        {
            throw refusal;
        }
    }

    private CliException? Refusal(Exception e, string what)
    {
        // The store wraps the API server's answer; the status code and the server's message are in there.
        var api = e is StoreException { InnerException: { } inner } ? inner : e;
        var status = KubeErrors.StatusCode(api);
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return new CliException(
                $"{cluster} refused {what}: {(int)status} {(api as HttpOperationException)?.Response.ReasonPhrase}",
                "check the credentials of your kubeconfig context and that your user may manage functions.serverless.dev",
                inner: e);
        }

        if (status is >= HttpStatusCode.InternalServerError or HttpStatusCode.UnprocessableEntity or HttpStatusCode.BadRequest || e is StoreException)
        {
            return new CliException(
                $"{cluster} rejected {what}: {(status is { } code ? $"{(int)code} {Message(api)}" : e.Message)}",
                e is StoreException { Kind: StoreErrorKind.Conflict } ? "it was changed concurrently: try again" : null,
                inner: e);
        }

        return null;
    }

    private static string Message(Exception e)
    {
        if (e is not HttpOperationException { Response: { } response })
        {
            return e is KubernetesException { Status.Message: { } message } ? message : e.Message;
        }

        try
        {
            return KubernetesJson.Deserialize<k8s.Models.V1Status>(response.Content)?.Message ?? response.Content;
        }
        catch (System.Text.Json.JsonException)
        {
            return response.Content ?? "";
        }
    }
}
