using System.Text;
using System.Text.Json;

namespace Serverless.Core.Wire;

/// <summary>
/// A kubeconfig for the local platform's admin API: one cluster (the server URL and the platform's CA), one user (the
/// bearer token), one context named <see cref="ContextName"/> in the <c>default</c> namespace.
/// </summary>
/// <remarks>
/// Every string is written as a JSON string, which YAML reads as a double-quoted scalar: no token or URL character
/// can change the document's structure.
/// </remarks>
public static class Kubeconfig
{
    public const string ContextName = "serverless-local";

    public static string Render(string serverUrl, string? caPem, string token)
    {
        ArgumentNullException.ThrowIfNull(serverUrl);
        ArgumentNullException.ThrowIfNull(token);
        var name = Quote(ContextName);
        var text = new StringBuilder()
            .Append("apiVersion: v1\n")
            .Append("kind: Config\n")
            .Append("clusters:\n")
            .Append("- name: ").Append(name).Append('\n')
            .Append("  cluster:\n")
            .Append("    server: ").Append(Quote(serverUrl)).Append('\n');
        if (caPem is not null)
        {
            text.Append("    certificate-authority-data: ").Append(Quote(Convert.ToBase64String(Encoding.ASCII.GetBytes(caPem)))).Append('\n');
        }

        return text
            .Append("users:\n")
            .Append("- name: ").Append(name).Append('\n')
            .Append("  user:\n")
            .Append("    token: ").Append(Quote(token)).Append('\n')
            .Append("contexts:\n")
            .Append("- name: ").Append(name).Append('\n')
            .Append("  context:\n")
            .Append("    cluster: ").Append(name).Append('\n')
            .Append("    user: ").Append(name).Append('\n')
            .Append("    namespace: \"default\"\n")
            .Append("current-context: ").Append(name).Append('\n')
            .ToString();
    }

    private static string Quote(string value) => "\"" + JsonEncodedText.Encode(value) + "\"";
}
