namespace Serverless.Hosting.KubeApi.Fields;

/// <summary>Who a write's fields belong to, as the real server names the manager.</summary>
internal static class FieldManagerName
{
    /// <summary>The fieldManager parameter, else the client's User-Agent up to its first '/', else "unknown".</summary>
    /// <exception cref="ApiException">422 for a name over 128 characters.</exception>
    public static string From(string? fieldManager, string? userAgent, string optionsKind)
    {
        var manager = fieldManager ?? "";
        if (manager.Length == 0)
        {
            manager = string.IsNullOrEmpty(userAgent) ? "unknown" : userAgent.Split('/')[0].Trim();
        }

        return manager.Length > 128 ? throw ApiException.InvalidOptions(optionsKind, FieldError.TooLong("fieldManager", 128)) : manager;
    }
}
