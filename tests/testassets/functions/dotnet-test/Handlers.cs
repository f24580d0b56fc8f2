using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace DotnetTest;

/// <summary>Static handlers exercising the runtime: echo, slowness, failures, status codes and large bodies.</summary>
public static class Handlers
{
    /// <summary>Echoes what the runtime handed over, so tests can check nothing was lost on the way.</summary>
    public static async Task<IResult> Echo(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(cancellationToken);
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var query = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        return Results.Json(new EchoResponse(request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "", query, headers, body));
    }

    /// <summary>Waits <c>ms</c> milliseconds, giving up when the runtime cancels the request.</summary>
    public static async Task<string> Slow(int ms, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(ms), cancellationToken);
        return "slept " + ms.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Keeps one CPU busy for <paramref name="ms"/> milliseconds of wall time (a CPU-bound request).</summary>
    public static string Burn(int ms)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var spins = 0L;
        while (watch.ElapsedMilliseconds < ms)
        {
            spins++;
        }

        return "burned " + spins.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The culture the process runs in (from the locale it started with) and a number formatted in it.</summary>
    public static string Culture() =>
        CultureInfo.CurrentCulture.Name + " " + 1234.5.ToString("N1", CultureInfo.CurrentCulture);

    /// <summary>Ignores cancellation, so the runtime has to time the request out on its own.</summary>
    public static string Stubborn(int ms)
    {
        Thread.Sleep(ms);
        return "done";
    }

    public static string Throw() => throw new InvalidOperationException("boom from the test function");

    public static IResult Status(int code) => Results.StatusCode(code);

    /// <summary>Reads the whole body and answers with its length.</summary>
    public static async Task<string> Big(HttpRequest request, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
        }

        return total.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A JSON body bound by minimal-API rules, returned as JSON.</summary>
    public static Greeting Greet(Greeting greeting) => greeting with { Message = "Hello, " + greeting.Name + "!" };

    /// <summary>Overloads make a handler ambiguous; the runtime must refuse to guess.</summary>
    public static string Overloaded() => "none";

    public static string Overloaded(string value) => value;
}
