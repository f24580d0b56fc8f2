using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Deploy.Tests.Schema;

/// <summary>Reads JSON nodes the way the schema validator needs them.</summary>
internal static class JsonValues
{
    public static JsonValueKind KindOf(JsonNode? node) => node?.GetValueKind() ?? JsonValueKind.Null;

    /// <summary>A JSON number without fraction or exponent, within 64 bits: what Kubernetes decodes as an int64.</summary>
    public static bool TryInteger(JsonNode? node, out long value)
    {
        value = 0;
        if (KindOf(node) != JsonValueKind.Number)
        {
            return false;
        }

        var text = node!.ToJsonString();
        return text.IndexOfAny(['.', 'e', 'E']) < 0 && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    public static int Int(JsonNode node) => checked((int)Number(node));

    public static double Number(JsonNode node) => double.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>Length in Unicode code points, as Go's validator counts <c>minLength</c>/<c>maxLength</c> and CEL <c>size()</c>.</summary>
    public static int Length(string value) => value.EnumerateRunes().Count();
}
