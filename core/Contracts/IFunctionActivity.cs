namespace Serverless.Core.Contracts;

/// <summary>
/// The activator's live view of a function, asked by the autoscaler before it scales to zero so a
/// request that is queued or in flight is never cut off.
/// </summary>
public interface IFunctionActivity
{
    /// <summary>Requests in flight to instances plus requests waiting in the queue, now.</summary>
    int ActiveRequests(FunctionKey key);

    /// <summary>Requests in flight to one instance now; scale-down drains the idlest instances first.</summary>
    int InFlight(FunctionKey key, string instanceId);
}
