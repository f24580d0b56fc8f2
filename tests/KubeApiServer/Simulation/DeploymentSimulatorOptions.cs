namespace Serverless.KubeApiServer.Simulation;

public sealed class DeploymentSimulatorOptions
{
    /// <summary>How long after a Deployment changes its pods and status follow (measured on the server's TimeProvider). Default: at once.</summary>
    public TimeSpan ReadyDelay { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// After a pod create the API server refused (a ResourceQuota), when the ReplicaSet controller tries again. Default
    /// 1 s (the real one backs off from 5 ms to 1000 s per ReplicaSet; a fixed second keeps tests quick and the retries
    /// visible in the audit log).
    /// </summary>
    public TimeSpan FailedCreateRetry { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The address every simulated pod gets (pod IP and endpoint address). Default 127.0.0.1.</summary>
    public string PodAddress { get; init; } = "127.0.0.1";

    /// <summary>
    /// The endpoint port of a pod: (namespace, deployment, pod) → port. Default 8080. Distinct ports let
    /// real processes on loopback stand in for pods: pods are grouped into one EndpointSlice per port.
    /// </summary>
    public Func<string, string, string, int> PortFor { get; init; } = (_, _, _) => 8080;
}
