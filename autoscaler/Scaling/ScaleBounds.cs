using Serverless.Core.Defaulting;

namespace Serverless.Autoscaler.Scaling;

/// <summary>Scale limits apart from the KPA algorithm itself (TODO(#5)).</summary>
internal static class ScaleBounds
{
    /// <summary>
    /// The count to go to when a request arrives for a function at zero: initialScale or activationScale, whichever
    /// is higher, at least 1, within [min, max].
    /// </summary>
    public static int ForActivation(EffectiveScale scale) => scale.Clamp(Math.Max(scale.ActivationScale, Math.Max(1, scale.InitialScale)));
}
