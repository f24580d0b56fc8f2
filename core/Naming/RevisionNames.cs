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

    /// <summary><c>hello</c> at generation 3 is <c>hello-00003</c>; generations past 99999 simply get more digits.</summary>
    public static string Name(string function, long generation) =>
        function + "-" + generation.ToString("D5", CultureInfo.InvariantCulture);
}
