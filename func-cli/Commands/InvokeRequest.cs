using System.Text;
using System.Text.Json;
using Serverless.Cli.App;

namespace Serverless.Cli.Commands;

/// <summary>The HTTP request <c>func invoke</c> sends, derived from its options. Building it is pure; reading @file is the caller's.</summary>
internal sealed record InvokeRequest(HttpMethod Method, string RelativeUri, byte[]? Body, string? ContentType)
{
    /// <summary>CloudEvents attributes sent as <c>ce-*</c> headers (binary content mode); empty for a plain HTTP request.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>The path and query under the function's URL, without the leading '/' (so it resolves under that URL).</summary>
    public string FunctionPath { get; init; } = "";

    /// <summary>
    /// The same request as a CloudEvent in binary content mode: POST, <c>ce-specversion/id/type/source</c>
    /// headers, the body as the event's data (JSON unless told otherwise), as a broker or trigger would deliver it.
    /// </summary>
    public InvokeRequest AsCloudEvent(string id, string type, string source)
    {
        if (type.Length == 0 || source.Length == 0)
        {
            throw new CliException("--type and --source must not be empty", "e.g. --type com.example.order.created --source /orders");
        }

        if (!Uri.TryCreate(source, UriKind.RelativeOrAbsolute, out _))
        {
            throw new CliException($"--source \"{Core.Naming.Names.Printable(source)}\" is not a URI reference", "e.g. /orders or urn:example:orders");
        }

        return this with
        {
            Method = HttpMethod.Post,
            Body = Body ?? [],
            Headers =
            [
                new("ce-specversion", "1.0"),
                new("ce-id", id),
                new("ce-type", type),
                new("ce-source", source),
            ],
        };
    }

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
        return new InvokeRequest(new HttpMethod(verb), @namespace + "/" + name + path, data, type) { FunctionPath = path[1..] };
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
