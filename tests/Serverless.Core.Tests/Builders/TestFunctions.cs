using k8s.Models;
using Serverless.Core.Api;

namespace Serverless.Core.Tests.Builders;

/// <summary>
/// Functions built with option builders, as Knative's tests build revisions: <c>TestFunctions.Function("default",
/// "hello", WithMinScale(1))</c>. The base object is a valid node function with a local source path.
/// </summary>
internal static class TestFunctions
{
    public const string SourcePath = "/srv/functions/hello";

    public static Function Function(string ns, string name, params Action<Function>[] options)
    {
        var fn = new Function
        {
            Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name },
            Spec = new FunctionSpec
            {
                Runtime = RuntimeNames.Node,
                Handler = "index.js:handle",
                Source = new FunctionSource { Path = SourcePath },
            },
        };

        foreach (var option in options)
        {
            option(fn);
        }

        return fn;
    }

    public static Action<Function> WithName(string? name) => fn => fn.Metadata.Name = name;

    public static Action<Function> WithNamespace(string? ns) => fn => fn.Metadata.NamespaceProperty = ns;

    public static Action<Function> WithLabel(string key, string value) =>
        fn => (fn.Metadata.Labels ??= new Dictionary<string, string>())[key] = value;

    public static Action<Function> WithAnnotation(string key, string value) =>
        fn => (fn.Metadata.Annotations ??= new Dictionary<string, string>())[key] = value;

    public static Action<Function> WithCreationTimestamp(DateTime utc) => fn => fn.Metadata.CreationTimestamp = utc;

    public static Action<Function> WithRuntime(string? runtime, string? handler) => fn =>
    {
        fn.Spec.Runtime = runtime;
        fn.Spec.Handler = handler;
    };

    public static Action<Function> WithHandler(string? handler) => fn => fn.Spec.Handler = handler;

    public static Action<Function> WithImage(string? image) => fn => fn.Spec.Image = image;

    public static Action<Function> WithSource(string? path = null, string? configMap = null) =>
        fn => fn.Spec.Source = new FunctionSource { Path = path, ConfigMap = configMap };

    public static Action<Function> WithoutSource() => fn => fn.Spec.Source = null;

    public static Action<Function> WithEnv(string name, string? value) =>
        fn => (fn.Spec.Env ??= []).Add(new EnvVar { Name = name, Value = value });

    public static Action<Function> WithResources(
        IDictionary<string, string>? requests = null, IDictionary<string, string>? limits = null) => fn =>
            fn.Spec.Resources = new V1ResourceRequirements
            {
                Requests = requests?.ToDictionary(kv => kv.Key, kv => new ResourceQuantity(kv.Value)),
                Limits = limits?.ToDictionary(kv => kv.Key, kv => new ResourceQuantity(kv.Value)),
            };

    public static Action<Function> WithTimeoutSeconds(int? seconds) => fn => fn.Spec.TimeoutSeconds = seconds;

    public static Action<Function> WithMinScale(int? value) => fn => Scale(fn).MinScale = value;

    public static Action<Function> WithMaxScale(int? value) => fn => Scale(fn).MaxScale = value;

    public static Action<Function> WithInitialScale(int? value) => fn => Scale(fn).InitialScale = value;

    public static Action<Function> WithTarget(int? value) => fn => Scale(fn).Target = value;

    public static Action<Function> WithTargetUtilization(double? value) => fn => Scale(fn).TargetUtilization = value;

    public static Action<Function> WithContainerConcurrency(int? value) => fn => Scale(fn).ContainerConcurrency = value;

    public static Action<Function> WithScaleToZeroGracePeriodSeconds(int? value) =>
        fn => Scale(fn).ScaleToZeroGracePeriodSeconds = value;

    public static Action<Function> WithMetric(string? metric) => fn => Scale(fn).Metric = metric;

    public static Action<Function> WithScaleClass(string? value) => fn => Scale(fn).Class = value;

    public static Action<Function> WithScaleDownDelaySeconds(int? value) => fn => Scale(fn).ScaleDownDelaySeconds = value;

    public static Action<Function> WithActivationScale(int? value) => fn => Scale(fn).ActivationScale = value;

    /// <summary>Appends a traffic target; <paramref name="revision"/> null means <c>latestRevision: true</c>.</summary>
    public static Action<Function> WithTraffic(string? revision, int? percent, string? tag = null) => fn =>
        (fn.Spec.Traffic ??= []).Add(new TrafficTarget { RevisionName = revision, LatestRevision = revision is null ? true : null, Percent = percent, Tag = tag });

    public static Action<Function> WithTargetBurstCapacity(double? value) => fn => Scale(fn).TargetBurstCapacity = value;

    private static ScaleSpec Scale(Function fn) => fn.Spec.Scale ??= new ScaleSpec();
}
