namespace Serverless.Core.Contracts;

/// <summary>One instance's resource usage as its backend reads it, for the HPA class's local scaler.</summary>
/// <param name="InstanceId">The instance.</param>
/// <param name="Ready">Serving requests (a starting instance is not).</param>
/// <param name="CpuSeconds">CPU time the instance has used since it started (its cgroup's, else its process's); null when unreadable.</param>
/// <param name="MemoryBytes">Memory in use now (the cgroup's charge, else the process's resident set); null when unreadable.</param>
/// <param name="CpuRequestMillicores">What CPU utilization is relative to: the Function's CPU request, else its limit, else one core.</param>
public readonly record struct InstanceUsage(string InstanceId, bool Ready, double? CpuSeconds, long? MemoryBytes, long CpuRequestMillicores);
