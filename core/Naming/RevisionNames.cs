using System.Globalization;

namespace Serverless.Core.Naming;

/// <summary>Revision names and labels, as Knative's: <c>{function}-{generation:00000}</c>.</summary>
public static class RevisionNames
{
    /// <summary>The label naming a Revision's Function (Knative's <c>serving.knative.dev/configuration</c>).</summary>
    public const string FunctionLabel = "serverless.dev/function";

    /// <summary>The Function's <c>metadata.generation</c> the Revision was cut from (Knative's <c>configurationGeneration</c>).</summary>
    public const string GenerationLabel = "serverless.dev/functionGeneration";

    /// <summary>Knative's <c>serving.knative.dev/routingState</c>: <c>active</c> while the revision has traffic or a tag, else <c>reserve</c>.</summary>
    public const string RoutingStateLabel = "serverless.dev/routingState";

    public const string RoutingStateActive = "active";
    public const string RoutingStateReserve = "reserve";

    /// <summary>Kubernetes' limit for a name that is a DNS-1123 label (and ours for a workload key).</summary>
    public const int MaxLength = 63;

    private const int HashLength = 32;

    /// <summary>
    /// <c>hello</c> at generation 3 is <c>hello-00003</c>; generations past 99999 simply get more digits. A name that
    /// would pass 63 characters is Knative's <c>kmeta.ChildName</c>: the Function's name cut short, the MD5 of the whole
    /// of it in hex (32 characters), then the suffix, so that it stays a label and two long names that share their
    /// first characters still differ.
    /// </summary>
    public static string Name(string function, long generation)
    {
        ArgumentNullException.ThrowIfNull(function);
        var suffix = "-" + generation.ToString("D5", CultureInfo.InvariantCulture);
        if (function.Length + suffix.Length <= MaxLength)
        {
            return function + suffix;
        }

        var head = MaxLength - HashLength - suffix.Length;
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(function)));
        return head <= 0
            ? Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(function + suffix)))
            : function[..head] + hash + suffix;
    }

    /// <summary>Whether <paramref name="name"/> is a revision name of <paramref name="function"/> (any generation).</summary>
    public static bool IsRevisionOf(string function, string name)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(name);
        var dash = name.LastIndexOf('-');
        return dash > 0
            && long.TryParse(name.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var generation)
            && name.Length - dash - 1 >= 5
            && Name(function, generation) == name;
    }
}
