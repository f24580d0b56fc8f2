namespace Serverless.Cli.App;

/// <summary>
/// <c>{home}/admin-token</c>: the admin API's bearer token, which the platform generates at first start (0600,
/// platform/Admin/AdminCredential). The CLI sends it unless <c>$SERVERLESS_ADMIN_TOKEN</c> is set.
/// </summary>
internal static class AdminTokenFile
{
    public const string Variable = "SERVERLESS_ADMIN_TOKEN";

    public const string FileName = "admin-token";

    public static string PathIn(string home) => Path.Combine(home, FileName);

    /// <summary>The token, or null when the file is missing, blank or not ours to read (the 401 that follows says what to do).</summary>
    public static string? Read(string home)
    {
        try
        {
            return File.ReadAllText(PathIn(home)).Trim() is { Length: > 0 } token ? token : null;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
