using System.Text.Json;
using Serverless.Core.Wire;

namespace Serverless.Cli.Platform;

/// <summary>Reads <c>{home}/platform.json</c> (<see cref="PlatformStateRecord"/>, which the platform writes) and checks it.</summary>
internal static class PlatformStateFile
{
    public const string FileName = "platform.json";

    public static string PathIn(string home) => Path.Combine(home, FileName);

    public static PlatformStateRead Read(string home)
    {
        var path = PathIn(home);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return PlatformStateRead.Missing;
        }

        return Parse(text, path);
    }

    /// <summary>Parses and checks the fields the CLI relies on; a half-valid file is reported, not trusted.</summary>
    public static PlatformStateRead Parse(string text, string path)
    {
        PlatformStateRecord? record;
        try
        {
            record = JsonSerializer.Deserialize(text, PlatformStateJsonContext.Default.PlatformStateRecord);
        }
        catch (JsonException ex)
        {
            return new PlatformStateRead(null, $"{path} is not valid JSON ({ex.Message})");
        }

        if (record is null)
        {
            return new PlatformStateRead(null, $"{path} holds null");
        }

        if (record.Pid <= 0)
        {
            return new PlatformStateRead(null, $"{path}: pid must be a positive process id (got {record.Pid})");
        }

        if (HttpUrl(record.AdminUrl) is not { } admin)
        {
            return NotHttp("adminUrl", record.AdminUrl);
        }

        if (HttpUrl(record.IngressUrl) is not { } ingress)
        {
            return NotHttp("ingressUrl", record.IngressUrl);
        }

        return new PlatformStateRead(new PlatformState(record, admin, ingress), null);

        PlatformStateRead NotHttp(string field, string value) =>
            new(null, $"{path}: {field} must be an absolute http(s) URL (got \"{value}\")");
    }

    /// <summary>Removes the file of a platform that is gone, so the next reader does not probe it again.</summary>
    public static void Delete(string home) => File.Delete(PathIn(home));

    private static Uri? HttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri : null;
}
