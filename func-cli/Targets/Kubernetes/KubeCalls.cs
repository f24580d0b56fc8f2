using System.Net;
using k8s;
using k8s.Autorest;
using Serverless.Cli.App;

namespace Serverless.Cli.Targets.Kubernetes;

/// <summary>
/// Runs API calls for a command and turns transport and authorization failures into <see cref="CliException"/>s
/// that say which cluster and what to check. Status codes the caller handles (404, 409) pass through.
/// </summary>
internal sealed class KubeCalls(string cluster)
{
    public static HttpStatusCode? StatusOf(Exception e) => e switch
    {
        HttpOperationException { Response: { } response } => response.StatusCode,
        KubernetesException { Status.Code: { } code } => (HttpStatusCode)code,
        _ => null,
    };

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
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new CliException(
                $"{cluster} refused {what}: {(int)e.Response.StatusCode} {e.Response.ReasonPhrase}",
                "check the credentials of your kubeconfig context and that your user may manage functions.serverless.dev",
                inner: e);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is >= HttpStatusCode.InternalServerError or HttpStatusCode.UnprocessableEntity or HttpStatusCode.BadRequest)
        {
            throw new CliException($"{cluster} rejected {what}: {(int)e.Response.StatusCode} {Message(e)}", inner: e);
        }
    }

    private static string Message(HttpOperationException e)
    {
        try
        {
            return KubernetesJson.Deserialize<k8s.Models.V1Status>(e.Response.Content)?.Message ?? e.Response.Content;
        }
        catch (System.Text.Json.JsonException)
        {
            return e.Response.Content ?? "";
        }
    }
}
