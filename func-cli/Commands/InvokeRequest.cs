using System.Text;
using System.Text.Json;

namespace Serverless.Cli.Commands;

/// <summary>The HTTP request <c>func invoke</c> sends, derived from its options. Building it is pure; reading @file is the caller's.</summary>
internal sealed record InvokeRequest(HttpMethod Method, string RelativeUri, byte[]? Body, string? ContentType)
{
    /// <param name="data">The body: inline text, or (when <paramref name="dataFile"/> is set) the file's bytes.</param>
    /// <param name="dataFile">The file the body came from (<c>--data @file</c>), which guides the default content type.</param>
    /// <exception cref="CliException">The path or the method is not usable.</exception>
    public static InvokeRequest Build(string @namespace, string name, string? path, string? method, byte[]? data, string? dataFile, string? contentType)
    {
        path = string.IsNullOrEmpty(path) ? "/" : path;
        if (!path.StartsWith('/'))
        {
            path = "/" + path;
        }

        if (path.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new CliException($"--path \"{Core.Naming.Names.Printable(path)}\" contains whitespace or control characters", "percent-encode them, e.g. %20 for a space");
        }

        var verb = method?.Trim().ToUpperInvariant() ?? (data is null ? "GET" : "POST");
        if (verb.Length == 0 || !verb.All(c => c is >= 'A' and <= 'Z'))
        {
            throw new CliException($"--method \"{Core.Naming.Names.Printable(method)}\" is not an HTTP method", "use GET, POST, PUT, PATCH, DELETE…");
        }

        if (contentType is not null && !System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out _))
        {
            throw new CliException($"--content-type \"{Core.Naming.Names.Printable(contentType)}\" is not a media type", "e.g. application/json or text/plain; charset=utf-8");
        }

        var type = data is null ? null : contentType ?? DefaultContentType(data, dataFile);
        return new InvokeRequest(new HttpMethod(verb), @namespace + "/" + name + path, data, type);
    }

    /// <summary>Splits <c>--data</c>: <c>@path</c> names a file, anything else is the body itself.</summary>
    public static (string? Text, string? File) ParseData(string? data) =>
        data is ['@', .. var file] ? (null, file) : (data, null);

    private static string DefaultContentType(byte[] data, string? dataFile)
    {
        if (dataFile is not null)
        {
            return Path.GetExtension(dataFile).ToLowerInvariant() switch
            {
                ".json" => "application/json",
                ".txt" => "text/plain; charset=utf-8",
                ".xml" => "application/xml",
                ".html" => "text/html; charset=utf-8",
                _ => "application/octet-stream",
            };
        }

        return LooksLikeJson(data) ? "application/json" : "text/plain; charset=utf-8";
    }

    private static bool LooksLikeJson(byte[] data)
    {
        var text = Encoding.UTF8.GetString(data).TrimStart();
        if (text.Length == 0 || (text[0] != '{' && text[0] != '['))
        {
            return false;
        }

        try
        {
            using var _ = JsonDocument.Parse(data);
            return true;
        }
        catch (JsonException)
        {
            // Starts like JSON but is not: send it as the text it is.
            return false;
        }
    }
}
