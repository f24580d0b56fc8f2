using Serverless.Core.Api;
using Serverless.Core.Tests.Builders;
using Serverless.Core.Workloads;

namespace Serverless.Controller.Tests.Builders;

/// <summary>
/// Core's option builders (<see cref="TestFunctions"/>, linked in) plus what a reconciler reads besides the spec:
/// the generation and the status an earlier pass wrote. <c>TestFunction("default", "hello", WithMinScale(1))</c>.
/// </summary>
internal static class ReconcilerFunctions
{
    public static Function TestFunction(string ns, string name, params Action<Function>[] options) =>
        TestFunctions.Function(ns, name, options);

    public static Action<Function> WithGeneration(long generation) => fn => fn.Metadata.Generation = generation;

    /// <summary>A status written for <paramref name="observedGeneration"/>: its url, instance counts and revision.</summary>
    public static Action<Function> WithStatus(long observedGeneration, string? url = null, int replicas = 0, int readyReplicas = 0, string? latestRevision = null) =>
        fn => fn.Status = new FunctionStatus
        {
            ObservedGeneration = observedGeneration,
            Url = url,
            Replicas = replicas,
            ReadyReplicas = readyReplicas,
            LatestRevision = latestRevision,
        };

    /// <summary>
    /// The status records the revision of the spec as it is now: the platform ran it before (a restart).
    /// Put it after the options that change the spec.
    /// </summary>
    public static Action<Function> WithRevisionAlreadyRun() => fn => (fn.Status ??= new FunctionStatus()).LatestRevision = WorkloadSpecBuilder.Revision(fn.Spec);
}
