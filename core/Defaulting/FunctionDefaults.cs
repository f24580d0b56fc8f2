using k8s.Models;
using Serverless.Core.Api;
using Serverless.Core.Naming;

namespace Serverless.Core.Defaulting;

/// <summary>
/// Fills what a user may leave out of a Function. Runs before validation; idempotent; never overwrites a value the
/// user set. Target, utilization and grace period stay null on purpose: see <see cref="ScaleDefaults"/>.
/// </summary>
public static class FunctionDefaults
{
    public const string NodeHandler = "index.js:handle";
    public const string PythonHandler = "main:handle";
    public const int TimeoutSeconds = 300;
    public const int MinScale = 0;

    /// <summary>0 means unbounded.</summary>
    public const int MaxScale = 0;

    public const int InitialScale = 1;

    /// <summary>0 means unlimited.</summary>
    public const int ContainerConcurrency = 0;

    /// <summary>The conventional entry point of a runtime, or null where there is none (dotnet).</summary>
    public static string? DefaultHandler(string? runtime) => runtime switch
    {
        RuntimeNames.Node => NodeHandler,
        RuntimeNames.Python => PythonHandler,
        _ => null,
    };

    public static void Apply(Function fn)
    {
        ArgumentNullException.ThrowIfNull(fn);
        fn.Metadata ??= new V1ObjectMeta();
        if (string.IsNullOrEmpty(fn.Metadata.NamespaceProperty))
        {
            fn.Metadata.NamespaceProperty = Names.DefaultNamespace;
        }

        var spec = fn.Spec ??= new FunctionSpec();
        if (string.IsNullOrEmpty(spec.Handler) && DefaultHandler(spec.Runtime) is { } handler)
        {
            spec.Handler = handler;
        }

        spec.TimeoutSeconds ??= TimeoutSeconds;

        var scale = spec.Scale ??= new ScaleSpec();
        scale.MinScale ??= MinScale;
        scale.MaxScale ??= MaxScale;
        scale.InitialScale ??= InitialScale;
        scale.ContainerConcurrency ??= ContainerConcurrency;
        if (!ScaleClassNames.IsHpa(scale.Class))
        {
            scale.Metric ??= ScaleMetricNames.Concurrency; // the HPA class has no default metric: see ScaleValidator
        }
    }
}
