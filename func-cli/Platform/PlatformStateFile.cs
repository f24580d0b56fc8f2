using System.Text.Json;

namespace Serverless.Cli.Platform;

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
        PlatformState? state;
        try
        {
            state = JsonSerializer.Deserialize<PlatformState>(text);
        }
        catch (JsonException ex)
        {
            return new PlatformStateRead(null, $"{path} is not valid JSON ({ex.Message})");
        }

        if (state is null)
        {
            return new PlatformStateRead(null, $"{path} holds null");
        }

        if (state.Pid <= 0)
        {
            return new PlatformStateRead(null, $"{path}: pid must be a positive process id (got {state.Pid})");
        }

        foreach (var (field, value) in new[] { ("adminUrl", state.AdminUrl), ("ingressUrl", state.IngressUrl) })
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                return new PlatformStateRead(null, $"{path}: {field} must be an absolute http(s) URL (got \"{value}\")");
            }
        }

        return new PlatformStateRead(state, null);
    }

    /// <summary>Removes the file of a platform that is gone, so the next reader does not probe it again.</summary>
    public static void Delete(string home) => File.Delete(PathIn(home));
}
