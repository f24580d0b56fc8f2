using System.Diagnostics;
using System.Net;
using Serverless.Backends.Local.Processes;
using Serverless.Core.Contracts;

/// <summary>A bare start through the local backend's own launch path, the baseline of the cold-start benches.</summary>
internal static class InstanceSpawn
{
    /// <summary>EnsureAsync → first 200 from the instance's port (polled every 2 ms, as harness.py does); then it is deleted.</summary>
    /// <param name="atHeaders">Stop the clock at the response headers (first byte) rather than after the body.</param>
    public static async Task<double> ColdStartAsync(LocalProcessBackend backend, Target target, string name, HttpClient http, bool atHeaders)
    {
        var key = new FunctionKey("default", name);
        var spec = new WorkloadSpec
        {
            Key = key,
            Revision = "bench",
            Runtime = target.Runtime,
            Handler = target.Handler,
            SourcePath = target.Source,
            TimeoutSeconds = 30,
            ContainerConcurrency = 0,
        };
        var clock = Stopwatch.StartNew();
        await backend.EnsureAsync(spec, 1);
        var port = backend.GetInstances(key).Single().Port;
        var elapsed = await FirstOkAsync(http, new Uri($"http://127.0.0.1:{port}{target.Path}"), clock, atHeaders);
        await backend.DeleteAsync(key);
        var deadline = Stopwatch.StartNew();
        while (backend.GetInstances(key).Count > 0 && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(10);
        }

        return elapsed;
    }

    /// <summary>Milliseconds on <paramref name="clock"/> at the first 200 from <paramref name="url"/>, polled every 2 ms for up to 60 s.</summary>
    public static async Task<double> FirstOkAsync(HttpClient http, Uri url, Stopwatch clock, bool atHeaders)
    {
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                using var response = await http.GetAsync(url, atHeaders ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var elapsed = clock.Elapsed.TotalMilliseconds;
                    await response.Content.ReadAsByteArrayAsync();
                    return elapsed;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(2);
        }

        throw new TimeoutException($"no 200 from {url} within 60 s");
    }
}
