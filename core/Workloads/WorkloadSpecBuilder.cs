using System.Security.Cryptography;
using System.Text;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Defaulting;
using Serverless.Core.Serialization;

namespace Serverless.Core.Workloads;

/// <summary>Turns a validated, defaulted Function into what the backend runs (Knative's <c>MakeDeployment</c>).</summary>
public static class WorkloadSpecBuilder
{
    /// <summary>Annotation by which a Function opts out of warm pools: <c>"false"</c>.</summary>
    public const string PoolAnnotation = "serverless.dev/pool";

    public static WorkloadSpec Build(Core.Api.Function function)
    {
        var spec = function.Spec;
        var scale = EffectiveScale.Resolve(spec.Scale, new ScaleDefaults());
        var environment = (spec.Env ?? [])
            .Select(e => new KeyValuePair<string, string>(e.Name, e.Value ?? ""))
            .ToArray();

        return new WorkloadSpec
        {
            Key = new FunctionKey(function.Metadata.NamespaceProperty, function.Metadata.Name),
            Revision = Revision(spec),
            Runtime = spec.Runtime ?? "",
            Handler = spec.Handler ?? "",
            SourcePath = spec.Source?.Path,
            Image = spec.Image,
            Environment = environment,
            TimeoutSeconds = spec.TimeoutSeconds ?? 300,
            ContainerConcurrency = scale.ContainerConcurrency,
            Resources = WorkloadResourcesBuilder.Build(spec.Resources),
            UsePool = !(function.Metadata.Annotations?.TryGetValue(PoolAnnotation, out var pool) == true
                && string.Equals(pool.Trim(), "false", StringComparison.OrdinalIgnoreCase)),
        };
    }

    /// <summary>
    /// A hash of the fields that change what an instance runs. Scale settings other than
    /// containerConcurrency are left out on purpose: changing maxScale must not restart instances.
    /// </summary>
    public static string Revision(FunctionSpec spec)
    {
        var identity = new
        {
            spec.Runtime,
            spec.Handler,
            spec.Image,
            spec.Source,
            spec.Env,
            spec.Resources,
            spec.TimeoutSeconds,
            spec.Scale?.ContainerConcurrency,
        };
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(ResourceJson.Serialize(identity)));
        return Convert.ToHexStringLower(hash)[..16];
    }
}
