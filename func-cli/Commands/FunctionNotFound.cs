using System.Net;
using Serverless.Cli.Admin;

namespace Serverless.Cli.Commands;

/// <summary>Runs an admin call on one function, turning a 404 into "function X not found" with a next step.</summary>
internal static class FunctionNotFound
{
    public static async Task<T> MapAsync<T>(string ns, string name, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (AdminApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new CliException($"function {name} not found in namespace {ns}", "see `func list -A` for the functions that exist", inner: ex);
        }
    }
}
