namespace Serverless.KubeApiServer.Tests;

/// <summary>Waits for a condition the server reaches asynchronously; the caller's token bounds the wait.</summary>
internal static class Poll
{
    public static async Task Until(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken);
        }
    }
}
