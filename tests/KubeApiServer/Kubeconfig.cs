using System.Globalization;
using System.Text;

namespace Serverless.KubeApiServer;

/// <summary>Writes a kubeconfig that points at the double; the user's token is the identity the audit log records.</summary>
public static class Kubeconfig
{
    public const string ContextName = "kube-double";

    public static string Render(Uri server, string identity, string? @namespace = null, string contextName = ContextName)
    {
        var text = new StringBuilder();
        text.AppendLine("apiVersion: v1");
        text.AppendLine("kind: Config");
        text.AppendLine("clusters:");
        text.AppendLine(CultureInfo.InvariantCulture, $"- name: {contextName}");
        text.AppendLine("  cluster:");
        text.AppendLine(CultureInfo.InvariantCulture, $"    server: {server.ToString().TrimEnd('/')}");
        text.AppendLine("users:");
        text.AppendLine(CultureInfo.InvariantCulture, $"- name: {identity}");
        text.AppendLine("  user:");
        text.AppendLine(CultureInfo.InvariantCulture, $"    token: {identity}");
        text.AppendLine("contexts:");
        text.AppendLine(CultureInfo.InvariantCulture, $"- name: {contextName}");
        text.AppendLine("  context:");
        text.AppendLine(CultureInfo.InvariantCulture, $"    cluster: {contextName}");
        text.AppendLine(CultureInfo.InvariantCulture, $"    user: {identity}");
        if (@namespace is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"    namespace: {@namespace}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"current-context: {contextName}");
        return text.ToString();
    }
}
