using System.Net;

namespace Serverless.TestSupport;

/// <summary>Requests through the activator to a Function just created.</summary>
public static class Ingress
{
    /// <summary>
    /// GETs <paramref name="path"/>, again while the activator answers 404: a 201 from the admin API means stored, and
    /// the activator learns of the Function from its own watch a moment later (longer on a loaded machine).
    /// Bounded by <paramref name="timeout"/> (10 s by default); the last response is returned either way.
    /// </summary>
    public static async Task<HttpResponseMessage> GetOnceRoutedAsync(HttpClient ingress, string path, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(ingress);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var response = await ingress.GetAsync(path);
            if (response.StatusCode != HttpStatusCode.NotFound || DateTime.UtcNow >= deadline)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(50);
        }
    }
}
