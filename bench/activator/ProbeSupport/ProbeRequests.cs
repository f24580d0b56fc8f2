using System.Net;

/// <summary>The probes' request loops: every answer read to its end and required to be a 200.</summary>
internal static class ProbeRequests
{
    /// <summary><paramref name="count"/> requests one after another on one client.</summary>
    public static async Task RunAsync(HttpClient http, string url, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await GetOkAsync(http, url);
        }
    }

    /// <summary><paramref name="count"/> requests, <paramref name="concurrency"/> of them in flight at a time.</summary>
    public static async Task RunParallelAsync(HttpClient http, string url, int count, int concurrency)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < count)
            {
                await GetOkAsync(http, url);
            }
        }));
    }

    private static async Task GetOkAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        await response.Content.CopyToAsync(Stream.Null);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"{url} answered {(int)response.StatusCode}");
        }
    }
}
