using Serverless.Core.Contracts;

namespace Serverless.Platform;

/// <summary>
/// Breaks the construction cycle between the autoscaler (which asks the activator whether a function
/// is idle) and the activator (which asks the autoscaler for instances). Until the activator is
/// attached every function counts as active, so nothing can be scaled to zero by mistake.
/// </summary>
internal sealed class ActivityRelay : IFunctionActivity
{
    private IFunctionActivity? _target;

    public void Attach(IFunctionActivity target) => Volatile.Write(ref _target, target);

    public int ActiveRequests(FunctionKey key) => Volatile.Read(ref _target)?.ActiveRequests(key) ?? 1;

    public int InFlight(FunctionKey key, string instanceId) => Volatile.Read(ref _target)?.InFlight(key, instanceId) ?? 0;
}
