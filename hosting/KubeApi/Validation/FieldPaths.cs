using System.Globalization;

namespace Serverless.Hosting.KubeApi.Validation;

/// <summary>Builds field paths as k8s.io/apimachinery's <c>field.Path</c> prints them: <c>spec.env[0].name</c>.</summary>
internal static class FieldPaths
{
    public static string Child(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    public static string Index(string path, int index) => string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]");

    public static string Key(string path, string key) => $"{path}[{key}]";

    /// <summary>A rule's <c>fieldPath</c> (<c>.handler</c>, <c>.limits['cpu']</c>) below the rule's location.</summary>
    public static string Below(string path, string? relative)
    {
        if (string.IsNullOrEmpty(relative))
        {
            return path;
        }

        var tail = relative.StartsWith('.') ? relative[1..] : relative;
        tail = tail.Replace("['", "[", StringComparison.Ordinal).Replace("']", "]", StringComparison.Ordinal);
        return path.Length == 0 ? tail : tail.StartsWith('[') ? path + tail : $"{path}.{tail}";
    }
}
