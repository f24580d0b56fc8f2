using Serverless.Core.Api;

namespace Serverless.Cli.Project;

/// <summary>Turns a func.yaml and an installed artifact into the Function the platform stores. Pure.</summary>
internal static class FunctionManifest
{
    public static Function Build(FunctionProject project, string @namespace, string artifactPath) => new()
    {
        Metadata = new k8s.Models.V1ObjectMeta { Name = project.Name, NamespaceProperty = @namespace },
        Spec = new FunctionSpec
        {
            Runtime = project.Runtime,
            Handler = project.Handler,
            Image = project.Image,
            Source = new FunctionSource { Path = artifactPath },
            Env = project.Env.Count == 0 ? null : [.. project.Env.Select(e => new EnvVar { Name = e.Name, Value = e.Value })],
            Scale = project.Scale is null ? null : Copy(project.Scale),
            TimeoutSeconds = project.TimeoutSeconds,
        },
    };

    private static ScaleSpec Copy(ScaleSpec scale) => new()
    {
        MinScale = scale.MinScale,
        MaxScale = scale.MaxScale,
        InitialScale = scale.InitialScale,
        Target = scale.Target,
        TargetUtilization = scale.TargetUtilization,
        ContainerConcurrency = scale.ContainerConcurrency,
        ScaleToZeroGracePeriodSeconds = scale.ScaleToZeroGracePeriodSeconds,
        Metric = scale.Metric,
        Class = scale.Class,
        ScaleDownDelaySeconds = scale.ScaleDownDelaySeconds,
        ActivationScale = scale.ActivationScale,
        TargetBurstCapacity = scale.TargetBurstCapacity,
    };
}
