using Serverless.Core.Api;

namespace Serverless.Core.Defaulting;

/// <summary>A Function reference's kind, apiVersion and namespace, which a user usually leaves out.</summary>
internal static class DestinationDefaults
{
    public static void Apply(Destination? destination, string referrerNamespace)
    {
        if (destination?.Ref is not { } reference)
        {
            return;
        }

        if (string.IsNullOrEmpty(reference.Kind))
        {
            reference.Kind = Function.KindName;
        }

        if (string.IsNullOrEmpty(reference.ApiVersion))
        {
            reference.ApiVersion = ApiGroup.ApiVersion;
        }

        if (string.IsNullOrEmpty(reference.Namespace))
        {
            reference.Namespace = referrerNamespace;
        }
    }
}
